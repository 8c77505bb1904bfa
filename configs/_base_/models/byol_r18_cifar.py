# BYOL + CLAE (CLAEBYOL, mmpretrain's BYOL) on ResNet-18 (CIFAR stem) with dual BNs, sized as
# solo-learn's CIFAR recipe (configs/_base_/README.md#models).
model = dict(
    type='CLAEBYOL',
    base_momentum=0.01,
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False),
    neck=dict(type='NonLinearNeck', in_channels=512, hid_channels=4096, out_channels=256,
              num_layers=2, with_bias=True, with_last_bn=False, with_avg_pool=True,
              norm_cfg=dict(type='BN1d')),
    head=dict(
        type='LatentPredictHead',
        predictor=dict(type='NonLinearNeck', in_channels=256, hid_channels=4096,
                       out_channels=256, num_layers=2, with_bias=True, with_last_bn=False,
                       with_avg_pool=False, norm_cfg=dict(type='BN1d')),
        loss=dict(type='CosineSimilarityLoss')),
    dual_bn=dict(adv_bn_momentum=0.01),  # the paper's adversarial BN momentum (Sec. 4.1)
    adversarial_branch='online',
)
