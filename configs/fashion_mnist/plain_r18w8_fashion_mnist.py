# Fashion-MNIST benchmark: Plain (eq. 5) + CLAE, Table 1's settings at CPU size
# (configs/fashion_mnist/README.md).
_base_ = [
    '../_base_/models/plain_r18_cifar.py',
    '../_base_/fashion_mnist_benchmark_cpu.py',
    '../_base_/evaluation/plain_uel_protocol.py',
    '../_base_/schedules/sgd_301e.py',
]
val_dataloader = val_cfg = val_evaluator = None  # scored once after training
width = 8
epochs = 2
iters = epochs * (60000 // 128)
model = dict(
    backbone=dict(base_channels=width, stem_channels=width),
    neck=dict(in_channels=8 * width))
# Fashion-MNIST's mean/std (0.2860 / 0.3530 x 255), as the authors normalise by CIFAR's.
data_preprocessor = dict(method='plain', mean=[72.94, 72.94, 72.94], std=[90.02, 90.02, 90.02])
train_dataloader = dict(batch_size=128)
train_cfg = dict(max_epochs=epochs)
param_scheduler = [  # sgd_301e.py's drops at the same fractions of the iterations
    dict(type='MultiStepLR', by_epoch=False, milestones=[round(iters * 120 / 301)], gamma=0.1),
    dict(type='MultiStepLR', by_epoch=False, milestones=[round(iters * 160 / 301)], gamma=0.5),
    dict(type='MultiStepLR', by_epoch=False, milestones=[round(iters * 200 / 301)], gamma=0.2),
]
