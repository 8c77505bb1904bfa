# Fashion-MNIST with the authors' SimCLR views made per image (ContrastiveAugment, mean/std 0.5):
# the 28x28 grey images become 32x32 RGB (configs/_base_/README.md#datasets).
_base_ = './frozen_feature_evaluation.py'
dataset_type = 'FashionMNIST'
data_root = '/usr/share/datasets/fashion-mnist'
data_preprocessor = dict(type='SelfSupDataPreprocessor', to_rgb=False,
    mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5])  # 0.5 / 0.5 x 255
train_pipeline = [
    dict(type='ToRGB'),
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='simclr', size=32)]]),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='ToRGB'), dict(type='Resize', scale=(32, 32)), dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=256, num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(
    num_workers=4, dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
val_cfg = test_cfg = dict(bank=val_dataloader)  # the same clean images, from the training split
