# Fashion-MNIST benchmark: SimCLR + CLAE, Table 1's settings at CPU size
# (configs/fashion_mnist/README.md).
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/fashion_mnist_benchmark_cpu.py',
    '../_base_/evaluation/simclr_protocol.py',
    '../_base_/schedules/adam_100e.py',
]
val_dataloader = val_cfg = val_evaluator = None  # scored once after training
width = 8
model = dict(
    backbone=dict(base_channels=width, stem_channels=width),
    neck=dict(in_channels=8 * width, hid_channels=8 * width))
data_preprocessor = dict(method='simclr')
train_dataloader = dict(batch_size=256)
train_cfg = dict(max_epochs=2)
