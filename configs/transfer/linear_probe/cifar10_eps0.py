# Table 2 baseline: linear probe of the ImageNet-100 SimCLR encoder (eps 0, plain BNs) on CIFAR-10.
_base_ = './cifar10.py'
model = dict(backbone=dict(type='ResNet'))
default_hooks = dict(adversarial=dict(eps=0.0))
