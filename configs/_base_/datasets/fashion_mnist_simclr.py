# FashionMNIST for simclr pre-training: two views per image with the authors' simclr augmentation
# (ContrastiveAugment), normalised on the model side (mean/std 0.5); 28x28 grey images become 32x32 RGB.
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
    batch_size=256,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,  # as the authors: every batch has B images
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))

# Clean images (no augmentation) for kNN / linear evaluation: the training
# split is the kNN bank and the probe's training set, the test split is scored.
eval_bank = dict(type=dataset_type, data_root=data_root, split='train', pipeline=test_pipeline)
eval_query = dict(type=dataset_type, data_root=data_root, split='test', pipeline=test_pipeline)
