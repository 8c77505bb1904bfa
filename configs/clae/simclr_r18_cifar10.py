# Table 1: SimCLR + CLAE on CIFAR-10 (configs/clae/README.md).
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/datasets/cifar10_simclr.py',
    '../_base_/evaluation/simclr_protocol.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
