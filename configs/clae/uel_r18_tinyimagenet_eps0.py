# Table 1 baseline: uel_r18_tinyimagenet.py without adversarial examples and with plain BNs.
_base_ = './uel_r18_tinyimagenet.py'
model = dict(backbone=dict(type='ResNet'))
default_hooks = dict(adversarial=dict(eps=0.0))
