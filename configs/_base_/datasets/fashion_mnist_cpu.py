# Fashion-MNIST (Debian's dataset-fashion-mnist) for CPU-sized pre-training: the loader yields
# the 28x28 grey images unaugmented (in memory, no workers) and ContrastiveAugmentDataPreprocessor
# draws the two views in batch with the method's augmentation preset (leaves set
# data_preprocessor.method), as 16x16 crops. The grey images are repeated to 3 channels, as the
# authors' RGB pipeline expects; on them the colour jitter reduces to brightness and contrast
# (saturation blends an image with its own grey version and hue rotates a zero saturation: both
# leave a grey image unchanged) and RandomGrayscale is the identity. Both are kept as the
# authors' pipeline has them (docs/experiments.md).
# Evaluation resizes the whole image to 16x16: the full train set is the kNN bank and the
# probe's training set, the test set is scored (the authors' protocol; the loaders and loops are
# frozen_feature_evaluation.py's); the evaluators are the authors' SimCLR protocol (Plain and UEL
# leaves set theirs, as they set data_preprocessor.method).
_base_ = './frozen_feature_evaluation.py'
dataset_type = 'FashionMNIST'
data_root = '/usr/share/datasets/fashion-mnist'
data_preprocessor = dict(
    type='ContrastiveAugmentDataPreprocessor', method='simclr', size=16, num_views=2,
    to_rgb=False, mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5])
train_dataloader = dict(
    batch_size=128,
    num_workers=0,  # the images are in memory; the views are made in batch
    persistent_workers=False,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=[dict(type='PackInputs')]))
test_pipeline = [dict(type='ToRGB'), dict(type='Resize', scale=(16, 16)), dict(type='PackInputs')]
val_dataloader = dict(
    num_workers=0,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline))
val_cfg = dict(bank=val_dataloader)  # the same clean images, from the training split
test_dataloader = val_dataloader
test_cfg = val_cfg
# kNN on the normalised projection output, sigma the 0.5 training temperature.
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5)
val_evaluator = knn_metric
# + the linear probe on the pooled backbone output: Adam 3e-4, batch 256, 1000 epochs.
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
