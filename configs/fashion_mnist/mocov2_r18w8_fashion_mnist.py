# Fashion-MNIST, MoCo v2 + CLAE (CLAEMoCo), CPU-sized like the paper methods' benchmark
# (configs/fashion_mnist/simclr_r18w8_fashion_mnist.py).
# From configs/clae/mocov2_r18_cifar10.py unchanged:
# InfoNCE at temperature 0.2, momentum-encoder rate 0.01, SGD 0.3 with
# momentum 0.9 and weight decay 1e-4, batch 256,
# the CLAE authors' SimCLR augmentation and mean/std 0.5, ResNet-18 with the CIFAR stem;
# CLAE: FGSM, eps 0.03 on the normalised image, alpha 1, adversarial BN momentum 0.01.
# Scaled down as configs/_base_/fashion_mnist_zoo_cpu.py says (width 8, 16x16, 2 epochs with the
# schedule compressed, kNN and the probe on the backbone output); hidden layers / 8 here:
#    projection 64-256-256 (512-2048-256 on CIFAR)
# and the queue / 8 too: 4096 keys (32768 on CIFAR). At this width the 256 x 32768 logits of
# a batch cost about 4 backbone forwards, and a CLAE run took 11-17 min on 2 shared cores; 4096
# keys (16 batches, 7% of the training set, as 32768 is 66% of CIFAR's) fit the budget.
# Measured (kNN and the probe, baseline vs CLAE, seeds 0-2): configs/fashion_mnist/README.md.
# The eps-0 twin: mocov2_r18w8_fashion_mnist_eps0.py.
_base_ = [
    '../_base_/models/mocov2_r18_cifar.py',
    '../_base_/fashion_mnist_zoo_cpu.py',
    '../_base_/schedules/sgd_warmup_cosine_1000e.py',
]
train_cfg = dict(max_epochs={{_base_.epochs}})
param_scheduler = {{_base_.compressed_param_scheduler}}
model = dict(
    queue_len=4096,
    backbone=dict(base_channels={{_base_.width}}, stem_channels={{_base_.width}}),
    neck=dict(in_channels=64, hid_channels=256))
optim_wrapper = dict(optimizer=dict(lr=0.3, weight_decay=1e-4))
