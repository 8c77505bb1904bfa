import csv
import os.path as osp

import matplotlib.image
import pytest

from clae_mm.analysis.result_table import PIXELS
from tests.conftest import REPO
from tests.test_tools.test_analysis.tool_loader import load_tool, read_png
from tests.test_tools.test_summarize_results import write, write_robust

vis_results = load_tool('vis_results', 'visualization')

COMMITTED = osp.join(REPO, 'docs', 'figures', 'fashion_mnist_results')
# The README's command (its --title changes no number).
ARGS = [osp.join(REPO, 'docs', 'results', 'fashion_mnist'), '--method', 'plain', '--method', 'uel',
        '--method', 'simclr']


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_the_committed_figure_redraws_from_the_committed_results(tmp_path):
    assert vis_results.main(ARGS + ['--out-dir', str(tmp_path), '--name', 'figure']) == 0
    image = read_png(str(tmp_path / 'figure.png'))
    committed = matplotlib.image.imread(f'{COMMITTED}.png')
    assert image.shape == committed.shape == (783, 1328, 4)
    assert image[..., :3].std() > 0.05  # drawn, not a blank page
    assert osp.getsize(tmp_path / 'figure.svg') > 10_000
    # every plotted number is the committed figure's
    drawn, kept = rows(tmp_path / 'figure.csv'), rows(f'{COMMITTED}.csv')
    assert drawn == kept
    by_row = {(r['panel'], r['method'], r['kind'], r['eps'], r['epochs']): r for r in drawn}
    # Plain's kNN, seeds 0-2 in the JSONs: eps 0 78.89, 79.48, 77.37, CLAE 81.35, 80.78, 81.10;
    # the paired differences 2.46, 1.30, 3.73: mean ± t(0.975, 2) * std / sqrt(3), t = 4.3027
    plain = by_row[('kNN FashionMNIST', 'plain', 'CLAE - baseline', '0.03 - 0', '2 - 2')]
    assert (float(plain['mean']), float(plain['ci95_low']), float(plain['ci95_high'])) == \
        pytest.approx((2.4967, 2.4967 - 4.3027 * 1.2154 / 3 ** 0.5,
                       2.4967 + 4.3027 * 1.2154 / 3 ** 0.5), abs=2e-3)
    assert (plain['above'], plain['below']) == ('3', '0')
    floor = by_row[('kNN FashionMNIST', 'simclr', 'raw pixels', '', '')]
    assert float(floor['mean']) == 80.57
    # SimCLR: its baseline of 2 and of 4 epochs, each paired with CLAE
    assert [(r['eps'], r['epochs']) for r in drawn if r['panel'] == 'LR FashionMNIST'
            and r['method'] == 'simclr' and r['kind'] != 'raw pixels'] == [
        ('0', '2'), ('0.03', '2'), ('0', '4'), ('0.03 - 0', '2 - 2'), ('0.03 - 0', '2 - 4')]


def test_a_folder_without_results_is_a_one_line_error(tmp_path, capsys):
    assert vis_results.main([str(tmp_path), '--out-dir', str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith('error: no knn_eval / linear_eval result under')
    assert error.count('\n') == 1
    assert not osp.exists(tmp_path / 'results.png')


def test_runs_without_a_baseline_are_drawn_without_pairs(tmp_path):
    results = osp.join(REPO, 'docs', 'results', 'fashion_mnist')
    assert vis_results.main([osp.join(results, 'simclr_r18w8_fashion_mnist'),
                             osp.join(results, 'raw_pixels'), '--method', 'simclr',
                             '--out-dir', str(tmp_path)]) == 0
    read_png(str(tmp_path / 'results.png'))
    assert [(r['kind'], r['eps']) for r in rows(tmp_path / 'results.csv')] == [
        ('runs', '0.03'), (PIXELS, ''), ('runs', '0.03'), (PIXELS, '')]


def test_robust_accuracy_columns_become_panels(tmp_path):
    for eps in (0.0, 0.03):
        for seed in (0, 1):
            run = str(tmp_path / f'eps{eps:g}' / f'seed_{seed}')
            write(run, 'linear_eval.json', 'linear_eval', 'simclr', eps, 'FashionMNIST', seed,
                  80.0 + seed + 100 * eps, feature='backbone')
            write_robust(run, eps, seed, (60.0 + seed, 20.0 + 100 * eps), 30.0 + seed)
    assert vis_results.main([str(tmp_path), '--out-dir', str(tmp_path / 'out')]) == 0
    drawn = rows(tmp_path / 'out' / 'results.csv')
    assert list(dict.fromkeys(r['panel'] for r in drawn)) == [
        'LR FashionMNIST', 'LR PGD-20 1/255 FashionMNIST', 'LR PGD-20 4/255 FashionMNIST',
        'LR AutoAttack 2/255 FashionMNIST']
    pgd4 = [r for r in drawn if r['panel'] == 'LR PGD-20 4/255 FashionMNIST'
            and r['kind'] == 'CLAE - baseline']
    assert [(float(r['mean']), r['above'], r['below']) for r in pgd4] == [(3.0, '2', '0')]
