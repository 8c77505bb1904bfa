# CIFAR10 for simclr pre-training with the augmentation made on the GPU: the loader yields one
# uint8 image per sample and ContrastiveAugmentDataPreprocessor draws the two views in batch on the
# device (the authors' simclr preset, per-sample random parameters; float arithmetic instead of PIL's
# uint8 steps, see docs/benchmarks.md), normalised (mean/std 0.5, the authors' SimCLR) and in channels_last.
# Same dataset, batch size, eval_bank and eval_query as cifar10_simclr.py.
dataset_type = 'CIFAR10'
data_root = 'data/cifar10'
data_preprocessor = dict(
    type='ContrastiveAugmentDataPreprocessor', method='simclr', size=32, num_views=2,
    channels_last=True, to_rgb=False,
    mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5])  # 0.5 / 0.5 x 255
train_pipeline = [dict(type='PackInputs')]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=256,
    num_workers=2,  # the workers only index the in-memory arrays
    persistent_workers=True,
    pin_memory=True,
    drop_last=True,  # as the authors: every batch has B images
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))

# Clean images (no augmentation) for kNN / linear evaluation: the training
# split is the kNN bank and the probe's training set, the test split is scored.
eval_bank = dict(type=dataset_type, data_root=data_root, split='train', pipeline=test_pipeline)
eval_query = dict(type=dataset_type, data_root=data_root, split='test', pipeline=test_pipeline)
