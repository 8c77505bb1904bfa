# Table 2 baseline: linear probe of the ImageNet-100 SimCLR encoder (eps 0, plain BNs) on Flowers-102.
_base_ = './flowers102.py'
model = dict(backbone=dict(type='ResNet'))
default_hooks = dict(adversarial=dict(eps=0.0))
