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
# Evaluated as the authors' SimCLR (kNN sigma 0.5 on the projection, probe on the backbone):
# val_evaluator / test_evaluator of configs/_base_/datasets/*_simclr.py.
