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

# Evaluation on ImageNet-100 itself, clean images (no augmentation): the val split is scored (val_dataloader,
# test_dataloader) against the training split, the kNN bank and the probe's training set (the
# bank of the loops). runner.val() scores the kNN every train_cfg.val_interval epochs; runner.test()
# and tools/test.py add the linear probe.
val_dataloader = dict(
    batch_size=256,
    num_workers=8,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='val', pipeline=test_pipeline))
val_cfg = dict(
    type='FrozenFeatureValLoop',
    bank=dict(batch_size=256, num_workers=8,
              dataset=dict(type=dataset_type, data_root=data_root, split='train',
                           pipeline=test_pipeline)))
# kNN (the authors' SimCLR/eval_knn.py): the normalised projection output, k 200, sigma the
# 0.5 training temperature.
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5)
val_evaluator = knn_metric
test_dataloader = val_dataloader
test_cfg = dict(val_cfg, type='FrozenFeatureTestLoop')
# + the linear probe (the authors' SimCLR/eval_lr.py) on the 512-d backbone output: Adam 3e-4,
# batch 256, 200 epochs on the cached features (the authors' large-set setting: tinyImageNet's).
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=200, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
