# Table 1 baseline: UEL on tinyImageNet without adversarial examples (eps 0), and
# with a plain-BN ResNet-18 as the authors' baseline runs (bn_adv_flag=False).
_base_ = './uel_r18_tinyimagenet.py'
model = dict(backbone=dict(type='ResNet'))
default_hooks = dict(adversarial=dict(eps=0.0))
