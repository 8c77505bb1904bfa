# SimCLR, as the authors' SimCLR/: ResNet-18 (CIFAR stem) with dual BNs, projection MLP
# 512-512-64 (no BN), NT-Xent at temperature 0.5 (configs/_base_/README.md#models).
model = dict(
    type='CLAE',
    # PyTorch's default initialisation, as the authors' (mmpretrain's is a config key away).
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False, init_cfg=None),
    neck=dict(type='ContrastiveProjection', in_channels=512, hid_channels=512,
              out_channels=64, num_layers=2),
    head=dict(type='CLAELoss', method='simclr', temperature=0.5),
)
