# Table 2 encoder: SimCLR + CLAE pre-trained on ImageNet-100 (configs/transfer/README.md).
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/datasets/imagenet100_simclr.py',
    '../_base_/evaluation/simclr_protocol_200e.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
model = dict(backbone=dict(type='DualBNResNet'))  # ImageNet stem, PyTorch's initialisation
train_cfg = dict(val_interval=10)
auto_scale_lr = dict(base_batch_size=128)  # the batch of imagenet100_simclr.py
