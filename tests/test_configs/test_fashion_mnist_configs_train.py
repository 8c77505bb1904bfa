"""Each Fashion-MNIST benchmark config (configs/fashion_mnist/: Plain, UEL,
SimCLR and mmpretrain's MoCo v2, BYOL, SimSiam and Barlow Twins; CLAE and eps-0
baseline) trains 2 iterations through tools/train.py on a tiny Fashion-MNIST
in its real IDX format, with its real batched views, and saves a checkpoint."""
import glob
import json
import math
import os.path as osp

import pytest

from tests.data_utils import make_fashion_mnist
from tests.test_configs.test_table1_configs_train import REPO, train_tool  # noqa: F401

CONFIGS = sorted(osp.relpath(path, REPO)
                 for path in glob.glob(osp.join(REPO, 'configs/fashion_mnist/*.py'))
                 if not path.endswith('_online_eval.py'))  # its own test below


def test_every_method_has_a_clae_config_and_its_eps0_twin():
    names = {osp.basename(config) for config in CONFIGS}
    for method in ('plain', 'uel', 'simclr', 'mocov2', 'byol', 'simsiam', 'barlowtwins'):
        assert {f'{method}_r18w8_fashion_mnist.py', f'{method}_r18w8_fashion_mnist_eps0.py'} <= names


@pytest.fixture(scope='module')
def fashion_mnist_root(tmp_path_factory):
    return make_fashion_mnist(str(tmp_path_factory.mktemp('fmnist')), num_train=8, num_test=4)


@pytest.mark.parametrize('config', CONFIGS)
def test_fashion_mnist_config_trains_two_iterations(config, train_tool, fashion_mnist_root,  # noqa: F811
                                                    tmp_path, capsys):
    name = osp.splitext(osp.basename(config))[0]
    work_dir = str(tmp_path / name)
    code = train_tool.main([
        osp.join(REPO, config), '--work-dir', work_dir, '--data-root', fashion_mnist_root,
        '--cfg-options', 'train_dataloader.batch_size=4', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1', 'randomness.seed=0'])
    assert code == 0, capsys.readouterr().err[-4000:]
    (scalars,) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        steps = [record for record in map(json.loads, f) if 'loss' in record]
    assert [record['iter'] for record in steps] == [1, 2]
    assert all(math.isfinite(record['loss']) for record in steps)
    assert all(('loss_adv' in record) == ('_eps0' not in name) for record in steps)
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))


def test_the_online_eval_config_scores_through_its_hooks(
        train_tool, fashion_mnist_root, tmp_path, capsys):  # noqa: F811
    """OnlineLinearProbeHook logs the online probe each epoch, LinearEvalHook
    the test evaluation (kNN and the linear probe) once training ends."""
    work_dir = str(tmp_path / 'online_eval')
    code = train_tool.main([
        osp.join(REPO, 'configs/fashion_mnist/simclr_r18w8_fashion_mnist_online_eval.py'),
        '--work-dir', work_dir, '--data-root', fashion_mnist_root,
        '--cfg-options', 'train_dataloader.batch_size=4', 'train_cfg.max_epochs=1',
        'test_evaluator.1.epochs=2', 'randomness.seed=0'])
    assert code == 0, capsys.readouterr().err[-4000:]
    (scalars,) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        logged = set().union(*map(json.loads, f))
    assert {'online_linear/top1', 'online_linear/train_top1'} <= logged
    (test_log,) = glob.glob(osp.join(work_dir, '*', '*.json'))  # LoggerHook's test-mode record
    with open(test_log) as f:
        assert {'knn/top1', 'linear/top1', 'linear/best_top1'} <= set(json.load(f))
