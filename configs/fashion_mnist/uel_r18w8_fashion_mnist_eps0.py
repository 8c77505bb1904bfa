# The baseline of uel_r18w8_fashion_mnist.py: eps 0 (no adversarial examples) and a plain-BN
# ResNet-18, as the authors' baseline runs (bn_adv_flag=False); everything else the same.
_base_ = './uel_r18w8_fashion_mnist.py'
model = dict(backbone=dict(type='ResNet_CIFAR'))
default_hooks = dict(adversarial=dict(eps=0.0))
