import glob
import json
import os.path as osp

import pytest

from tests.conftest import REPO, experiment_name, run_tool
from tests.data_utils import make_fashion_mnist


@pytest.mark.parametrize('config', ['clae_simclr_r18w8_fashion_mnist.py',
                                    'clae_simclr_r18w8_fashion_mnist_eps0.py'])
def test_demo_configs_train_a_few_iterations_with_online_knn(config, tmp_path):
    data_root = make_fashion_mnist(str(tmp_path / 'fmnist'), num_train=32, num_test=16)
    work_dir = str(tmp_path / 'work')
    assert run_tool('train.py', osp.join(REPO, 'configs/demo', config), '--work-dir', work_dir,
                    '--data-root', data_root, '--cfg-options', 'train_dataloader.batch_size=8',
                    'train_cfg.max_epochs=1', 'default_hooks.logger.interval=1',
                    experiment_name()) == 0
    (path,) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        records = [json.loads(line) for line in f]
    steps = [r for r in records if 'loss' in r]
    assert len(steps) == 4
    assert all(('loss_adv' in r) == ('eps0' not in config) for r in steps)
    assert [r['step'] for r in records if 'knn/top1' in r] == [0, 1]  # at init and after epoch 1
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
