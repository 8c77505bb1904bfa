# Plain (eq. 5), as the authors' Plain/main.py: ResNet-18 (CIFAR stem) with dual BNs, a linear
# 512 -> 128 L2-normalised embedding, temperature 0.1 (configs/_base_/README.md#models).
model = dict(
    type='CLAE',
    # PyTorch's default initialisation, as the authors' (mmpretrain's is a config key away).
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False, init_cfg=None),
    neck=dict(type='ContrastiveProjection', in_channels=512, out_channels=128, num_layers=1),
    head=dict(type='CLAELoss', method='plain', temperature=0.1),
)
