# SimSiam + CLAE on CIFAR10 (eps 0.03, alpha 1, FGSM, adversarial BN momentum 0.01, as Table 1).
# SimSiam as in solo-learn's CIFAR recipe (scripts/pretrain/cifar/simsiam.yaml): batch 256, SGD 0.5,
# momentum 0.9, weight decay 1e-5, the predictor at a fixed rate (0.5; mmpretrain's SimSiamHook, as
# solo-learn's static_lr and the SimSiam paper's fixed predictor rate), 10 warm-up epochs then
# cosine, 1000 epochs; model sizes in the model base. The views: the CLAE authors' SimCLR
# augmentation (as Table 1's SimCLR rows), so every method of configs/clae/ sees the same views.
# No CIFAR accuracy has been measured for this config (configs/clae/README.md); its CPU step
# ratio to the baseline is in docs/benchmarks.md, its Fashion-MNIST twin's results in
# configs/fashion_mnist/README.md.
# The eps-0 baseline: simsiam_r18_cifar10_eps0.py.
_base_ = [
    '../_base_/models/simsiam_r18_cifar.py',
    '../_base_/zoo_cifar10.py',  # the views, the runtime, the backbone kNN + probe
    '../_base_/schedules/sgd_warmup_cosine_1000e.py',
]
lr = 0.5
optim_wrapper = dict(
    optimizer=dict(lr=lr, weight_decay=1e-5),
    paramwise_cfg=dict(custom_keys={'predictor': dict(fix_lr=True)}))
# The per-iteration schedule moves every group: the hook puts the predictor's back before each step.
custom_hooks = [dict(type='SimSiamHook', priority='HIGH', fix_pred_lr=True, lr=lr,
                     adjust_by_epoch=False)]
