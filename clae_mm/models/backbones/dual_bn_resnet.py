from mmengine.model import constant_init
from mmpretrain.models.backbones import ResNet, ResNet_CIFAR
from mmpretrain.models.backbones.resnet import BasicBlock, Bottleneck

from clae_mm.models.utils.dual_bn import convert_dual_bn
from clae_mm.registry import MODELS


def _zero_init_residual_branches(resnet) -> None:
    """mmpretrain's zero_init_residual, applied to both branches of the last
    (dual) norm of every block; its own pass skips them (no ``weight``)."""
    pretrained = isinstance(resnet.init_cfg, dict) and resnet.init_cfg.get('type') == 'Pretrained'
    if not resnet.zero_init_residual or pretrained:
        return
    for m in resnet.modules():
        last = m.norm3 if isinstance(m, Bottleneck) else m.norm2 if isinstance(m, BasicBlock) else None
        if last is not None and hasattr(last, 'clean'):
            constant_init(last.clean, 0)
            constant_init(last.adversarial, 0)


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

    def init_weights(self):
        super().init_weights()
        _zero_init_residual_branches(self)


@MODELS.register_module()
class DualBNResNet_CIFAR(ResNet_CIFAR):
    """mmpretrain's ResNet_CIFAR (3x3 stride-1 stem, no max-pool, as the
    authors' ``resnet_cifar``) with AdvProp dual BatchNorms."""

    def __init__(self, *args, adv_bn_momentum: float = 0.01, **kwargs):
        super().__init__(*args, **kwargs)
        convert_dual_bn(self, adv_bn_momentum)

    def init_weights(self):
        super().init_weights()
        _zero_init_residual_branches(self)
