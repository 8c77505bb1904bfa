import json
import os.path as osp

import numpy as np
import torch

from mmengine.config import Config

from clae_mm.evaluation.result_file import describe_run
from tests.conftest import REPO


def test_describe_run_records_the_training_length_and_config_name():
    cfg = Config.fromfile(osp.join(REPO, 'configs/clae/simclr_r18_cifar10_eps0.py'))
    cfg.merge_from_dict({'train_cfg.max_epochs': 7})
    run = describe_run(cfg, dict(meta=dict(seed=2, epoch=5)))
    run.pop('training'), run.pop('training_source')  # tested below
    assert run == dict(method='simclr', eps=0.0, dataset='CIFAR10', pretrain_dataset='CIFAR10',
                       seed=2, epoch=5, max_epochs=7, config_name='simclr_r18_cifar10_eps0')


def test_describe_run_records_the_training_settings(tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'))
    from_config = describe_run(cfg, dict(meta=dict(seed=np.int64(2), epoch=5)))
    assert from_config['training_source'] == 'evaluation config'
    assert from_config['training'] == dict(
        method='simclr', dataset='CIFAR10', batch_size=256, embed_dim=64, arch='ResNet-18',
        eps=0.03, alpha=1.0, attack='fgsm', max_epochs=cfg.train_cfg.max_epochs)
    assert from_config['seed'] == 2 and type(from_config['seed']) is int  # numpy, as mmengine
    # A checkpoint's recorded settings win; only plain values of them are kept.
    recorded = dict(from_config['training'], batch_size=8, eps=np.float64(0.05),
                    extra=torch.zeros(2))
    run = describe_run(cfg, dict(meta=dict(seed=2, epoch=5, training_settings=recorded)))
    assert run['training_source'] == 'checkpoint'
    assert run['training']['batch_size'] == 8 and run['training']['eps'] == 0.05
    assert run['training']['extra'] is None
    json.dumps(run)  # the result file is JSON


def test_the_trained_length_comes_from_the_checkpoint_when_it_has_it():
    """Trained with --cfg-options train_cfg.max_epochs=2, scored with the config
    as written: the run's runtime info tells the length it trained for."""
    cfg = Config.fromfile(osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'))
    checkpoint = dict(meta=dict(seed=0, epoch=2),
                      message_hub=dict(runtime_info=dict(max_epochs=2, epoch=1)))
    assert cfg.train_cfg.max_epochs != 2
    assert describe_run(cfg, checkpoint)['max_epochs'] == 2


def test_the_zoo_models_record_their_method():
    for name, method in [('mocov2', 'mocov2'), ('byol', 'byol'), ('simsiam', 'simsiam'),
                         ('barlowtwins', 'barlowtwins')]:
        for suffix in ('', '_eps0'):
            cfg = Config.fromfile(osp.join(REPO, f'configs/clae/{name}_r18_cifar10{suffix}.py'))
            run = describe_run(cfg, dict(meta=dict(seed=0, epoch=1)))
            assert run['method'] == run['training']['method'] == method
            assert run['eps'] == run['training']['eps'] == (0.0 if suffix else 0.03)
