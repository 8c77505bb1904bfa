# Fashion-MNIST, SimSiam + CLAE (CLAESimSiam), CPU-sized like the paper methods' benchmark
# (configs/fashion_mnist/simclr_r18w8_fashion_mnist.py).
# From configs/clae/simsiam_r18_cifar10.py unchanged:
# the symmetrised negative cosine with a stop-gradient, SGD 0.5 with momentum 0.9 and weight
# decay 1e-5, the predictor at the fixed rate 0.5, batch 256,
# the CLAE authors' SimCLR augmentation and mean/std 0.5, ResNet-18 with the CIFAR stem;
# CLAE: FGSM, eps 0.03 on the normalised image, alpha 1, adversarial BN momentum 0.01.
# Scaled down as configs/_base_/fashion_mnist_zoo_cpu.py says (width 8, 16x16, 2 epochs with the
# schedule compressed, kNN and the probe on the backbone output); hidden layers / 8 here:
#    projector 64-256-2048 and predictor 2048-64-2048 (hidden 2048 and 512 on CIFAR)
# Measured (kNN and the probe, baseline vs CLAE, seeds 0-2): configs/fashion_mnist/README.md.
# The eps-0 twin: simsiam_r18w8_fashion_mnist_eps0.py.
_base_ = [
    '../_base_/models/simsiam_r18_cifar.py',
    '../_base_/fashion_mnist_zoo_cpu.py',
    '../_base_/schedules/sgd_warmup_cosine_1000e.py',
]
train_cfg = dict(max_epochs={{_base_.epochs}})
param_scheduler = {{_base_.compressed_param_scheduler}}
model = dict(
    backbone=dict(base_channels={{_base_.width}}, stem_channels={{_base_.width}}),
    neck=dict(in_channels=64, hid_channels=256),
    head=dict(predictor=dict(hid_channels=64)))
lr = 0.5
optim_wrapper = dict(
    optimizer=dict(lr=lr, weight_decay=1e-5),
    paramwise_cfg=dict(custom_keys={'predictor': dict(fix_lr=True)}))
custom_hooks = [dict(type='SimSiamHook', priority='HIGH', fix_pred_lr=True, lr=lr,
                     adjust_by_epoch=False)]
