"""tools/analysis_tools/{analyze_logs,get_flops}.py and tools/misc/print_config.py,
the tools an mmpretrain user reaches for."""
import csv
import os.path as osp

import pytest
from mmengine.visualization import LocalVisBackend

from tests.conftest import REPO, load_tool


analyze_logs = load_tool('analysis_tools/analyze_logs.py')
get_flops = load_tool('analysis_tools/get_flops.py')
print_config = load_tool('misc/print_config.py')


def write_run(work_dir, timestamp: str, iterations: dict, knn: dict):
    """A run's vis_data/scalars.json as mmengine's LoggerHook writes it through
    LocalVisBackend: {iteration: (epoch, time, loss)} and {epoch: knn/top1}."""
    backend = LocalVisBackend(save_dir=str(work_dir / timestamp / 'vis_data'))
    for iteration, (epoch, seconds, loss) in iterations.items():
        backend.add_scalars(dict(lr=0.03, loss=loss, time=seconds, data_time=0.01, epoch=epoch,
                                 iter=iteration), step=iteration)
    for epoch, top1 in knn.items():
        backend.add_scalars({'knn/top1': top1, 'time': 5.0}, step=epoch)
    backend.close()


@pytest.fixture
def run_dir(tmp_path):
    work_dir = tmp_path / 'run'
    # epoch 1: iterations 1-3, epoch 2: 4-6; a resumed run logs 6 again later
    write_run(work_dir, '20260101_000000',
              {1: (1, 1.0, 4.0), 2: (1, 0.2, 3.0), 3: (1, 0.2, 2.0), 4: (2, 0.5, 2.0),
               5: (2, 0.3, 1.0), 6: (2, 9.9, 9.9)}, {1: 20.0})
    write_run(work_dir, '20260101_010000', {6: (2, 0.3, 1.0)}, {2: 30.0})
    return work_dir


def test_cal_train_time_per_epoch_without_the_first_iterations(run_dir, capsys):
    train, val = analyze_logs.load_log(str(run_dir))
    assert [r['iter'] for r in train] == [1, 2, 3, 4, 5, 6] and train[-1]['time'] == 0.3
    assert [r['step'] for r in val] == [1, 2]
    result = analyze_logs.train_time(train, include_outliers=False)
    assert result['epoch_times'] == {1: pytest.approx(0.2), 2: pytest.approx(0.3)}
    assert (result['slowest_epoch'], result['fastest_epoch']) == (2, 1)
    assert result['std_over_epochs'] == pytest.approx(0.05)
    assert result['average_iter_time'] == pytest.approx(2.5 / 6)
    with_outliers = analyze_logs.train_time(train, include_outliers=True)
    assert with_outliers['epoch_times'][1] == pytest.approx(1.4 / 3)
    assert analyze_logs.main(['cal_train_time', str(run_dir)]) == 0
    printed = capsys.readouterr().out
    assert 'slowest epoch 2, average time is 0.3000 s/iter' in printed
    assert 'average iter time: 0.4167 s/iter' in printed


def test_plot_curve_writes_the_figure_and_its_points(run_dir, tmp_path):
    out = tmp_path / 'plots' / 'curves.png'
    json_log = str(run_dir / '20260101_000000' / 'vis_data' / 'scalars.json')
    assert analyze_logs.main(['plot_curve', str(run_dir), json_log, '--keys', 'loss', 'knn/top1',
                              '--window', '2', '--out', str(out)]) == 0
    assert out.stat().st_size > 0
    with open(tmp_path / 'plots' / 'curves.csv') as f:
        rows = list(csv.DictReader(f))
    loss = [float(r['value']) for r in rows if r['label'] == 'run_loss']
    assert loss == pytest.approx([4.0, 3.5, 2.5, 2.0, 1.5, 1.0])  # moving average of 2
    knn = [(r['unit'], r['step'], float(r['value'])) for r in rows if r['label'] == 'run_knn/top1']
    assert knn == [('epoch', '1', 20.0), ('epoch', '2', 30.0)]
    assert {r['label'] for r in rows} == {'run_loss', 'run_knn/top1', 'scalars.json_loss',
                                          'scalars.json_knn/top1'}


def test_plot_curve_names_what_a_log_has(run_dir, tmp_path, capsys):
    assert analyze_logs.main(['plot_curve', str(run_dir), '--keys', 'los',
                              '--out', str(tmp_path / 'c.png')]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "has no 'los'" in err and 'knn/top1' in err
    assert analyze_logs.main(['cal_train_time', str(tmp_path / 'none')]) == 2


def test_get_flops_counts_the_resnet18_cifar_forward(capsys):
    config = osp.join(REPO, 'configs/clae/simclr_r18_cifar10_eps0.py')
    args = get_flops.parse_args([config, '--stage', 'backbone', '--no-table'])
    get_flops.register_all_modules()
    analysis = get_flops.complexity(args)
    assert analysis['input_shape'] == (3, 32, 32)  # the config's training crop
    # ResNet-18 with the CIFAR stem at 32x32: 0.56 GFLOPs (multiply-adds), as
    # mmpretrain's model zoo lists resnet18_8xb16_cifar10, whose 11,173,962
    # parameters hold a 512x10 classifier this encoder does not have; plus the
    # 512-512-64 projection.
    assert 0.555e9 < analysis['flops'] < 0.560e9
    assert analysis['params'] == 11_173_962 - (512 * 10 + 10) + 512 * 512 + 512 + 512 * 64 + 64
    assert get_flops.main([config, '--shape', '16', '--no-table']) == 0
    printed = capsys.readouterr().out
    assert 'Input shape: (3, 16, 16)' in printed and 'Flops: ' in printed


def test_print_config_shows_the_merged_config_with_overrides(capsys):
    config = osp.join(REPO, 'configs/clae/uel_r18_cifar10.py')
    assert print_config.main([config, '--cfg-options', 'default_hooks.adversarial.eps=0.07',
                              '--data-root', '/data/c10']) == 0
    printed = capsys.readouterr().out
    assert printed.startswith('Config:\n')
    assert "eps=0.07" in printed and "method='uel'" in printed  # leaf and bases merged
    assert "data_root='/data/c10'" in printed and 'auto_scale_lr = dict(base_batch_size=128)' in printed
    assert print_config.main([osp.join(REPO, 'configs/clae/nope.py')]) == 2
    assert 'not found' in capsys.readouterr().err
