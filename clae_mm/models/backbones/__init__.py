from .dual_bn_resnet import DualBNResNet, DualBNResNet_CIFAR

__all__ = ['DualBNResNet', 'DualBNResNet_CIFAR']
