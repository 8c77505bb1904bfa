import os.path as osp

from mmengine.config import Config

from clae_mm.evaluation.result_file import describe_run
from tests.conftest import REPO


def test_describe_run_records_the_training_length_and_config_name():
    cfg = Config.fromfile(osp.join(REPO, 'configs/clae/simclr_r18_cifar10_eps0.py'))
    cfg.merge_from_dict({'train_cfg.max_epochs': 7})
    run = describe_run(cfg, dict(meta=dict(seed=2, epoch=5)))
    assert run == dict(method='simclr', eps=0.0, dataset='CIFAR10', pretrain_dataset='CIFAR10',
                       seed=2, epoch=5, max_epochs=7, config_name='simclr_r18_cifar10_eps0')
