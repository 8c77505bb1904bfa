# SimCLR: ResNet-18 (CIFAR stem) with dual BNs, projection MLP 512-512-64
# (no BN), NT-Xent at temperature 0.5 (the authors' SimCLR/).
model = dict(
    type='CLAE',
    backbone=dict(type='DualBNResNet_CIFAR', depth=18),
    neck=dict(type='ContrastiveProjection', in_channels=512, hid_channels=512,
              out_channels=64, num_layers=2),
    head=dict(type='CLAELoss', method='simclr', temperature=0.5),
)
