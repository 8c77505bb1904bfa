# SimCLR: ResNet-18 (CIFAR stem) with dual BNs, projection MLP 512-512-64
# (no BN), NT-Xent at temperature 0.5 (the authors' SimCLR/).
model = dict(
    type='CLAE',
    # PyTorch's default initialisation, as the authors' (no Kaiming fan-out,
    # no zero-init residual: mmpretrain's defaults are a config key away).
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False, init_cfg=None),
    neck=dict(type='ContrastiveProjection', in_channels=512, hid_channels=512,
              out_channels=64, num_layers=2),
    head=dict(type='CLAELoss', method='simclr', temperature=0.5),
)
# Evaluation (the authors' SimCLR/eval_knn.py and eval_lr.py): kNN on the
# normalised projection output (sigma = the 0.5 temperature), the linear probe
# on the 512-d backbone output; probe Adam 3e-4, batch 256, 1000 epochs.
evaluation = dict(
    knn=dict(stage='embedding', k=200, sigma=0.5),
    linear=dict(stage='backbone', epochs=1000, batch_size=256, lr=3e-4, weight_decay=0.0),
)
