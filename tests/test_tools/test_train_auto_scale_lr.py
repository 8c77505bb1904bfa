"""tools/train.py --auto-scale-lr: the paper's batch per method is each
schedule's auto_scale_lr.base_batch_size, and the runner scales from it."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from clae_mm.utils.config_check import ConfigError
from tests.conftest import REPO, TINY_ENCODER, load_tool

train = load_tool('train.py')

PAPER_BATCH = {'plain': 128, 'uel': 128, 'simclr': 256}


def configs():
    # every training config (the probes of configs/transfer/linear_probe only score)
    return sorted(p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
                  if '_base_' not in p and 'linear_probe' not in p)


@pytest.mark.parametrize('method', sorted(PAPER_BATCH))
def test_the_cifar_configs_scale_from_the_papers_batch(method):
    for dataset in ('cifar10', 'cifar100'):
        for suffix in ('', '_eps0'):
            cfg = Config.fromfile(osp.join(REPO, f'configs/clae/{method}_r18_{dataset}{suffix}.py'))
            assert cfg.auto_scale_lr.base_batch_size == PAPER_BATCH[method]


def test_every_base_batch_is_the_batch_its_config_trains_with():
    """So --auto-scale-lr changes nothing at the shipped batch, and scales the
    rate when the batch or the number of processes changes."""
    checked = 0
    for path in configs():
        cfg = Config.fromfile(path)
        if cfg.get('auto_scale_lr') and cfg.get('train_dataloader'):
            assert cfg.auto_scale_lr.base_batch_size == cfg.train_dataloader.batch_size, path
            checked += 1
    assert checked >= 30  # the Table 1 configs, the ablations and the transfer encoders


def test_a_config_without_a_base_batch_is_refused_with_the_fix(tmp_path):
    config = tmp_path / 'no_base.py'
    config.write_text("_base_ = '%s'\nauto_scale_lr = None\n"
                      % osp.join(REPO, 'configs/clae/plain_r18_cifar10.py'))
    with pytest.raises(ConfigError, match='base_batch_size'):
        train.merge_args(train.load_config(str(config)),
                         train.parse_args([str(config), '--auto-scale-lr']))


def test_the_runner_scales_the_learning_rate(tmp_path, cifar10_root):
    config = osp.join(REPO, 'configs/clae/plain_r18_cifar10.py')
    args = train.parse_args([config, '--auto-scale-lr', '--work-dir', str(tmp_path),
                             '--data-root', cifar10_root, '--cfg-options', *TINY_ENCODER,
                             'train_dataloader.batch_size=8', 'model.neck.in_channels=64'])
    cfg = train.merge_args(train.load_config(config), args)
    assert cfg.auto_scale_lr == dict(base_batch_size=128, enable=True)
    from mmengine.runner import Runner
    train.register_all_modules()
    runner = Runner.from_cfg(cfg)
    optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    runner.scale_lr(optim_wrapper, runner.auto_scale_lr)  # as Runner.train does first
    assert optim_wrapper.get_lr()['lr'] == [pytest.approx(0.03 * 8 / 128)]
