from mmpretrain.models.backbones import ResNet, ResNet_CIFAR

from clae_mm.models.utils.dual_bn import convert_dual_bn
from clae_mm.registry import MODELS


@MODELS.register_module()
class DualBNResNet(ResNet):
    """mmpretrain's ResNet (ImageNet stem) with AdvProp dual BatchNorms.

    Every BN has a clean branch with the usual momentum and an adversarial
    branch with ``adv_bn_momentum`` (0.01 in the paper, Section 4.1). Takes
    every argument of :class:`mmpretrain.models.ResNet`.
    """

    def __init__(self, *args, adv_bn_momentum: float = 0.01, **kwargs):
        super().__init__(*args, **kwargs)
        convert_dual_bn(self, adv_bn_momentum)


@MODELS.register_module()
class DualBNResNet_CIFAR(ResNet_CIFAR):
    """mmpretrain's ResNet_CIFAR (3x3 stride-1 stem, no max-pool, as the
    authors' ``resnet_cifar``) with AdvProp dual BatchNorms."""

    def __init__(self, *args, adv_bn_momentum: float = 0.01, **kwargs):
        super().__init__(*args, **kwargs)
        convert_dual_bn(self, adv_bn_momentum)
