# Linear classification on CIFAR-10 with mmpretrain's own configs (ImageClassifier, ResNet_CIFAR,
# CIFAR-10 recipe) on a clae_mm encoder written by tools/model_converters/clae_to_mmpretrain.py.
_base_ = [
    'mmpretrain::_base_/models/resnet18_cifar.py',
    'mmpretrain::_base_/datasets/cifar10_bs16.py',
    'mmpretrain::_base_/schedules/cifar10_bs128.py',
    'mmpretrain::_base_/default_runtime.py',
]
# The converted backbone, frozen (frozen_stages=-1 fine-tunes it).
model = dict(
    backbone=dict(
        frozen_stages=4,
        init_cfg=dict(type='Pretrained', checkpoint='work_dirs/converted/backbone.pth',
                      prefix='backbone.')))
# One process at the schedule's batch of 128; CIFAR-10 read offline by clae_mm's class
# (mmpretrain's checks md5 sums and downloads).
train_dataloader = dict(batch_size=128, dataset=dict(type='clae_mm.CIFAR10'))
val_dataloader = dict(batch_size=128, dataset=dict(type='clae_mm.CIFAR10'))
test_dataloader = val_dataloader
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
