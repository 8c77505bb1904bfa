# CIFAR10 for simclr pre-training: two views per image with the authors' simclr augmentation
# (ContrastiveAugment), normalised on the model side (mean/std 0.5, the authors' SimCLR).
dataset_type = 'CIFAR10'
data_root = 'data/cifar10'
data_preprocessor = dict(type='SelfSupDataPreprocessor', to_rgb=False,
    mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5])  # 0.5 / 0.5 x 255
train_pipeline = [
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='simclr', size=32)]]),
    dict(type='PackInputs'),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=256,
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
# kNN (the authors' SimCLR/eval_knn.py): the normalised projection output, k 200, sigma the
# 0.5 training temperature.
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5)
val_evaluator = knn_metric
test_dataloader = val_dataloader
test_cfg = dict(val_cfg, type='FrozenFeatureTestLoop')
# + the linear probe (the authors' SimCLR/eval_lr.py) on the 512-d backbone output: Adam 3e-4,
# batch 256, 1000 epochs on the cached features.
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
