# CIFAR10 for simclr pre-training: two views per image with the authors' simclr augmentation
# (ContrastiveAugment), normalised on the model side (mean/std 0.5, the authors' SimCLR).
# Everything else (dataset, workers, the clean evaluation view, the loaders and loops) is
# cifar10_plain.py's.
_base_ = './cifar10_plain.py'
data_preprocessor = dict(mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5])  # 0.5 / 0.5 x 255
train_pipeline = [
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='simclr', size=32)]]),
    dict(type='PackInputs'),
]

train_dataloader = dict(batch_size=256, dataset=dict(pipeline=train_pipeline))
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
