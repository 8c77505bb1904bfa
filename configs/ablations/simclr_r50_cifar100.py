# Fig. 5(c): SimCLR + CLAE on CIFAR100 with a ResNet-50 (CIFAR stem, dual BNs). A new backbone
# is a few lines: change the depth and widen the neck to the 2048-d pooled feature (the
# authors' projector is n_features -> n_features -> 64).
_base_ = '../clae/simclr_r18_cifar100.py'
model = dict(backbone=dict(depth=50), neck=dict(in_channels=2048, hid_channels=2048))
