import json
import os.path as osp

import numpy as np
import pytest
import torch

from .tool_loader import checkpoint_args, load_tool, read_png

bn_stats = load_tool('bn_stats')


def test_running_statistics_of_both_branches(simclr_run, tmp_path):
    out = str(tmp_path)
    assert bn_stats.main(checkpoint_args(simclr_run, out) + [
        '--layers', 'backbone.bn1', 'backbone.layer4.1.bn2', '--channels', '4']) == 0
    assert read_png(osp.join(out, 'bn_stats.png')).shape[:2] == (600, 2 * 400)
    numbers = json.load(open(osp.join(out, 'bn_stats.json')))
    assert list(numbers['layers']) == ['backbone.bn1', 'backbone.layer4.1.bn2']
    state = torch.load(simclr_run['checkpoint'], weights_only=True)['state_dict']
    for name, summary in numbers['layers'].items():
        clean_mean = state[f'{name}.clean.running_mean'].numpy()
        adv_mean = state[f'{name}.adversarial.running_mean'].numpy()
        clean_var = state[f'{name}.clean.running_var'].numpy()
        adv_var = state[f'{name}.adversarial.running_var'].numpy()
        assert len(summary['channels']) == 4
        assert summary['mean_abs_mean_diff'] == pytest.approx(np.abs(adv_mean - clean_mean).mean())
        assert summary['mean_abs_log_var_diff'] == pytest.approx(
            np.abs(np.log(adv_var) - np.log(clean_var)).mean(), rel=1e-5)
        # Two epochs are far too short for the adversarial branch (momentum
        # 0.01) to reach the clean one's statistics.
        assert summary['mean_abs_log_var_diff'] > 0
    assert len(numbers['all_layers']) > 2
    rows = open(osp.join(out, 'bn_stats.csv')).read().splitlines()
    assert rows[0] == 'layer,channel,clean_mean,clean_var,adversarial_mean,adversarial_var'
    assert len(rows) == 1 + 2 * 4


def test_default_layers_span_the_depth_and_unknown_layers_are_named(simclr_run, tmp_path, capsys):
    out = str(tmp_path)
    # the checkpoint alone: the narrow encoder it was trained with is in its recorded config
    assert bn_stats.main([simclr_run['checkpoint'], '--out-dir', out, '--channels', '2']) == 0
    layers = list(json.load(open(osp.join(out, 'bn_stats.json')))['layers'])
    assert len(layers) == 4 and layers[0] == 'backbone.bn1' and layers[-1] == 'backbone.layer4.1.bn2'
    assert read_png(osp.join(out, 'bn_stats.png')).shape[:2] == (600, 4 * 400)
    assert bn_stats.main(checkpoint_args(simclr_run, out) + ['--layers', 'backbone.bn9']) == 2
    assert 'no dual BN layer named backbone.bn9' in capsys.readouterr().err


def test_a_baseline_without_dual_bns_is_refused(simclr_run, tmp_path, capsys):
    from mmengine.config import Config

    from clae_mm.registry import MODELS
    from clae_mm.utils import register_all_modules
    from tests.conftest import REPO
    register_all_modules()
    config = osp.join(REPO, 'configs/clae/simclr_r18_cifar10_eps0.py')  # plain-BN ResNet-18
    cfg = Config.fromfile(config)
    cfg.merge_from_dict({option.split('=')[0]: int(option.split('=')[1])
                         for option in simclr_run['cfg_options']})
    checkpoint = str(tmp_path / 'baseline.pth')
    torch.save(MODELS.build(cfg.model).state_dict(), checkpoint)
    assert bn_stats.main([config, checkpoint, '--cfg-options', *simclr_run['cfg_options'],
                          '--out-dir', str(tmp_path)]) == 2
    assert 'no dual (clean + adversarial) batch norms' in capsys.readouterr().err
