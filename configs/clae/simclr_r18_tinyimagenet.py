# Table 1: SimCLR + CLAE on tinyImageNet, as the authors ran it (configs/clae/README.md).
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/models/imagenet_stem.py',
    '../_base_/datasets/tinyimagenet_simclr.py',
    '../_base_/evaluation/simclr_protocol_200e.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
model = dict(backbone=_base_.imagenet_stem_backbone)
train_cfg = dict(val_interval=10)
auto_scale_lr = dict(base_batch_size=128)  # the authors' tinyImageNet batch
