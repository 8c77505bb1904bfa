# The baseline of simsiam_r18_cifar10.py: eps 0 and plain BNs everywhere
# (mmpretrain's SimSiam network).
_base_ = './simsiam_r18_cifar10.py'
model = dict(backbone=dict(type='ResNet_CIFAR'), dual_bn=None)
default_hooks = dict(adversarial=dict(eps=0.0))
