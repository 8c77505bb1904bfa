"""A NaN/Inf loss stops training at once (or the step is skipped), never silently."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from clae_mm.engine.hooks import NonFiniteLossHook
from clae_mm.engine.hooks.nonfinite_loss_hook import NonFiniteLossError
from clae_mm.utils import CLAEError, register_all_modules
from .conftest import train_args


class BreakInputsAt(Hook):
    """Zero the preprocessor's std at the given iterations (1-based): the
    normalised images become +-inf, activations and the loss NaN, and the
    forward poisons the BN running statistics, as a real divergence does."""

    priority = 'LOWEST'  # records after NonFiniteLossHook has acted

    def __init__(self, iterations):
        self.iterations = set(iterations)
        self.parameters_after = {}

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.std = runner.model.data_preprocessor.std.clone()
        if runner.iter + 1 in self.iterations:
            runner.model.data_preprocessor.std.zero_()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        runner.model.data_preprocessor.std.copy_(self.std)
        self.parameters_after[runner.iter + 1] = {
            k: v.detach().clone() for k, v in runner.model.state_dict().items()}


def build_runner(train_tool, work_dir, data_root, *options):
    args = train_tool.parse_args(
        train_args(work_dir, data_root, 'train_cfg.max_epochs=2', *options))
    register_all_modules()
    return Runner.from_cfg(train_tool.merge_args(Config.fromfile(args.config), args))


def nonfinite_hook(runner) -> NonFiniteLossHook:
    (hook,) = [h for h in runner.hooks if isinstance(h, NonFiniteLossHook)]
    return hook


def test_stops_at_the_first_nonfinite_loss(train_tool, tmp_path, cifar10_root):
    work_dir = str(tmp_path)
    runner = build_runner(train_tool, work_dir, cifar10_root)
    breaker = BreakInputsAt([7])
    runner.register_hook(breaker)
    with pytest.raises(NonFiniteLossError) as info:
        runner.train()
    message = str(info.value)
    assert isinstance(info.value, CLAEError) and '\n' not in message  # tools print 'error: ...'
    assert message.startswith('non-finite loss at iteration 7 (epoch 2): loss=nan, loss_aug=nan')
    assert 'loss_adv=nan' in message
    assert f'last good checkpoint: {osp.join(work_dir, "epoch_1.pth")}' in message
    assert 7 not in breaker.parameters_after  # stopped inside iteration 7
    # The update of iteration 7 was never applied, and nothing broken was saved.
    before = breaker.parameters_after[6]
    for name, parameter in runner.model.named_parameters():
        assert torch.equal(parameter, before[name]), name
    assert not osp.exists(osp.join(work_dir, 'epoch_2.pth'))
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == osp.join(work_dir, 'epoch_1.pth')


def test_skip_drops_the_step_and_says_so(train_tool, tmp_path, cifar10_root):
    runner = build_runner(train_tool, str(tmp_path), cifar10_root,
                          'default_hooks.nonfinite_loss.action=skip')
    breaker = BreakInputsAt([3, 8])
    runner.register_hook(breaker)
    runner.train()
    assert nonfinite_hook(runner).skipped_iters == [3, 8]
    after = breaker.parameters_after
    for skipped in (3, 8):  # parameters and BN statistics as before the iteration
        for key, value in after[skipped - 1].items():
            assert torch.equal(after[skipped][key], value), (skipped, key)
    assert not torch.equal(after[4]['backbone.conv1.weight'], after[3]['backbone.conv1.weight'])
    assert all(torch.isfinite(v).all() for v in runner.model.state_dict().values()
               if v.is_floating_point())
    (log,) = glob.glob(osp.join(str(tmp_path), '*', '*.log'))
    with open(log) as f:
        warnings = [line for line in f if 'skipped this update' in line]
    assert len(warnings) == 2 and 'non-finite loss at iteration 3 (epoch 1)' in warnings[0]


def test_skip_stops_after_too_many_in_a_row(train_tool, tmp_path, cifar10_root):
    runner = build_runner(train_tool, str(tmp_path), cifar10_root,
                          'default_hooks.nonfinite_loss.action=skip',
                          'default_hooks.nonfinite_loss.max_consecutive_skips=2')
    runner.register_hook(BreakInputsAt([2, 3]))
    with pytest.raises(NonFiniteLossError,
                       match='at iteration 3 .*2 updates in a row were skipped'):
        runner.train()
