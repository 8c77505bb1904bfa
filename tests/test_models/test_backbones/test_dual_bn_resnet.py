import torch

from clae_mm.models.utils import DualBatchNorm
from clae_mm.registry import MODELS
from tests.model_utils import register_all_modules  # noqa: F401


def test_every_bn_is_dual_and_outputs_match_the_plain_resnet():
    torch.manual_seed(0)
    plain = MODELS.build(dict(type='ResNet_CIFAR', depth=18, base_channels=8, stem_channels=8))
    torch.manual_seed(0)
    dual = MODELS.build(dict(type='DualBNResNet_CIFAR', depth=18, base_channels=8,
                             stem_channels=8, adv_bn_momentum=0.01))
    n_bn = sum(isinstance(m, torch.nn.BatchNorm2d) for m in plain.modules())
    duals = [m for m in dual.modules() if isinstance(m, DualBatchNorm)]
    assert len(duals) == n_bn == 20
    assert all(m.adversarial.momentum == 0.01 and m.clean.momentum == 0.1 for m in duals)
    plain.eval()  # mmpretrain's ResNet.train() returns None: no chaining
    dual.eval()
    x = torch.randn(2, 3, 32, 32)
    assert torch.equal(plain(x)[-1], dual(x)[-1])


def test_imagenet_stem_variant_builds():
    model = MODELS.build(dict(type='DualBNResNet', depth=18, base_channels=8, stem_channels=8))
    model.eval()
    out = model(torch.randn(1, 3, 64, 64))
    assert out[-1].shape == (1, 64, 2, 2)


def test_zero_init_residual_reaches_both_branches():
    model = MODELS.build(dict(type='DualBNResNet_CIFAR', depth=18, base_channels=8,
                              stem_channels=8, zero_init_residual=True))
    model.init_weights()
    last = model.layer1[0].norm2
    assert torch.count_nonzero(last.clean.weight) == 0
    assert torch.count_nonzero(last.adversarial.weight) == 0
