# Fashion-MNIST Table 1, Plain (eq. 5) + CLAE, CPU-sized (docs/experiments.md, "Fashion-MNIST
# benchmark"). From Table 1's Plain row (configs/clae/plain_r18_cifar10.py) unchanged: the loss of
# eq. 5 at temperature 0.1, the linear 128-d L2-normalised embedding, SGD 0.03 with momentum 0.9
# and weight decay 5e-4 and its three rate drops, batch 128, the authors' Plain augmentation,
# normalisation by the dataset's mean/std (as the authors' CIFAR statistics; Fashion-MNIST's are
# 0.2860 / 0.3530), ResNet-18 with the CIFAR stem and PyTorch's default initialisation; CLAE: FGSM,
# eps 0.03 on the normalised image, alpha 1, adversarial BN momentum 0.01. kNN (k=200, sigma 0.1)
# and the probe on the embedding.
# Scaled down for the budget (at most 6 minutes per run on 2 CPU cores, training and scoring):
#   - width 8 (base and stem channels 8 instead of 64): a 64-d pooled feature, embedding 64 -> 128,
#   - 16x16 views and evaluation images (28x28 originals; the paper's CIFAR images are 32x32),
#   - 2 epochs instead of 301, the rate drops (x0.1 at 120/301, x0.05 at 160/301, x0.01 at
#     200/301 of training) at the same fractions of the iterations,
#   - the linear probe: 100 epochs on the cached features instead of 1000 (run_seeds.sh PROBE_ARGS).
# The eps-0 twin: plain_r18w8_fashion_mnist_eps0.py.
_base_ = [
    '../_base_/models/plain_r18_cifar.py',
    '../_base_/fashion_mnist_benchmark_cpu.py',
    '../_base_/schedules/sgd_301e.py',
]
width = 8
epochs = 2
iters = epochs * (60000 // 128)
model = dict(
    backbone=dict(base_channels=width, stem_channels=width),
    neck=dict(in_channels=8 * width))
data_preprocessor = dict(method='plain', mean=[72.94, 72.94, 72.94], std=[90.02, 90.02, 90.02])
train_dataloader = dict(batch_size=128)
train_cfg = dict(max_epochs=epochs)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, milestones=[round(iters * 120 / 301)], gamma=0.1),
    dict(type='MultiStepLR', by_epoch=False, milestones=[round(iters * 160 / 301)], gamma=0.5),
    dict(type='MultiStepLR', by_epoch=False, milestones=[round(iters * 200 / 301)], gamma=0.2),
]
# The authors' Plain/UEL protocol: kNN (sigma 0.1) and the probe (batch 128) on the embedding.
test_evaluator = [
    dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.1),
    dict(type='LinearProbeAccuracy', stage='embedding', epochs=1000, batch_size=128, lr=3e-4,
         weight_decay=0.0),
]
