# CIFAR-10, two views with the authors' plain augmentation, their CIFAR mean/std
# (configs/_base_/README.md#datasets).
_base_ = './frozen_feature_evaluation.py'
dataset_type = 'CIFAR10'
data_root = 'data/cifar10'
data_preprocessor = dict(type='SelfSupDataPreprocessor', to_rgb=False,
    mean=[125.307, 122.961, 113.8575], std=[51.5865, 50.847, 51.255])  # (0.4914, 0.4822, 0.4465) / (0.2023, 0.1994, 0.2010) x 255
train_pipeline = [
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='plain', size=32)]]),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=128, num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(
    num_workers=2, dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
val_cfg = test_cfg = dict(bank=val_dataloader)  # the same clean images, from the training split
