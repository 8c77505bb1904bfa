# UEL (Ye et al. 2019): as Plain, with the authors' BatchCriterion loss.
model = dict(
    type='CLAE',
    backbone=dict(type='DualBNResNet_CIFAR', depth=18),
    neck=dict(type='ContrastiveProjection', in_channels=512, out_channels=128, num_layers=1),
    head=dict(type='CLAELoss', method='uel', temperature=0.1),
)
