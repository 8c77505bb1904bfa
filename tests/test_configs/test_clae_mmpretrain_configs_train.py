"""Each CLAE config of mmpretrain's MoCo v2, BYOL, SimSiam and Barlow Twins
(configs/clae/{method}_r18_cifar10.py, CLAE and eps-0 baseline) trains 2
iterations through tools/train.py on fake CIFAR-10 in its real format, with
its real pipeline, optimiser, schedule and hooks, logs L_adv exactly when
CLAE is on, and saves a checkpoint in which MoCo's queue pointer and the
momentum encoder's / BYOL target's step counter read exactly one batch and one
update per iteration (the attack adds none).

The runs call ``tools/train.py``'s ``main`` in this process (as the Table 1
config test does).
"""
import glob
import json
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from tests.conftest import TINY_ENCODER
from tests.data_utils import make_cifar
from tests.test_configs.test_table1_configs_train import REPO, train_tool  # noqa: F401

METHODS = ('mocov2', 'byol', 'simsiam', 'barlowtwins')
CONFIGS = [f'configs/clae/{method}_r18_cifar10{suffix}.py'
           for method in METHODS for suffix in ('', '_eps0')]
BATCH = 4
ITERATIONS = 2


@pytest.fixture(scope='module')
def cifar10_root(tmp_path_factory):
    """5 x 2 training images: 2 iterations of batch 4 (drop_last)."""
    return make_cifar(str(tmp_path_factory.mktemp('cifar10')), num_per_file=2)


def test_every_method_has_a_clae_config_and_its_eps0_twin():
    for config in CONFIGS:
        assert osp.isfile(osp.join(REPO, config)), config


FASHION_MNIST = [f'configs/fashion_mnist/{method}_r18w8_fashion_mnist{suffix}.py'
                 for method in METHODS for suffix in ('', '_eps0')]


@pytest.mark.parametrize('config', CONFIGS + FASHION_MNIST)
def test_evaluated_on_the_backbone_not_with_the_dataset_bases_simclr_metric(config):
    """The dataset bases carry SimCLR's protocol (kNN on the projection, sigma
    0.5): these methods override it with kNN (sigma 0.1) and the probe on the
    backbone output."""
    cfg = Config.fromfile(osp.join(REPO, config))
    metrics = list(cfg.test_evaluator) + ([cfg.val_evaluator] if cfg.get('val_evaluator') else [])
    assert {m['type'] for m in metrics} >= {'KNNAccuracy', 'LinearProbeAccuracy'}
    assert all(m['stage'] == 'backbone' for m in metrics)
    assert all(m['sigma'] == 0.1 for m in metrics if m['type'] == 'KNNAccuracy')
    if 'fashion_mnist' in config:  # scored after training, as the paper methods' twins
        assert cfg.get('val_dataloader') is None and cfg.get('val_cfg') is None


@pytest.mark.parametrize('config', CONFIGS)
def test_config_trains_two_iterations_with_single_side_effects(config, train_tool,  # noqa: F811
                                                              cifar10_root, tmp_path, capsys):
    name = osp.splitext(osp.basename(config))[0]
    work_dir = str(tmp_path / name)
    code = train_tool.main([
        osp.join(REPO, config), '--work-dir', work_dir, '--data-root', cifar10_root,
        '--cfg-options', *TINY_ENCODER, f'train_dataloader.batch_size={BATCH}',
        'train_dataloader.num_workers=0', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1', 'randomness.seed=0', f'experiment_name={name}'])
    assert code == 0, capsys.readouterr().err[-4000:]

    (scalars,) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        records = [json.loads(line) for line in f]
    steps = [r for r in records if 'loss' in r]
    assert [r['iter'] for r in steps] == list(range(1, ITERATIONS + 1))
    assert all(math.isfinite(r['loss']) and math.isfinite(r['loss_aug']) for r in steps)
    if name.endswith('_eps0'):
        assert not any('loss_adv' in r for r in steps)  # the baseline: no adversarial forward
    else:
        assert all(math.isfinite(r['loss_adv']) for r in steps)  # L_adv is logged
    assert any(key.startswith('knn/') for r in records for key in r)  # evaluated on extract_feat

    checkpoint = torch.load(osp.join(work_dir, 'epoch_1.pth'), map_location='cpu',
                            weights_only=True)
    state = checkpoint['state_dict']
    if name.startswith('mocov2'):
        queue_len = state['queue'].shape[1]
        assert int(state['queue_ptr']) == ITERATIONS * BATCH % queue_len
        assert int(state['encoder_k.steps']) == ITERATIONS
    if name.startswith('byol'):
        assert int(state['target_net.steps']) == ITERATIONS
