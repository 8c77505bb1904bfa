# CIFAR10 for plain pre-training: two views per image with the authors' plain augmentation
# (ContrastiveAugment), normalised on the model side (the authors' CIFAR mean/std). The loaders
# and the evaluation loops (the test split scored against the training split) are
# frozen_feature_evaluation.py's.
_base_ = './frozen_feature_evaluation.py'
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
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=2,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
val_cfg = dict(bank=val_dataloader)  # the same clean images, from the training split
test_dataloader = val_dataloader
test_cfg = val_cfg
# kNN (the authors' Plain/UEL main.py): the 128-d normalised embedding, k 200, sigma the 0.1
# training temperature.
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.1)
val_evaluator = knn_metric
# + the linear probe (the authors' eval.py) on the embedding: Adam 3e-4, batch 128, 1000 epochs
# on the cached features.
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='embedding', epochs=1000, batch_size=128, lr=3e-4,
         weight_decay=0.0),
]
