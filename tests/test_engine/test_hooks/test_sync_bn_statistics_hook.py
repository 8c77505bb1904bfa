"""SyncBNStatisticsHook: which buffers it averages (the end-to-end check, two processes whose
validation equals the saved checkpoint's score, is in tests/test_tools/test_train.py)."""
import torch
from torch import nn

from clae_mm.engine.hooks.sync_bn_statistics_hook import bn_statistics
from clae_mm.models.utils.dual_bn import convert_dual_bn


def test_averages_both_branches_of_every_bn_and_nothing_else():
    model = convert_dual_bn(nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4)))
    model.register_buffer('queue', torch.zeros(8))  # a MoCo queue: equal on all processes
    model.add_module('synced', nn.SyncBatchNorm(4))  # already equal on all processes
    dual = model[1]
    expected = {id(t) for bn in (dual.clean, dual.adversarial)
                for t in (bn.running_mean, bn.running_var)}
    assert {id(t) for t in bn_statistics(model)} == expected

