# MoCo v2 + CLAE (CLAEMoCo, mmpretrain's MoCo) on ResNet-18 (CIFAR stem) with dual BNs, sized as
# solo-learn's CIFAR recipe (configs/_base_/README.md#models).
model = dict(
    type='CLAEMoCo',
    queue_len=32768,
    feat_dim=256,
    momentum=0.01,
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False),
    neck=dict(type='MoCoV2Neck', in_channels=512, hid_channels=2048, out_channels=256,
              with_avg_pool=True),
    head=dict(type='ContrastiveHead', loss=dict(type='CrossEntropyLoss'), temperature=0.2),
    dual_bn=dict(adv_bn_momentum=0.01),  # the paper's adversarial BN momentum (Sec. 4.1)
    adversarial_branch='online',
)
