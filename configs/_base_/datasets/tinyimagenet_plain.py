# tinyImageNet for Plain/UEL pre-training as the authors' {Plain,UEL}/main_imagenet.py: two
# views per image, RandomResizedCrop to 224x224 (scale 0.2-1) of the 64x64 images with the plain
# augmentation, normalised on the model side with the ImageNet mean/std, batch 128.
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
# The authors' eval_imagenet.py: Resize(224) (PIL bilinear), no augmentation.
test_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='Resize', scale=(224, 224), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=128,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,  # as the authors: every batch has B images
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))

# Clean images (no augmentation) for kNN / linear evaluation: the training
# split is the kNN bank and the probe's training set, the validation split
# (10,000 labelled images; the paper's test set) is scored.
eval_bank = dict(type=dataset_type, data_root=data_root, split='train', pipeline=test_pipeline)
eval_query = dict(type=dataset_type, data_root=data_root, split='val', pipeline=test_pipeline)
