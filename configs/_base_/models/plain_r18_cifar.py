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
# Evaluated as the authors' Plain (kNN sigma 0.1 and probe on the embedding): val_evaluator /
# test_evaluator of configs/_base_/datasets/*_plain.py.
