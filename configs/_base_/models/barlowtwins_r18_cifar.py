# Barlow Twins + CLAE (CLAEBarlowTwins, mmpretrain's BarlowTwins) on ResNet-18 (CIFAR stem) with
# dual BNs, sized as solo-learn's CIFAR recipe (configs/_base_/README.md#models).
model = dict(
    type='CLAEBarlowTwins',
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False),
    neck=dict(type='NonLinearNeck', in_channels=512, hid_channels=2048, out_channels=2048,
              num_layers=3, with_last_bn=False, with_last_bn_affine=False, with_avg_pool=True,
              norm_cfg=dict(type='BN1d')),
    head=dict(type='LatentCrossCorrelationHead', in_channels=2048,
              loss=dict(type='CrossCorrelationLoss', lambd=0.0051)),
    dual_bn=dict(adv_bn_momentum=0.01),  # the paper's adversarial BN momentum (Sec. 4.1)
)
