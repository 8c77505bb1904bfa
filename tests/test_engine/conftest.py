"""A short training run in this process, for the evaluation loops and hooks."""
import os.path as osp
import uuid

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from clae_mm.utils import apply_data_root, register_all_modules
from tests.conftest import REPO


@pytest.fixture(scope='session')
def knn_monitored_run(tmp_path_factory, cifar10_root) -> Runner:
    """The runner of CLAE-SimCLR (width 8) trained 2 epochs on 40 images with
    the configs' kNN validation after every epoch and at initialisation
    (``default_hooks.knn.eval_at_start``), the best kNN checkpoint kept
    (``save_best='knn/top1'``) and LinearEvalHook scoring the test
    evaluation (probe shortened to 3 epochs) after training."""
    register_all_modules()
    cfg = Config.fromfile(osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'))
    cfg.merge_from_dict({
        'model.backbone.base_channels': 8, 'model.backbone.stem_channels': 8,
        'model.neck.in_channels': 64, 'model.neck.hid_channels': 64,
        'train_dataloader.batch_size': 8, 'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'val_dataloader.num_workers': 0, 'val_cfg.bank.num_workers': 0,
        'test_dataloader.num_workers': 0, 'test_cfg.bank.num_workers': 0,
        'test_evaluator.1.epochs': 3, 'train_cfg.max_epochs': 2,
        'default_hooks.checkpoint.interval': 1, 'default_hooks.checkpoint.save_best': 'knn/top1',
        'default_hooks.knn.eval_at_start': True, 'default_hooks.logger.interval': 1,
        'randomness.seed': 0})
    apply_data_root(cfg, cifar10_root)
    cfg.custom_hooks = [dict(type='LinearEvalHook')]
    cfg.work_dir = str(tmp_path_factory.mktemp('knn_monitored_run'))
    cfg.experiment_name = f'knn-monitored-{uuid.uuid4().hex}'
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner
