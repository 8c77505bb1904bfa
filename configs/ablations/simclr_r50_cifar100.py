# Fig. 5(c): SimCLR + CLAE on CIFAR-100 with a ResNet-50 (CIFAR stem, dual BNs): the depth and a
# neck widened to the 2048-d pooled feature (configs/ablations/README.md).
_base_ = '../clae/simclr_r18_cifar100.py'
model = dict(backbone=dict(depth=50), neck=dict(in_channels=2048, hid_channels=2048))
