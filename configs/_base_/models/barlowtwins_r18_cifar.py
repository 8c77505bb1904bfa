# Barlow Twins + CLAE: mmpretrain's BarlowTwins (NonLinearNeck projector,
# LatentCrossCorrelationHead, CrossCorrelationLoss) as CLAEBarlowTwins, on ResNet-18 with the
# CIFAR stem and dual BNs (backbone and projector; the head's affine-free BN is the loss's batch
# standardisation and stays single, docs/algorithm.md). Sizes of solo-learn's CIFAR recipe
# (scripts/pretrain/cifar/barlow.yaml): a 3-layer projector 512-2048-2048-2048, lambda 0.0051.
# Structure of mmpretrain's Barlow Twins config (no biases, no last BN), BN1d for one device.
# Not reproduced: solo-learn's scale_loss 0.1 (mmpretrain's CrossCorrelationLoss has no scale).
# Initialisation as torchvision's ResNet (mmpretrain's default).
# CLAE: L_adv is the whole Barlow Twins loss of the clean x1 and x1_adv (docs/algorithm.md).
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
# Evaluated on the 512-d backbone output (kNN sigma 0.1, the probe): val_evaluator /
# test_evaluator of the leaf configs (configs/clae/, configs/fashion_mnist/).
