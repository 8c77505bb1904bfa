# MoCo v2 + CLAE on CIFAR-10 with solo-learn's CIFAR recipe; not measured (configs/clae/README.md).
_base_ = [
    '../_base_/models/mocov2_r18_cifar.py',
    '../_base_/zoo_cifar10.py',
    '../_base_/schedules/sgd_warmup_cosine_1000e.py',
]
optim_wrapper = dict(optimizer=dict(lr=0.3, weight_decay=1e-4))
