# The baseline of byol_r18_cifar10.py: eps 0 and plain BNs everywhere
# (mmpretrain's BYOL network).
_base_ = './byol_r18_cifar10.py'
model = dict(backbone=dict(type='ResNet_CIFAR'), dual_bn=None)
default_hooks = dict(adversarial=dict(eps=0.0))
