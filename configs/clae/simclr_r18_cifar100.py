# Table 1: SimCLR + CLAE on CIFAR100 (eps 0.03, alpha 1, FGSM, adversarial BN momentum 0.01).
# eps 0.07: --cfg-options default_hooks.adversarial.eps=0.07
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/datasets/cifar100_simclr.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
