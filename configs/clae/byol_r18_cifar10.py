# BYOL + CLAE on CIFAR-10 with solo-learn's CIFAR recipe; not measured (configs/clae/README.md).
_base_ = [
    '../_base_/models/byol_r18_cifar.py',
    '../_base_/zoo_cifar10.py',
    '../_base_/schedules/lars_warmup_cosine_1000e.py',
]
optim_wrapper = dict(optimizer=dict(lr=1.0, weight_decay=1e-5))
