# ImageNet-100 (Tian et al. 2019, CMC) for the Table 2 encoder: tinyimagenet_simclr.py with
# ImageNet-100's dataset, the usual ImageNet evaluation view and 8 workers
# (configs/_base_/README.md#datasets).
_base_ = './tinyimagenet_simclr.py'
dataset_type = 'ImageNet100'
data_root = 'data/imagenet'
test_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(num_workers=8, dataset=dict(type=dataset_type, data_root=data_root))
val_dataloader = test_dataloader = dict(
    num_workers=8, dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
val_cfg = test_cfg = dict(bank=val_dataloader)  # the same clean images, from the training split
