import copy

import pytest
import torch
from torch import nn

from clae_mm.models.utils import (DualBatchNorm, adversarial_bn, clean_state_dict,
                                  convert_dual_bn, repeated_bn_update)


def small_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 4, 3),
                         nn.BatchNorm2d(4, momentum=0.1))


def test_conversion_keeps_clean_outputs_identical():
    net = small_net()
    x = torch.randn(6, 3, 10, 10)
    reference = copy.deepcopy(net)
    convert_dual_bn(net, adv_bn_momentum=0.01)
    assert sum(isinstance(m, DualBatchNorm) for m in net.modules()) == 2
    net.eval(), reference.eval()
    assert torch.equal(net(x), reference(x))
    net.train(), reference.train()
    assert torch.equal(net(x), reference(x))


def test_branches_keep_separate_running_stats_with_their_momenta():
    net = convert_dual_bn(small_net(), adv_bn_momentum=0.01)
    bn = net[1]
    assert bn.clean.momentum == 0.1 and bn.adversarial.momentum == 0.01
    x = torch.randn(8, 3, 10, 10) * 3 + 2
    batch_mean = net[0](x).mean(dim=(0, 2, 3)).detach()
    net(x)  # clean forward: only the clean stats move, by 0.1
    assert torch.allclose(bn.clean.running_mean, 0.1 * batch_mean, atol=1e-5)
    assert torch.equal(bn.adversarial.running_mean, torch.zeros(4))
    with adversarial_bn(net):
        net(x)
    assert torch.allclose(bn.adversarial.running_mean, 0.01 * batch_mean, atol=1e-6)
    assert torch.allclose(bn.clean.running_mean, 0.1 * batch_mean, atol=1e-5)


def test_eval_uses_clean_branch_and_switch_is_restored():
    net = convert_dual_bn(small_net())
    bn = net[1]
    bn.adversarial.running_mean.fill_(5.0)
    net.eval()
    x = torch.randn(2, 3, 10, 10)
    clean = net(x)
    with adversarial_bn(net):
        assert bn.route_adversarial
        adversarial = net(x)
    assert not bn.route_adversarial
    assert not torch.allclose(clean, adversarial)
    assert torch.equal(net(x), clean)


def test_repeated_update_equals_two_forwards():
    twice, once = convert_dual_bn(small_net()), convert_dual_bn(small_net())
    x = torch.randn(8, 3, 10, 10)
    with adversarial_bn(twice):
        twice(x)
        twice(x)
    with adversarial_bn(once), repeated_bn_update(once, 2):
        once(x)
    for (name, a), b in zip(twice.named_buffers(), once.buffers()):
        assert torch.allclose(a, b, atol=1e-6), name
    # num_batches_tracked counts the repeated forward twice, like the two forwards.
    assert once[1].adversarial.num_batches_tracked.item() == 2
    assert once[1].clean.num_batches_tracked.item() == 0
    assert once[1].adversarial.momentum == 0.01  # restored


def test_zero_updates_freeze_running_stats():
    net = convert_dual_bn(small_net())
    net(torch.randn(4, 3, 10, 10))  # nonzero statistics and counts to keep
    before = [b.clone() for b in net.buffers()]
    with repeated_bn_update(net, 0):
        net(torch.randn(4, 3, 10, 10))
    after = list(net.buffers())
    assert all(torch.equal(a, b) for a, b in zip(before, after))  # num_batches_tracked too


def test_sync_bn_converts_both_branches():
    net = convert_dual_bn(small_net())
    synced = nn.SyncBatchNorm.convert_sync_batchnorm(net)
    assert isinstance(synced[1], DualBatchNorm)
    assert isinstance(synced[1].clean, nn.SyncBatchNorm)
    assert isinstance(synced[1].adversarial, nn.SyncBatchNorm)


def test_clean_state_dict_loads_into_plain_model():
    plain = small_net()
    dual = convert_dual_bn(copy.deepcopy(plain))
    plain_again = small_net()
    plain_again.load_state_dict(clean_state_dict(dual.state_dict()))
    x = torch.randn(2, 3, 10, 10)
    assert torch.equal(plain.eval()(x), plain_again.eval()(x))


def test_switch_without_dual_layers_is_an_error():
    with pytest.raises(RuntimeError, match='DualBatchNorm'):
        with adversarial_bn(small_net()):
            pass


def test_configs_reach_dual_bn_through_the_converters_only():
    """DualBatchNorm wraps an existing BN, so it is no registry type (a config
    naming it could not build it); a config gets it from a DualBNResNet
    backbone or from dual_bn= on the model, with its momentum."""
    from clae_mm.registry import MODELS
    from clae_mm.utils import register_all_modules
    register_all_modules()
    assert MODELS.get('DualBN') is None
    model = MODELS.build(dict(
        type='CLAE', dual_bn=dict(adv_bn_momentum=0.02),
        backbone=dict(type='ResNet_CIFAR', depth=18, base_channels=8, stem_channels=8),
        neck=dict(type='ContrastiveProjection', in_channels=64, hid_channels=64, out_channels=16),
        head=dict(type='CLAELoss', method='simclr')))
    duals = [m for m in model.modules() if isinstance(m, DualBatchNorm)]
    assert len(duals) == 20 and {d.adversarial.momentum for d in duals} == {0.02}
