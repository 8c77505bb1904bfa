# Table 1: Plain (eq. 5) + CLAE on CIFAR-10 (configs/clae/README.md).
_base_ = [
    '../_base_/models/plain_r18_cifar.py',
    '../_base_/datasets/cifar10_plain.py',
    '../_base_/evaluation/plain_uel_protocol.py',
    '../_base_/schedules/sgd_301e.py',
    '../_base_/default_runtime.py',
]
