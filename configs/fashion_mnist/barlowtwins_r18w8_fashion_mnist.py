# Fashion-MNIST, Barlow Twins + CLAE (CLAEBarlowTwins), CPU-sized like the paper methods' benchmark
# (configs/fashion_mnist/simclr_r18w8_fashion_mnist.py).
# From configs/clae/barlowtwins_r18_cifar10.py unchanged:
# the cross-correlation loss with lambda 0.0051, LARS 0.3 (eta 0.02, biases and norms excluded)
# with weight decay 1e-4, batch 256,
# the CLAE authors' SimCLR augmentation and mean/std 0.5, ResNet-18 with the CIFAR stem;
# CLAE: FGSM, eps 0.03 on the normalised image, alpha 1, adversarial BN momentum 0.01.
# kNN (k=200, sigma 0.1) and the probe on the backbone output.
# Scaled down for the budget (at most 6 minutes per run on 2 CPU cores is the aim; not timed yet):
#   - width 8 (base and stem channels 8 instead of 64): a 64-d pooled feature, hidden layers / 8:
#     projector 64-256-256-2048 (hidden 2048 on CIFAR),
#   - 16x16 views and evaluation images (28x28 originals; CIFAR images are 32x32),
#   - 2 epochs instead of 1000, the schedule compressed into them: warm-up over the first 1% of the
#     iterations (10 of 1000 epochs), then cosine to 0,
#   - the linear probe: 100 epochs on the cached features instead of 1000 (run_seeds.sh PROBE_ARGS).
# No result has been measured for this config yet (configs/fashion_mnist/README.md).
# The eps-0 twin: barlowtwins_r18w8_fashion_mnist_eps0.py.
_base_ = [
    '../_base_/models/barlowtwins_r18_cifar.py',
    '../_base_/datasets/fashion_mnist_cpu.py',
    '../_base_/schedules/lars_warmup_cosine_1000e.py',
    '../_base_/default_runtime.py',
]
width = 8
epochs = 2
iters = epochs * (60000 // 256)
warmup = round(iters * 10 / 1000)
model = dict(
    backbone=dict(base_channels=width, stem_channels=width),
    neck=dict(in_channels=8 * width, hid_channels=256))
data_preprocessor = dict(method='simclr')
train_dataloader = dict(batch_size=256)
train_cfg = dict(max_epochs=epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=warmup),
    dict(type='CosineAnnealingLR', T_max=iters - warmup, eta_min=0.0, by_epoch=False,
         begin=warmup, end=iters),
]
optim_wrapper = dict(optimizer=dict(lr=0.3, weight_decay=1e-4))
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=1, max_keep_ckpts=1))
# Scored once after training (tools/benchmarks/knn_eval.py, linear_eval.py: test_*), not during it.
val_dataloader = None
val_cfg = None
val_evaluator = None
# As configs/clae/barlowtwins_r18_cifar10.py: kNN (sigma 0.1) and the probe on the backbone output.
test_evaluator = [
    dict(type='KNNAccuracy', stage='backbone', k=200, sigma=0.1),
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
randomness = dict(seed=0)
