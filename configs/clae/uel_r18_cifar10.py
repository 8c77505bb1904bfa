# Table 1: UEL + CLAE on CIFAR-10 (configs/clae/README.md).
_base_ = [
    '../_base_/models/uel_r18_cifar.py',
    '../_base_/datasets/cifar10_plain.py',
    '../_base_/evaluation/plain_uel_protocol.py',
    '../_base_/schedules/sgd_301e.py',
    '../_base_/default_runtime.py',
]
