# Fashion-MNIST for CPU-sized runs: the 28x28 grey images in memory, two 16x16 views drawn in batch
# by the data preprocessor (a leaf sets its preset: data_preprocessor.method), evaluation at 16x16
# (configs/_base_/README.md#datasets).
_base_ = './frozen_feature_evaluation.py'
dataset_type = 'FashionMNIST'
data_root = '/usr/share/datasets/fashion-mnist'  # Debian's dataset-fashion-mnist
data_preprocessor = dict(
    type='ContrastiveAugmentDataPreprocessor', method='simclr', size=16, num_views=2,
    to_rgb=False, mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5])
train_dataloader = dict(
    batch_size=128, num_workers=0, persistent_workers=False,  # in memory, views made in batch
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=[dict(type='PackInputs')]))
test_pipeline = [dict(type='ToRGB'), dict(type='Resize', scale=(16, 16)), dict(type='PackInputs')]
val_dataloader = test_dataloader = dict(
    num_workers=0, dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
val_cfg = test_cfg = dict(bank=val_dataloader)  # the same clean images, from the training split
