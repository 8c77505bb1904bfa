"""Each Table 1 config ({plain, uel, simclr} x {cifar10, cifar100, tinyimagenet},
CLAE and eps-0 baseline) trains 2 iterations through tools/train.py on fake
data in its dataset's real format, with its real pipelines and hooks (the
online kNN included), and saves a checkpoint.

The 18 runs call ``tools/train.py``'s ``main`` in this process: a fresh
interpreter per run would spend most of the time importing the stack.
"""
import gc
import glob
import json
import math
import os.path as osp

import pytest
import torch

from tests.conftest import TINY_ENCODER, load_tool
from tests.data_utils import make_cifar
from tests.test_datasets.fake_layouts import make_tiny_imagenet

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TABLE1 = [f'configs/clae/{method}_r18_{dataset}{suffix}.py'
          for method in ('plain', 'uel', 'simclr')
          for dataset in ('cifar10', 'cifar100', 'tinyimagenet')
          for suffix in ('', '_eps0')]


@pytest.fixture(scope='module')
def train_tool():
    """The tool's module, run with one torch thread (batch-4 steps of a tiny
    encoder only lose to thread hand-offs on a shared 2-core machine) and with
    the heap frozen, so that the datasets' gc.collect() does not rescan what
    earlier runs of this process left behind. Never unfrozen: that would undo
    the freeze of tests/conftest.py for every later module of this process."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    gc.freeze()
    yield load_tool('train.py')
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def data_roots(tmp_path_factory):
    """8-10 training images per dataset: 2 iterations of batch 4 (drop_last)."""
    base = tmp_path_factory.mktemp('table1_data')
    return {
        'cifar10': make_cifar(str(base / 'cifar10'), num_per_file=2),  # 5 x 2 train, 2 test
        'cifar100': make_cifar(str(base / 'cifar100'), num_per_file=8, num_classes=100),
        'tinyimagenet': make_tiny_imagenet(str(base / 'tiny-imagenet-200'), num_classes=2,
                                           train_per_class=4, val_per_class=2),
    }


@pytest.mark.parametrize('config', TABLE1)
def test_table1_config_trains_two_iterations(config, train_tool, data_roots, tmp_path, capsys):
    name = osp.splitext(osp.basename(config))[0]
    dataset = name.split('_r18_')[1].replace('_eps0', '')
    work_dir = str(tmp_path / name)
    code = train_tool.main([
        osp.join(REPO, config), '--work-dir', work_dir, '--data-root', data_roots[dataset],
        '--cfg-options', *TINY_ENCODER, 'train_dataloader.batch_size=4',
        'train_dataloader.num_workers=0', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1', 'randomness.seed=0', f'experiment_name={name}'])
    assert code == 0, capsys.readouterr().err[-4000:]

    (scalars,) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        records = [json.loads(line) for line in f]
    steps = [r for r in records if 'loss' in r]
    assert [r['iter'] for r in steps] == [1, 2]
    assert all(math.isfinite(r['loss']) and math.isfinite(r['loss_aug']) for r in steps)
    if name.endswith('_eps0'):
        assert not any('loss_adv' in r for r in steps)  # the baseline: no adversarial forward
    else:
        assert all(math.isfinite(r['loss_adv']) for r in steps)
    assert any('knn/top1' in r for r in records)  # the kNN validation (val_cfg, val_dataloader)
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
