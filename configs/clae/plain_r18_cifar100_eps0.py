# Table 1 baseline: plain_r18_cifar100.py without adversarial examples and with plain BNs.
_base_ = './plain_r18_cifar100.py'
model = dict(backbone=dict(type='ResNet_CIFAR'))
default_hooks = dict(adversarial=dict(eps=0.0))
