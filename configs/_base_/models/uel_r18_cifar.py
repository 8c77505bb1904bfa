# UEL (Ye et al. 2019): as Plain, with the authors' BatchCriterion loss.
model = dict(
    type='CLAE',
    # PyTorch's default initialisation, as the authors' (no Kaiming fan-out,
    # no zero-init residual: mmpretrain's defaults are a config key away).
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False, init_cfg=None),
    neck=dict(type='ContrastiveProjection', in_channels=512, out_channels=128, num_layers=1),
    head=dict(type='CLAELoss', method='uel', temperature=0.1),
)
# Evaluated as the authors' UEL (kNN sigma 0.1 and probe on the embedding): val_evaluator /
# test_evaluator of configs/_base_/datasets/*_plain.py.
