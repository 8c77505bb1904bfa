# The baseline of mocov2_r18w8_fashion_mnist.py: eps 0 and plain BNs everywhere
# (mmpretrain's MoCo v2 network).
_base_ = './mocov2_r18w8_fashion_mnist.py'
model = dict(backbone=dict(type='ResNet_CIFAR'), dual_bn=None)
default_hooks = dict(adversarial=dict(eps=0.0))
