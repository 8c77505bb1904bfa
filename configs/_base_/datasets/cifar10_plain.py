# CIFAR10 for plain pre-training: two views per image with the authors' plain augmentation
# (ContrastiveAugment), normalised on the model side (the authors' CIFAR mean/std).
dataset_type = 'CIFAR10'
data_root = 'data/cifar10'
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

# Evaluation on clean images (no augmentation): the test split is scored (val_dataloader,
# test_dataloader) against the training split, the kNN bank and the probe's training set (the
# bank of the loops). runner.val() scores the kNN every train_cfg.val_interval epochs; runner.test()
# and tools/test.py add the linear probe.
val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='test', pipeline=test_pipeline))
val_cfg = dict(
    type='FrozenFeatureValLoop',
    bank=dict(batch_size=256, num_workers=2,
              dataset=dict(type=dataset_type, data_root=data_root, split='train',
                           pipeline=test_pipeline)))
# kNN (the authors' Plain/UEL main.py): the 128-d normalised embedding, k 200, sigma the 0.1
# training temperature.
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.1)
val_evaluator = knn_metric
test_dataloader = val_dataloader
test_cfg = dict(val_cfg, type='FrozenFeatureTestLoop')
# + the linear probe (the authors' eval.py) on the embedding: Adam 3e-4, batch 128, 1000 epochs
# on the cached features.
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='embedding', epochs=1000, batch_size=128, lr=3e-4,
         weight_decay=0.0),
]
