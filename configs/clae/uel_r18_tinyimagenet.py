# Table 1: UEL + CLAE on tinyImageNet (eps 0.03, alpha 1, FGSM, adversarial BN momentum 0.01),
# as the authors' UEL/main_imagenet.py + run_tinyImagenet.sh: the ImageNet-style ResNet-18
# (7x7 stride-2 stem, max-pool) on 224x224 crops, ImageNet mean/std, batch 128, and 100 epochs
# of SGD 0.03 (their loop stops at epoch 100, before the x0.1 step at epoch 120).
# eps 0.07: --cfg-options default_hooks.adversarial.eps=0.07
_base_ = [
    '../_base_/models/uel_r18_cifar.py',
    '../_base_/datasets/tinyimagenet_plain.py',
    '../_base_/schedules/sgd_301e.py',
    '../_base_/default_runtime.py',
]
model = dict(backbone=dict(
    type='DualBNResNet',
    # The authors' init of their ImageNet-style ResNet (MyResNet, UEL/models/resnet.py),
    # which their CIFAR ResNet does not run: conv weights N(0, 2 / (k * k * out_channels)),
    # i.e. Kaiming normal, fan-out; BN weight 1, bias 0 (both branches). The projection
    # keeps PyTorch's.
    init_cfg=[dict(type='Kaiming', layer='Conv2d', mode='fan_out', nonlinearity='relu',
                   distribution='normal'),
              dict(type='Constant', layer='_BatchNorm', val=1, bias=0)]))
# A kNN pass over 110,000 images at 224x224 costs 10-20% of a training epoch and
# the authors' tinyImageNet runs monitor none: every 10 epochs and after the last.
train_cfg = dict(max_epochs=100, val_interval=10)
