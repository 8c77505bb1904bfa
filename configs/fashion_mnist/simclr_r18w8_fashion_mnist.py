# Fashion-MNIST Table 1, SimCLR + CLAE, CPU-sized (docs/experiments.md, "Fashion-MNIST benchmark").
# From Table 1's SimCLR row (configs/clae/simclr_r18_cifar10.py) unchanged: NT-Xent at temperature
# 0.5, the 2-layer projection head without BN, Adam 3e-4 without weight decay at a constant rate,
# batch 256, the authors' SimCLR augmentation and mean/std 0.5, ResNet-18 with the CIFAR stem and
# PyTorch's default initialisation; CLAE: FGSM, eps 0.03 on the normalised image, alpha 1,
# adversarial BN momentum 0.01. kNN (k=200, sigma 0.5) on the projection, probe on the backbone.
# Scaled down for the budget (at most 6 minutes per run on 2 CPU cores, training and scoring):
#   - width 8 (base and stem channels 8 instead of 64): a 64-d pooled feature, projection 64-64-64,
#   - 16x16 views and evaluation images (28x28 originals; the paper's CIFAR images are 32x32),
#   - 2 epochs instead of 100,
#   - the linear probe: 100 epochs on the cached features instead of 1000 (run_seeds.sh PROBE_ARGS).
# The eps-0 twin: simclr_r18w8_fashion_mnist_eps0.py.
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/fashion_mnist_benchmark_cpu.py',
    '../_base_/schedules/adam_100e.py',
]
width = 8
model = dict(
    backbone=dict(base_channels=width, stem_channels=width),
    neck=dict(in_channels=8 * width, hid_channels=8 * width))
data_preprocessor = dict(method='simclr')
train_dataloader = dict(batch_size=256)
train_cfg = dict(max_epochs=2)
