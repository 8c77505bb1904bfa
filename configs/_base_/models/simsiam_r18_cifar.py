# SimSiam + CLAE: mmpretrain's SimSiam (NonLinearNeck projector, LatentPredictHead predictor,
# CosineSimilarityLoss, stop-gradient) as CLAESimSiam, on ResNet-18 with the CIFAR stem and dual
# BNs (backbone, projector, predictor). Sizes of solo-learn's CIFAR recipe
# (scripts/pretrain/cifar/simsiam.yaml) and the SimSiam paper's CIFAR variant: a 2-layer
# projector 512-2048-2048 without biases whose last BN has no affine parameters, predictor
# 2048-512-2048. BN1d for one device. Initialisation as torchvision's ResNet (mmpretrain's default).
# CLAE: the adversarial view goes through the predictor side, against the clean projection of x1
# behind the stop-gradient (docs/algorithm.md).
model = dict(
    type='CLAESimSiam',
    backbone=dict(type='DualBNResNet_CIFAR', depth=18, zero_init_residual=False),
    neck=dict(type='NonLinearNeck', in_channels=512, hid_channels=2048, out_channels=2048,
              num_layers=2, with_bias=False, with_last_bn=True, with_last_bn_affine=False,
              with_avg_pool=True, norm_cfg=dict(type='BN1d')),
    head=dict(
        type='LatentPredictHead',
        predictor=dict(type='NonLinearNeck', in_channels=2048, hid_channels=512,
                       out_channels=2048, num_layers=2, with_bias=False, with_last_bn=False,
                       with_last_bias=True, with_avg_pool=False, norm_cfg=dict(type='BN1d')),
        loss=dict(type='CosineSimilarityLoss')),
    dual_bn=dict(adv_bn_momentum=0.01),  # the paper's adversarial BN momentum (Sec. 4.1)
)
# Evaluated on the 512-d backbone output (kNN sigma 0.1, the probe): val_evaluator /
# test_evaluator of the leaf configs (configs/clae/, configs/fashion_mnist/).
