# Table 1 baseline: simclr_r18_cifar10.py without adversarial examples and with plain BNs.
_base_ = './simclr_r18_cifar10.py'
model = dict(backbone=dict(type='ResNet_CIFAR'))
default_hooks = dict(adversarial=dict(eps=0.0))
