# Fashion-MNIST benchmark: SimSiam + CLAE, configs/clae/simsiam_r18_cifar10.py at CPU size
# (configs/fashion_mnist/README.md).
_base_ = [
    '../_base_/models/simsiam_r18_cifar.py',
    '../_base_/fashion_mnist_zoo_cpu.py',
    '../_base_/schedules/sgd_warmup_cosine_1000e.py',
]
train_cfg = dict(max_epochs=_base_.epochs)
param_scheduler = _base_.compressed_param_scheduler
model = dict(
    backbone=dict(base_channels=_base_.width, stem_channels=_base_.width),
    neck=dict(in_channels=64, hid_channels=256),
    head=dict(predictor=dict(hid_channels=64)))
lr = 0.5
optim_wrapper = dict(
    optimizer=dict(lr=lr, weight_decay=1e-5),
    paramwise_cfg=dict(custom_keys={'predictor': dict(fix_lr=True)}))
custom_hooks = [dict(type='SimSiamHook', priority='HIGH', fix_pred_lr=True, lr=lr,
                     adjust_by_epoch=False)]
