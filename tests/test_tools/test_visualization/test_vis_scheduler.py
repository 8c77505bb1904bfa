import json
import os.path as osp

import pytest
from mmengine.config import Config

from clae_mm.analysis.schedules import iterations_per_epoch, simulate_schedule
from tests.conftest import REPO
from tests.test_tools.test_analysis.tool_loader import load_tool, read_png

vis_scheduler = load_tool('vis_scheduler', 'visualization')

PLAIN = osp.join(REPO, 'configs', 'fashion_mnist', 'plain_r18w8_fashion_mnist.py')


def test_a_shorter_run_keeps_the_rate_drops_the_config_fixed(tmp_path):
    # The config places its rate drops at 120/301, 160/301 and 200/301 of its 2 epochs, in
    # iterations (373, 498, 622 of 936): one epoch reaches the first drop only.
    out = str(tmp_path)
    assert vis_scheduler.main([PLAIN, '--dataset-size', '60000', '--out-dir', out, '--cfg-options',
                               'train_cfg.max_epochs=1',
                               'default_hooks.adversarial.eps_warmup_iters=100']) == 0
    image = read_png(osp.join(out, 'schedule.png'))
    assert image.shape[:2] == (620, 1000) and image[..., :3].std() > 0.05
    numbers = json.load(open(osp.join(out, 'schedule.json')))
    assert (numbers['iters_per_epoch'], numbers['max_iters']) == (468, 468)  # 60000 // 128
    assert numbers['unreached'] == [
        'MultiStepLR milestone at iteration 498: after the last iteration (468)',
        'MultiStepLR milestone at iteration 622: after the last iteration (468)']
    assert numbers['epoch_start_lr'] == [0.03] and numbers['epoch_start_eps'] == [0.0]


def test_rates_and_eps_per_iteration():
    cfg = Config.fromfile(PLAIN)
    cfg.default_hooks.adversarial.eps_warmup_iters = 100
    schedule = simulate_schedule(cfg, iterations_per_epoch(60000, 128, drop_last=True),
                                 progress=False)
    lr, eps = schedule['lr'], schedule['eps']
    assert len(lr) == len(eps) == 936
    assert lr[372] == 0.03 and lr[373] == pytest.approx(0.003)  # x0.1 after 373 steps
    assert lr[497] == pytest.approx(0.003) and lr[498] == pytest.approx(0.0015)
    assert lr[-1] == pytest.approx(0.0003) and not schedule['unreached']
    # ContrastiveAdversarialHook.eps_at: linear from 0 over the first 100 iterations
    assert eps[0] == 0 and eps[50] == pytest.approx(0.015) and set(eps[100:]) == {0.03}

    # A schedule in epochs without an end ends at max_epochs, so it follows --cfg-options:
    # mmengine's LinearLR reaches its end factor at the last of its end - begin iterations.
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=1.0)),
                      param_scheduler=[dict(type='LinearLR', start_factor=0.5, by_epoch=True,
                                            convert_to_iter_based=True)],
                      train_cfg=dict(max_epochs=2)))
    lr = simulate_schedule(cfg, 4, progress=False)['lr']
    assert lr == pytest.approx([0.5 + 0.5 * i / 7 for i in range(8)])


def test_a_missing_training_set_is_a_one_line_error(tmp_path, capsys):
    assert vis_scheduler.main([PLAIN, '--data-root', str(tmp_path), '--out-dir',
                               str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f'error: Fashion-MNIST not found under {tmp_path}')
    assert error.count('\n') == 1 and not osp.exists(tmp_path / 'schedule.png')
