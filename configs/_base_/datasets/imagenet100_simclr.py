# ImageNet-100 (the 100-class subset of Tian et al. 2019, CMC) for SimCLR pre-training, the
# encoder of the paper's Table 2. The authors' code for this run is not public; we use their
# tinyImageNet SimCLR setting (TransformsSimCLR_imagenet at 224x224, ImageNet mean/std, batch
# 128) and the usual ImageNet evaluation view (shorter side 256, centre crop 224).
dataset_type = 'ImageNet100'
data_root = 'data/imagenet'
data_preprocessor = dict(type='SelfSupDataPreprocessor', to_rgb=False,
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])  # (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225) x 255
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='simclr', size=224)]]),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    drop_last=True,  # as the authors: every batch has B images
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))

# Clean images for kNN / linear evaluation on ImageNet-100 itself (train -> val).
eval_bank = dict(type=dataset_type, data_root=data_root, split='train', pipeline=test_pipeline)
eval_query = dict(type=dataset_type, data_root=data_root, split='val', pipeline=test_pipeline)
