# Table 1: SimCLR + CLAE on tinyImageNet (eps 0.03, alpha 1, FGSM, adversarial BN momentum 0.01),
# as the authors' SimCLR/run_tinyImagenet.sh: the ImageNet-style ResNet-18 (7x7 stride-2 stem,
# max-pool; modules/resnet_BN_imagenet.py) on 224x224 crops, ImageNet mean/std, batch 128,
# Adam 3e-4 for 100 epochs.
# eps 0.07: --cfg-options default_hooks.adversarial.eps=0.07
_base_ = [
    '../_base_/models/simclr_r18_cifar.py',
    '../_base_/datasets/tinyimagenet_simclr.py',
    '../_base_/schedules/adam_100e.py',
    '../_base_/default_runtime.py',
]
model = dict(backbone=dict(
    type='DualBNResNet',
    # The authors' init of their ImageNet-style ResNet (SimCLR/modules/resnet_BN_imagenet.py),
    # which their CIFAR ResNet does not run: conv weights N(0, 2 / (k * k * out_channels)),
    # i.e. Kaiming normal, fan-out; BN weight 1, bias 0 (both branches). The projection
    # keeps PyTorch's.
    init_cfg=[dict(type='Kaiming', layer='Conv2d', mode='fan_out', nonlinearity='relu',
                   distribution='normal'),
              dict(type='Constant', layer='_BatchNorm', val=1, bias=0)]))
# A kNN pass over 110,000 images at 224x224 costs 10-20% of a training epoch and
# the authors' tinyImageNet runs monitor none: every 10 epochs and after the last.
train_cfg = dict(val_interval=10)
# Adam 3e-4 at the authors' tinyImageNet batch of 128 (--auto-scale-lr scales from it).
auto_scale_lr = dict(base_batch_size=128)
