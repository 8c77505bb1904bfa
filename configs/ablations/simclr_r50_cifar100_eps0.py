# Fig. 5(c) baseline: SimCLR on CIFAR100 with a plain-BN ResNet-50 (eps 0).
_base_ = './simclr_r50_cifar100.py'
model = dict(backbone=dict(type='ResNet_CIFAR'))
default_hooks = dict(adversarial=dict(eps=0.0))
