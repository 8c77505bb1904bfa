# The baseline of mocov2_r18_cifar10.py: MoCo v2 without adversarial examples (eps 0) and with plain
# BNs everywhere (ResNet_CIFAR, no dual_bn), i.e. mmpretrain's MoCo v2 network; everything else the same.
_base_ = './mocov2_r18_cifar10.py'
model = dict(backbone=dict(type='ResNet_CIFAR'), dual_bn=None)
default_hooks = dict(adversarial=dict(eps=0.0))
