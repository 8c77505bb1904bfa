# FashionMNIST for simclr pre-training: two views per image with the authors' simclr augmentation
# (ContrastiveAugment), normalised on the model side (mean/std 0.5); 28x28 grey images become 32x32 RGB.
# The loaders and the evaluation loops (the test split scored against the training split) are
# frozen_feature_evaluation.py's.
_base_ = './frozen_feature_evaluation.py'
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
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
val_cfg = dict(bank=val_dataloader)  # the same clean images, from the training split
test_dataloader = val_dataloader
test_cfg = val_cfg
# kNN (the authors' SimCLR/eval_knn.py): the normalised projection output, k 200, sigma the
# 0.5 training temperature.
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5)
val_evaluator = knn_metric
# + the linear probe (the authors' SimCLR/eval_lr.py) on the 512-d backbone output: Adam 3e-4,
# batch 256, 1000 epochs on the cached features.
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
