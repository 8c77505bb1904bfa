# The baseline of barlowtwins_r18_cifar10.py: eps 0 and plain BNs everywhere
# (mmpretrain's Barlow Twins network).
_base_ = './barlowtwins_r18_cifar10.py'
model = dict(backbone=dict(type='ResNet_CIFAR'), dual_bn=None)
default_hooks = dict(adversarial=dict(eps=0.0))
