# Plain (eq. 5): ResNet-18 (CIFAR stem) with dual BNs, a linear 512 -> 128
# embedding, L2-normalised, temperature 0.1 (the authors' Plain/main.py).
model = dict(
    type='CLAE',
    # PyTorch's default initialisation, as the authors' (no Kaiming fan-out,
    # no zero-init residual: mmpretrain's defaults are a config key away).
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False, init_cfg=None),
    neck=dict(type='ContrastiveProjection', in_channels=512, out_channels=128, num_layers=1),
    head=dict(type='CLAELoss', method='plain', temperature=0.1),
)
# Evaluation (the authors' Plain/main.py and eval.py): kNN and the linear probe
# on the 128-d normalised embedding; probe Adam 3e-4, batch 128, 1000 epochs.
evaluation = dict(
    knn=dict(stage='embedding', k=200, sigma=0.1),
    linear=dict(stage='embedding', epochs=1000, batch_size=128, lr=3e-4, weight_decay=0.0),
)
