# tinyImageNet as the authors' {Plain,UEL}/main_imagenet.py: two 224x224 views (plain
# augmentation), ImageNet mean/std, batch 128; the 'val' split is scored
# (configs/_base_/README.md#datasets).
_base_ = './frozen_feature_evaluation.py'
dataset_type = 'TinyImageNet'
data_root = 'data/tiny-imagenet-200'
data_preprocessor = dict(type='SelfSupDataPreprocessor', to_rgb=False,
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])  # (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225) x 255
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='plain', size=224)]]),
    dict(type='PackInputs'),
]
test_pipeline = [  # the authors' eval_imagenet.py: Resize(224) (PIL bilinear), no augmentation
    dict(type='LoadRGBImageFromFile'),
    dict(type='Resize', scale=(224, 224), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=128, num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(num_workers=4, dataset=dict(
    type=dataset_type, data_root=data_root, split='val', pipeline=test_pipeline))
val_cfg = test_cfg = dict(bank=dict(  # the same clean images, from the training split
    num_workers=4, dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline)))
