"""N iterations straight == N/2, stop, resume, N/2 more (same seed, CPU)."""
import glob
import json
import os.path as osp

import pytest
import torch

from clae_mm.engine.hooks import AtomicCheckpointHook, RandomStateHook
from .conftest import CONFIG, train_args

# CLAE-SimCLR (Adam) with a learning rate that decays after epoch 1, so the
# optimizer and the scheduler state both matter across the resume point, and
# R-FGSM, whose random step draws from the global RNG like the augmentations.
LEAF_CONFIG = f'''_base_ = [{CONFIG!r}]
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[1], gamma=0.1)]
default_hooks = dict(adversarial=dict(attack='rfgsm'))
'''
COMPARED = ('loss', 'loss_aug', 'loss_adv', 'attack_gain', 'lr')


def train(train_tool, config, work_dir, data_root, epochs, *options, flags=()):
    code = train_tool.main(train_args(work_dir, data_root, f'train_cfg.max_epochs={epochs}',
                                      *options, config=config, flags=flags))
    assert code == 0


def logged(work_dir: str) -> dict:
    """iteration -> the logged values of LocalVisBackend's scalars.json."""
    (path,) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        records = [json.loads(line) for line in f]
    return {r['iter']: {k: r[k] for k in COMPARED if k in r} for r in records if 'loss' in r}


def assert_same_state(expected, actual, where=''):
    if isinstance(expected, torch.Tensor):
        assert torch.equal(actual, expected), where  # bit-exact
    elif isinstance(expected, dict):
        assert expected.keys() == actual.keys(), where
        for key in expected:
            assert_same_state(expected[key], actual[key], f'{where}.{key}')
    elif isinstance(expected, (list, tuple)):
        assert len(expected) == len(actual), where
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same_state(e, a, f'{where}[{i}]')
    else:
        assert expected == actual, where


class Preempted(Exception):
    """Stands for the job being killed right after a checkpoint."""


def preempted_after_first_checkpoint(patch):
    save = AtomicCheckpointHook.after_train_epoch

    def save_then_stop(self, runner):
        saved_before = self.last_ckpt
        save(self, runner)
        if self.last_ckpt != saved_before:
            raise Preempted

    patch.setattr(AtomicCheckpointHook, 'after_train_epoch', save_then_stop)


@pytest.fixture(scope='module')
def runs(train_tool, cifar10_root, tmp_path_factory):
    """Four runs of the same 2-epoch config: straight; stopped after epoch 1;
    resumed from that checkpoint; resumed without restoring the RNG states."""
    root = tmp_path_factory.mktemp('exact_resume')
    config = str(root / 'simclr_rfgsm_step_lr.py')
    with open(config, 'w') as f:
        f.write(LEAF_CONFIG)
    straight, first, second, unrestored = (str(root / n) for n in ('straight', 'first', 'second',
                                                                  'unrestored'))
    train(train_tool, config, straight, cifar10_root, 2)
    with pytest.MonkeyPatch.context() as patch, pytest.raises(Preempted):
        preempted_after_first_checkpoint(patch)
        train(train_tool, config, first, cifar10_root, 2)
    resume_from = ['--resume', osp.join(first, 'epoch_1.pth')]
    # seed=None: the seed comes from the checkpoint, as after a plain --resume.
    train(train_tool, config, second, cifar10_root, 2, 'randomness.seed=None', flags=resume_from)
    with pytest.MonkeyPatch.context() as patch:  # the same resume, RNG states not restored
        patch.setattr(RandomStateHook, 'before_train', lambda self, runner: None)
        train(train_tool, config, unrestored, cifar10_root, 2, flags=resume_from)
    return dict(straight=straight, first=first, second=second, unrestored=unrestored)


def checkpoint(work_dir, epoch=2):
    return torch.load(osp.join(work_dir, f'epoch_{epoch}.pth'), weights_only=True)


def test_parameters_and_bn_statistics_match(runs):
    expected = checkpoint(runs['straight'])['state_dict']
    actual = checkpoint(runs['second'])['state_dict']
    assert any('.adversarial.running_var' in key for key in expected)
    assert_same_state(dict(expected), dict(actual), 'state_dict')


def test_optimizer_and_scheduler_state_match(runs):
    expected, actual = checkpoint(runs['straight']), checkpoint(runs['second'])
    assert expected['optimizer']['state']  # SGD momentum buffers exist
    assert_same_state(expected['optimizer'], actual['optimizer'], 'optimizer')
    assert expected['optimizer']['param_groups'][0]['lr'] == pytest.approx(3e-5)  # decayed
    assert_same_state(expected['param_schedulers'], actual['param_schedulers'], 'param_schedulers')
    assert actual['meta']['iter'] == 10 and actual['meta']['seed'] == 0


def test_logged_losses_match(runs):
    straight = logged(runs['straight'])
    resumed = {**logged(runs['first']), **logged(runs['second'])}
    assert sorted(straight) == sorted(resumed) == list(range(1, 11))
    assert straight[5]['lr'] == pytest.approx(3e-4)
    assert straight[10]['lr'] == pytest.approx(3e-5)  # decayed at the resume point
    for iteration, values in straight.items():
        assert values.keys() == resumed[iteration].keys()
        for key, value in values.items():
            assert resumed[iteration][key] == value, (iteration, key)


def test_without_restoring_random_state_resume_differs(runs):
    # The augmentations and R-FGSM's random step draw from the global torch
    # RNG, which mmengine does not checkpoint: RandomStateHook is what makes
    # the runs above agree.
    straight, unrestored = logged(runs['straight']), logged(runs['unrestored'])
    assert straight[5] == pytest.approx(logged(runs['first'])[5])
    assert abs(straight[6]['loss'] - unrestored[6]['loss']) > 1e-4
