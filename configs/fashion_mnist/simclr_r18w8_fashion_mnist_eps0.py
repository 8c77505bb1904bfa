# The baseline of simclr_r18w8_fashion_mnist.py: eps 0 and a plain-BN ResNet-18.
_base_ = './simclr_r18w8_fashion_mnist.py'
model = dict(backbone=dict(type='ResNet_CIFAR'))
default_hooks = dict(adversarial=dict(eps=0.0))
