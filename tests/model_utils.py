"""Tiny CLAE models built from the registry, for unit tests."""
import torch

from clae_mm.registry import MODELS
from clae_mm.utils import register_all_modules

register_all_modules()

NORMALISATION = dict(type='SelfSupDataPreprocessor', to_rgb=False,
                     mean=[125.307, 122.961, 113.8575], std=[51.5865, 50.847, 51.255])


def tiny_clae(method: str = 'simclr', dual: bool = True, **kwargs):
    """A CLAE model with an 8-channel ResNet-18 (CIFAR stem)."""
    neck = dict(type='ContrastiveProjection', in_channels=64, hid_channels=64,
                out_channels=16, num_layers=2 if method == 'simclr' else 1)
    backbone = dict(type='DualBNResNet_CIFAR' if dual else 'ResNet_CIFAR', depth=18,
                    base_channels=8, stem_channels=8, zero_init_residual=False, init_cfg=None)
    model = MODELS.build(dict(type='CLAE', backbone=backbone, neck=neck,
                              head=dict(type='CLAELoss', method=method),
                              data_preprocessor=NORMALISATION, **kwargs))
    model.init_weights()
    return model.train()


def two_views(batch: int = 8, size: int = 16, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(batch, 3, size, size, generator=g) for _ in range(2)]
