# The CPU scale-down the self-supervised zoo's Fashion-MNIST leaves share
# (configs/fashion_mnist/{mocov2,byol,simsiam,barlowtwins}_r18w8_fashion_mnist.py), sized like the
# paper methods' benchmark (configs/fashion_mnist/simclr_r18w8_fashion_mnist.py):
#   - width 8 (base and stem channels 8 instead of 64: a 64-d pooled feature; each leaf divides
#     its hidden layers by 8 and sets its neck's in_channels to 8 * width),
#   - 16x16 views and evaluation images (configs/_base_/datasets/fashion_mnist_cpu.py; CIFAR's are
#     32x32), the CLAE authors' SimCLR augmentation, batch 256,
#   - 2 epochs instead of 1000, the method's warm-up + cosine schedule compressed into them:
#     warm-up over the first 1% of the iterations (10 of 1000 epochs), then cosine to 0. A leaf
#     inherits its schedule base as well, and both set param_scheduler and train_cfg, which mmengine
#     refuses from two bases: the leaf states them from this file's values,
#         train_cfg = dict(max_epochs={{_base_.epochs}})
#         param_scheduler = {{_base_.compressed_param_scheduler}}
#   - scored once after training (configs/_base_/fashion_mnist_benchmark_cpu.py): kNN (k=200,
#     sigma 0.1) and the probe on the backbone output, as the CIFAR configs
#     (configs/clae/{mocov2,byol,simsiam,barlowtwins}_r18_cifar10.py); the benchmark trains the
#     probe for 100 epochs instead of 1000 (run_seeds.sh PROBE_ARGS).
_base_ = './fashion_mnist_benchmark_cpu.py'
width = 8
epochs = 2
iters = epochs * (60000 // 256)
warmup = round(iters * 10 / 1000)
compressed_param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=warmup),
    dict(type='CosineAnnealingLR', T_max=iters - warmup, eta_min=0.0, by_epoch=False,
         begin=warmup, end=iters),
]
data_preprocessor = dict(method='simclr')
train_dataloader = dict(batch_size=256)
test_evaluator = [
    dict(type='KNNAccuracy', stage='backbone', k=200, sigma=0.1),
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
