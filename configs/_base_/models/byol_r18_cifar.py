# BYOL + CLAE: mmpretrain's BYOL (NonLinearNeck projector, LatentPredictHead predictor,
# CosineSimilarityLoss, CosineEMA target) as CLAEBYOL, on ResNet-18 with the CIFAR stem and dual
# BNs (backbone, projector and predictor; the target copies follow them). Sizes of solo-learn's
# CIFAR recipe (scripts/pretrain/cifar/byol.yaml): projector 512-4096-256, predictor 256-4096-256,
# target rate 0.01 annealed to 0 by CosineEMA (tau 0.99 -> 1.0). Structure of mmpretrain's BYOL
# config (biases in the hidden layers, no last BN), BN1d for one device. Initialisation as
# torchvision's ResNet used there (mmpretrain's default).
# CLAE: the adversarial view goes through the online branch (projector and predictor), the
# target sees clean views only (docs/algorithm.md); adversarial_branch='target' is the other choice.
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
# Evaluated on the 512-d backbone output (kNN sigma 0.1, the probe): val_evaluator /
# test_evaluator of the leaf configs (configs/clae/, configs/fashion_mnist/).
