# Table 2 baseline encoder: SimCLR on ImageNet-100 without adversarial examples (eps 0),
# with a plain-BN ResNet-18.
_base_ = './simclr_r18_imagenet100.py'
model = dict(backbone=dict(type='ResNet'))
default_hooks = dict(adversarial=dict(eps=0.0))
