# Fashion-MNIST benchmark: MoCo v2 + CLAE, configs/clae/mocov2_r18_cifar10.py at CPU size
# (configs/fashion_mnist/README.md).
_base_ = [
    '../_base_/models/mocov2_r18_cifar.py',
    '../_base_/fashion_mnist_zoo_cpu.py',
    '../_base_/schedules/sgd_warmup_cosine_1000e.py',
]
train_cfg = dict(max_epochs=_base_.epochs)
param_scheduler = _base_.compressed_param_scheduler
model = dict(
    queue_len=4096,
    backbone=dict(base_channels=_base_.width, stem_channels=_base_.width),
    neck=dict(in_channels=64, hid_channels=256))
optim_wrapper = dict(optimizer=dict(lr=0.3, weight_decay=1e-4))
