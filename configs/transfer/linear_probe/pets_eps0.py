# Table 2 baseline: linear probe of the ImageNet-100 SimCLR encoder (eps 0, plain BNs) on Oxford-IIIT Pets.
_base_ = './pets.py'
model = dict(backbone=dict(type='ResNet'))
default_hooks = dict(adversarial=dict(eps=0.0))
