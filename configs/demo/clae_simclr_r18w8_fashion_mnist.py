# The README's demo: CLAE-SimCLR on Fashion-MNIST, trained and scored in minutes on a 2-core CPU;
# its choices and their validation-split figures: configs/demo/README.md.
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/datasets/fashion_mnist_cpu.py',  # batch 128, 16x16 views made in batch, full bank
    '../_base_/evaluation/simclr_protocol.py',
    '../_base_/default_runtime.py',
]
width = 8
model = dict(
    backbone=dict(base_channels=width, stem_channels=width),
    neck=dict(in_channels=8 * width, hid_channels=8 * width, out_channels=64),
    head=dict(temperature=0.1))
# The kNN validation, after every epoch and at initialisation, in batches of 1024; sigma 0.02.
val_dataloader = test_dataloader = dict(batch_size=1024)
val_cfg = test_cfg = dict(bank=dict(batch_size=1024))
val_evaluator = dict(_base_.knn_metric, sigma=0.02)
test_evaluator = [val_evaluator, _base_.linear_probe]  # tools/test.py: + SimCLR's probe

optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3, weight_decay=0.0))
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=3, val_interval=1)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=1, max_keep_ckpts=1),
    knn=dict(eval_at_start=True))
randomness = dict(seed=0)
