# The README's demo: CLAE-SimCLR on the real Fashion-MNIST (Debian's
# dataset-fashion-mnist), sized to train in minutes on a 2-core CPU.
# Scaled down from the paper's setting for the budget (docs/experiments.md):
#   - a width-8 ResNet-18 (CIFAR stem; 64-d pooled feature, projection 64-64-64),
#   - 16x16 images (views cropped from the 28x28 originals and resized in batch
#     by the data preprocessor; evaluation resizes the whole image to 16x16),
#   - batch 128 and Adam 1e-3 (the authors' SimCLR: batch 256, 3e-4, 100
#     epochs): more updates in the budget, 3 epochs,
#   - kNN (k=200) on the pooled backbone feature at initialisation and after
#     every epoch, with the first 10,000 training images as the bank and the
#     10,000 test images as queries (the authors score SimCLR's projection
#     against the whole training set: tools/benchmarks/knn_eval.py does both).
# CLAE itself is unchanged: FGSM eps 0.03 on the normalised image, alpha 1,
# adversarial BN momentum 0.01. The eps-0 twin: clae_simclr_r18w8_fashion_mnist_eps0.py.
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/default_runtime.py',
]
width = 8
model = dict(
    backbone=dict(base_channels=width, stem_channels=width),
    neck=dict(in_channels=8 * width, hid_channels=8 * width, out_channels=64))

dataset_type = 'FashionMNIST'
data_root = '/usr/share/datasets/fashion-mnist'
data_preprocessor = dict(
    type='ContrastiveAugmentDataPreprocessor', method='simclr', size=16, num_views=2,
    to_rgb=False, mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5])
train_dataloader = dict(
    batch_size=128,
    num_workers=0,  # the images are in memory; the views are made in batch
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=[dict(type='PackInputs')]))
test_pipeline = [dict(type='ToRGB'), dict(type='Resize', scale=(16, 16)), dict(type='PackInputs')]
eval_bank = dict(type=dataset_type, data_root=data_root, split='train', pipeline=test_pipeline,
                 indices=10000)
eval_query = dict(type=dataset_type, data_root=data_root, split='test', pipeline=test_pipeline)
evaluation = dict(knn=dict(stage='backbone', k=200, sigma=0.5))

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3, weight_decay=0.0))
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=3)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=1, max_keep_ckpts=1),
    knn=dict(interval=1, eval_at_start=True, batch_size=1024))
randomness = dict(seed=0)
