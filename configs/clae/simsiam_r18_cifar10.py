# SimSiam + CLAE on CIFAR-10 with solo-learn's CIFAR recipe; not measured (configs/clae/README.md).
_base_ = [
    '../_base_/models/simsiam_r18_cifar.py',
    '../_base_/zoo_cifar10.py',
    '../_base_/schedules/sgd_warmup_cosine_1000e.py',
]
lr = 0.5
optim_wrapper = dict(
    optimizer=dict(lr=lr, weight_decay=1e-5),
    paramwise_cfg=dict(custom_keys={'predictor': dict(fix_lr=True)}))
# The per-iteration schedule moves every group: the hook puts the predictor's back before each step.
custom_hooks = [dict(type='SimSiamHook', priority='HIGH', fix_pred_lr=True, lr=lr,
                     adjust_by_epoch=False)]
