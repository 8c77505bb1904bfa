# Fashion-MNIST, BYOL + CLAE (CLAEBYOL), CPU-sized like the paper methods' benchmark
# (configs/fashion_mnist/simclr_r18w8_fashion_mnist.py).
# From configs/clae/byol_r18_cifar10.py unchanged:
# the cosine-similarity prediction loss, target rate 0.01 annealed to 0, LARS 1.0 (eta 0.02,
# biases and norms excluded) with weight decay 1e-5, batch 256,
# the CLAE authors' SimCLR augmentation and mean/std 0.5, ResNet-18 with the CIFAR stem;
# CLAE: FGSM, eps 0.03 on the normalised image, alpha 1, adversarial BN momentum 0.01.
# Scaled down as configs/_base_/fashion_mnist_zoo_cpu.py says (width 8, 16x16, 2 epochs with the
# schedule compressed, kNN and the probe on the backbone output); hidden layers / 8 here:
#    projector 64-512-256 and predictor 256-512-256 (4096 hidden on CIFAR)
# Measured (kNN and the probe, baseline vs CLAE, seeds 0-2): configs/fashion_mnist/README.md.
# The eps-0 twin: byol_r18w8_fashion_mnist_eps0.py.
_base_ = [
    '../_base_/models/byol_r18_cifar.py',
    '../_base_/fashion_mnist_zoo_cpu.py',
    '../_base_/schedules/lars_warmup_cosine_1000e.py',
]
train_cfg = dict(max_epochs={{_base_.epochs}})
param_scheduler = {{_base_.compressed_param_scheduler}}
model = dict(
    backbone=dict(base_channels={{_base_.width}}, stem_channels={{_base_.width}}),
    neck=dict(in_channels=64, hid_channels=512),
    head=dict(predictor=dict(hid_channels=512)))
optim_wrapper = dict(optimizer=dict(lr=1.0, weight_decay=1e-5))
