# Table 1: Plain (eq. 5) + CLAE on CIFAR100 (eps 0.03, alpha 1, FGSM, adversarial BN momentum 0.01).
# eps 0.07: --cfg-options default_hooks.adversarial.eps=0.07
_base_ = [
    '../_base_/models/plain_r18_cifar.py',
    '../_base_/datasets/cifar100_plain.py',
    '../_base_/schedules/sgd_301e.py',
    '../_base_/default_runtime.py',
]
