# Table 1: Plain (eq. 5) + CLAE on tinyImageNet, as the authors ran it (configs/clae/README.md).
_base_ = [
    '../_base_/models/plain_r18_cifar.py',
    '../_base_/models/imagenet_stem.py',
    '../_base_/datasets/tinyimagenet_plain.py',
    '../_base_/evaluation/plain_uel_protocol_200e.py',
    '../_base_/schedules/sgd_301e.py',
    '../_base_/default_runtime.py',
]
model = dict(backbone=_base_.imagenet_stem_backbone)
train_cfg = dict(max_epochs=100, val_interval=10)  # the authors' loop stops at epoch 100
