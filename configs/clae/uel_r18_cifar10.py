# Table 1: UEL + CLAE on CIFAR10 (eps 0.03, alpha 1, FGSM, adversarial BN momentum 0.01).
# eps 0.07: --cfg-options default_hooks.adversarial.eps=0.07
_base_ = [
    '../_base_/models/uel_r18_cifar.py',
    '../_base_/datasets/cifar10_plain.py',
    '../_base_/schedules/sgd_301e.py',
    '../_base_/default_runtime.py',
]
