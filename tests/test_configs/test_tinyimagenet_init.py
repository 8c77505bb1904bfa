"""The tinyImageNet configs initialise their ImageNet-style ResNet-18 as the
authors' (UEL/models/resnet.py, SimCLR/modules/resnet_BN_imagenet.py): every
conv weight N(0, 2 / (k * k * out_channels)), every BN weight 1 and bias 0;
the CIFAR configs keep PyTorch's defaults, as the authors' CIFAR ResNet."""
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from clae_mm.registry import MODELS
from clae_mm.utils import register_all_modules
from tests.conftest import REPO

register_all_modules()


def built_backbone(config: str) -> nn.Module:
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'clae', config))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.backbone


def conv_stds(backbone: nn.Module):
    return [(name, m, m.weight.detach().std().item()) for name, m in backbone.named_modules()
            if isinstance(m, nn.Conv2d)]


@pytest.mark.parametrize('config', [f'{method}_r18_tinyimagenet{suffix}.py'
                                    for method in ('plain', 'uel', 'simclr')
                                    for suffix in ('', '_eps0')])
def test_tinyimagenet_convs_have_the_authors_fan_out_std(config):
    backbone = built_backbone(config)
    convs = conv_stds(backbone)
    assert len(convs) == 20  # stem, 16 block convs, 3 downsample convs
    for name, conv, std in convs:
        fan_out = conv.kernel_size[0] * conv.kernel_size[1] * conv.out_channels
        assert std == pytest.approx(math.sqrt(2.0 / fan_out), rel=0.05), name
    norms = [m for m in backbone.modules() if isinstance(m, _BatchNorm)]
    assert norms and all(torch.all(m.weight == 1) and torch.all(m.bias == 0) for m in norms)


def test_cifar_convs_keep_pytorch_defaults():
    # PyTorch's default: kaiming_uniform_(a=sqrt(5)), std 1 / sqrt(3 * fan_in).
    for name, conv, std in conv_stds(built_backbone('simclr_r18_cifar10.py')):
        fan_in = conv.kernel_size[0] * conv.kernel_size[1] * conv.in_channels
        assert std == pytest.approx(1 / math.sqrt(3 * fan_in), rel=0.1), name
