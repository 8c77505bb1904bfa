# MoCo v2 + CLAE: mmpretrain's MoCo (MoCoV2Neck, ContrastiveHead, momentum encoder, queue) as
# CLAEMoCo, on ResNet-18 with the CIFAR stem (3x3 stride-1 conv, no max-pool) and dual BNs.
# Sizes of solo-learn's CIFAR recipe (scripts/pretrain/cifar/mocov2plus.yaml): projection MLP
# 512-2048-256, queue of 32768 keys, temperature 0.2, momentum-encoder rate 0.01 (tau 0.99;
# mmpretrain's MoCo keeps it constant, solo-learn anneals tau to 0.999). Initialisation as
# torchvision's ResNet used there: Kaiming normal fan-out convs, BN 1/0 (mmpretrain's default).
# CLAE: the adversarial view goes through the query (online) encoder against the momentum key
# of the clean x1 (docs/algorithm.md); adversarial_branch='target' puts it on the key side.
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
# Evaluated on the 512-d backbone output (kNN sigma 0.1, the probe): val_evaluator /
# test_evaluator of the leaf configs (configs/clae/, configs/fashion_mnist/).
