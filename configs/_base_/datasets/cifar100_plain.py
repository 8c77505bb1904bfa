# CIFAR100 for plain pre-training: two views per image with the authors' plain augmentation
# (ContrastiveAugment), normalised on the model side (the authors' CIFAR mean/std).
dataset_type = 'CIFAR100'
data_root = 'data/cifar100'
data_preprocessor = dict(type='SelfSupDataPreprocessor', to_rgb=False,
    mean=[125.307, 122.961, 113.8575], std=[51.5865, 50.847, 51.255])  # (0.4914, 0.4822, 0.4465) / (0.2023, 0.1994, 0.2010) x 255
train_pipeline = [
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='plain', size=32)]]),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=128,
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
