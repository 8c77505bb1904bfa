# ImageNet-100 (the 100-class subset of Tian et al. 2019, CMC) for SimCLR pre-training, the
# encoder of the paper's Table 2. The authors' code for this run is not public; we use their
# tinyImageNet SimCLR setting (TransformsSimCLR_imagenet at 224x224, ImageNet mean/std, batch
# 128) and the usual ImageNet evaluation view (shorter side 256, centre crop 224).
# So this is tinyimagenet_simclr.py (its views, normalisation, batch and evaluation protocol)
# with ImageNet-100's dataset, evaluation view and 8 workers.
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
# Evaluation on ImageNet-100 itself, clean images (no augmentation): the val split is scored
# (val_dataloader, test_dataloader) against the training split, the kNN bank and the probe's
# training set (the bank of the loops); both splits are the bases'.
val_dataloader = dict(
    num_workers=8,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
val_cfg = dict(bank=val_dataloader)  # the same clean images, from the training split
test_dataloader = val_dataloader
test_cfg = val_cfg
# The evaluators are tinyimagenet_simclr.py's: kNN (the authors' SimCLR/eval_knn.py) on the
# normalised projection output, k 200, sigma 0.5; + the linear probe (the authors'
# SimCLR/eval_lr.py) on the 512-d backbone output: Adam 3e-4, batch 256, 200 epochs on the cached
# features (the authors' large-set setting: tinyImageNet's).
