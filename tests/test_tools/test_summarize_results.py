import csv
import io
import json
import os
import os.path as osp

import pytest

from clae_mm.evaluation.result_file import load_results
from tests.conftest import REPO, load_tool

summarize = load_tool('analysis/summarize_results.py')

KNN = dict(k=200, sigma=0.5, num_bank=60000, num_query=10000)
PROBE = dict(probe=dict(epochs=100, lr=3e-4, batch_size=256, weight_decay=0.0),
             num_train=60000, num_test=10000)


def write(root, name, result_type, method, eps, dataset, seed, last, best=None, epoch=100,
          pretrain_dataset=None, feature='embedding', max_epochs='epoch', config=None, **extra):
    """A result JSON as knn_eval.py / linear_eval.py write it."""
    os.makedirs(root, exist_ok=True)
    result = dict(result_type=result_type, method=method, eps=eps, dataset=dataset, seed=seed,
                  epoch=epoch, max_epochs=epoch if max_epochs == 'epoch' else max_epochs,
                  pretrain_dataset=pretrain_dataset or dataset, feature=feature,
                  config=config or f'/configs/{method}_eps{eps:g}.py',
                  last_epoch=dict(top1=last, top5=99.0),
                  best_over_epochs=None if best is None else dict(top1=best, top5=99.5),
                  val_selected=None, **(KNN if result_type == 'knn_eval' else PROBE))
    result.update(extra)
    with open(osp.join(root, name), 'w') as f:
        json.dump(result, f)


def lines_of(capsys):
    return capsys.readouterr().out.splitlines()


@pytest.fixture
def work_dirs(tmp_path):
    """SimCLR eps 0 and CLAE (0.03) on Fashion-MNIST, 3 seeds each: kNN on the
    embedding and the backbone, the probe on the backbone, and the raw-pixel
    kNN (the same in every run dir); a CIFAR-10 Plain run."""
    scores = {0.0: [(75.0, 70.0, 83.0), (76.0, 71.0, 83.5), (77.5, 72.0, 82.0)],
              0.03: [(76.0, 70.5, 84.0), (78.0, 71.5, 84.0), (78.0, 73.0, 83.0)]}
    for eps, per_seed in scores.items():
        for seed, (knn, knn_backbone, lr) in enumerate(per_seed):
            run = str(tmp_path / f'simclr_eps{eps:g}' / f'seed_{seed}')
            write(run, 'knn_eval.json', 'knn_eval', 'simclr', eps, 'FashionMNIST', seed, knn)
            write(run, 'knn_backbone.json', 'knn_eval', 'simclr', eps, 'FashionMNIST', seed,
                  knn_backbone, feature='backbone')
            write(run, 'linear_eval.json', 'linear_eval', 'simclr', eps, 'FashionMNIST', seed,
                  lr, feature='backbone')
            write(run, 'knn_raw_pixels.json', 'knn_eval', 'simclr', eps, 'FashionMNIST', seed,
                  79.5, feature='pixels', feature_dim=784)
    write(str(tmp_path / 'plain'), 'knn_eval.json', 'knn_eval', 'plain', 0.03, 'CIFAR10', 0, 83.1,
          epoch=200)
    with open(tmp_path / 'plain' / 'scalars.json', 'w') as f:  # a log, not a result
        f.write('{"loss": 1}\n{"loss": 2}\n')
    return str(tmp_path)


def test_features_classifiers_and_datasets_get_their_own_columns(work_dirs, capsys):
    assert summarize.main([work_dirs]) == 0
    lines = lines_of(capsys)
    assert lines[0] == ('| Method | eps | epochs | kNN embedding CIFAR10 | kNN embedding '
                        'FashionMNIST | kNN backbone FashionMNIST | kNN pixels FashionMNIST | '
                        'LR backbone FashionMNIST |')
    # mean and sample std (ddof=1) over the seeds, n in every cell
    assert lines[2] == '| Plain | 0.03 | 200 | 83.10 (n=1) | - | - | - | - |'
    assert lines[3] == ('| SimCLR | 0 | 100 | - | 76.17 ± 1.26 (n=3) | 71.00 ± 1.00 (n=3) | - | '
                        '82.83 ± 0.76 (n=3) |')
    assert lines[4] == ('| SimCLR | 0.03 | 100 | - | 77.33 ± 1.15 (n=3) | 71.67 ± 1.26 (n=3) | - '
                        '| 83.67 ± 0.58 (n=3) |')
    # CLAE - baseline per seed: kNN (1, 2, 0.5), kNN backbone (0.5, 0.5, 1), LR (1, 0.5, 1);
    # the 95 % CI is mean ± t(0.975, 2) std / sqrt(3), t = 4.3027: kNN 1.1667 ± 1.8973
    assert lines[5] == ('| SimCLR: CLAE - baseline | 0.03 - 0 | 100 - 100 | - | +1.17 ± 0.76 '
                        '(n=3), CI [-0.73, +3.06], 3+/0- | +0.67 ± 0.29 (n=3), CI [-0.05, '
                        '+1.38], 3+/0- | - | +0.83 ± 0.29 (n=3), CI [+0.12, +1.55], 3+/0- |')
    # the raw-pixel kNN under SimCLR's protocol is its own row, one measurement however
    # many run dirs hold it
    assert lines[6] == '| SimCLR: raw pixels | - | - | - | - | - | 79.50 (n=1) | - |'
    assert len([line for line in lines if line.startswith('|')]) == 7
    assert 'last epoch' in lines[-2] and 'n runs per cell' in lines[-2]
    assert lines[-1].startswith('Made at: commit not recorded')


def test_raw_pixels_never_fill_the_encoders_cell(tmp_path, capsys):
    """The demo's work dir: one run with its encoder kNN and the raw-pixel kNN
    (which scored higher); the encoder's cell shows the encoder's score."""
    write(str(tmp_path), 'knn_eval.json', 'knn_eval', 'simclr', 0.03, 'FashionMNIST', 0, 74.50)
    write(str(tmp_path), 'knn_raw_pixels.json', 'knn_eval', 'simclr', 0.03, 'FashionMNIST', 0,
          75.49, feature='pixels', feature_dim=784, epoch=100)
    assert summarize.main([str(tmp_path)]) == 0
    lines = lines_of(capsys)
    assert lines[0] == ('| Method | eps | epochs | kNN embedding FashionMNIST | '
                        'kNN pixels FashionMNIST |')
    assert lines[2] == '| SimCLR | 0.03 | 100 | 74.50 (n=1) | - |'
    assert lines[3] == '| SimCLR: raw pixels | - | - | - | 75.49 (n=1) |'


def test_paired_differences_use_only_the_seeds_both_rows_have(tmp_path, capsys):
    for seed, value in enumerate([70.0, 72.0]):
        write(str(tmp_path / f'base_{seed}'), 'knn_eval.json', 'knn_eval', 'uel', 0.0, 'CIFAR10',
              seed, value)
    for seed, value in [(0, 71.0), (1, 75.0), (2, 90.0)]:
        write(str(tmp_path / f'clae_{seed}'), 'knn_eval.json', 'knn_eval', 'uel', 0.03,
              'CIFAR10', seed, value)
    assert summarize.main([str(tmp_path)]) == 0
    lines = lines_of(capsys)
    assert lines[2] == '| UEL | 0 | 100 | 71.00 ± 1.41 (n=2) |'
    assert lines[3] == '| UEL | 0.03 | 100 | 78.67 ± 10.02 (n=3) |'
    # seeds 0 and 1: differences 1 and 3 (seed 2 has no baseline); CI 2 ± t(0.975, 1) = 12.71
    assert lines[4] == ('| UEL: CLAE - baseline | 0.03 - 0 | 100 - 100 | +2.00 ± 1.41 (n=2), '
                        'CI [-10.71, +14.71], 2+/0- |')


def test_a_compute_matched_baseline_is_its_own_row_and_pair(work_dirs, capsys):
    for seed, value in enumerate([78.0, 79.0, 80.0]):
        write(osp.join(work_dirs, 'simclr_eps0_long', f'seed_{seed}'), 'knn_eval.json',
              'knn_eval', 'simclr', 0.0, 'FashionMNIST', seed, value, epoch=180,
              config='/configs/simclr_eps0_long.py')
    assert summarize.main([work_dirs]) == 0
    lines = [line.split(' | ')[:4] for line in lines_of(capsys) if line.startswith('| SimCLR')]
    assert lines == [['| SimCLR', '0', '100', '-'], ['| SimCLR', '0.03', '100', '-'],
                     ['| SimCLR', '0', '180', '-'],
                     ['| SimCLR: CLAE - baseline', '0.03 - 0', '100 - 100', '-'],
                     ['| SimCLR: CLAE - baseline', '0.03 - 0', '100 - 180', '-'],
                     ['| SimCLR: raw pixels', '-', '-', '-']]
    capsys.readouterr()
    summarize.main([work_dirs])
    out = capsys.readouterr().out
    # CLAE (76, 78, 78) - long baseline (78, 79, 80) on the embedding kNN: every seed below
    assert ('| SimCLR: CLAE - baseline | 0.03 - 0 | 100 - 180 | - | -1.67 ± 0.58 (n=3), '
            'CI [-3.10, -0.23], 0+/3- |') in out


def test_a_probe_of_the_best_knn_checkpoint_gets_its_own_column(tmp_path, capsys):
    write(str(tmp_path), 'linear_eval.json', 'linear_eval', 'plain', 0.03, 'CIFAR10', 0, 80.0)
    write(str(tmp_path), 'linear_eval_best_knn.json', 'linear_eval', 'plain', 0.03, 'CIFAR10', 0,
          81.0, epoch=87, max_epochs=100, checkpoint_selection='best-knn')
    assert summarize.main([str(tmp_path)]) == 0
    lines = lines_of(capsys)
    assert lines[0] == ('| Method | eps | epochs | LR embedding CIFAR10 | '
                        'LR embedding CIFAR10 (best-kNN checkpoint) |')
    assert lines[2] == '| Plain | 0.03 | 100 | 80.00 (n=1) | 81.00 (n=1) |'


def test_raw_pixels_form_a_row_per_method_protocol(tmp_path, capsys):
    # Raw-pixel kNN under the sigma of two methods' configs: a row each.
    write(str(tmp_path / 'a'), 'pixels.json', 'knn_eval', 'simclr', 0.0, 'CIFAR10', 0, 40.0,
          feature='pixels', feature_dim=3072)
    write(str(tmp_path / 'b'), 'pixels.json', 'knn_eval', 'plain', 0.0, 'CIFAR10', 0, 38.0,
          feature='pixels', feature_dim=3072, sigma=0.1)
    assert summarize.main([str(tmp_path)]) == 0
    lines = lines_of(capsys)
    assert lines[0] == '| Method | eps | epochs | kNN pixels CIFAR10 |'
    assert lines[2:4] == ['| Plain: raw pixels | - | - | 38.00 (n=1) |',
                          '| SimCLR: raw pixels | - | - | 40.00 (n=1) |']


def test_different_classifier_settings_in_one_row_split_the_column(tmp_path, capsys):
    # A run scored with the config's k and again with --k 20: two classifiers.
    write(str(tmp_path), 'knn_eval.json', 'knn_eval', 'uel', 0.0, 'CIFAR10', 0, 70.0)
    write(str(tmp_path), 'knn_eval_k20.json', 'knn_eval', 'uel', 0.0, 'CIFAR10', 0, 68.0, k=20)
    assert summarize.main([str(tmp_path)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == ('| Method | eps | epochs | kNN embedding CIFAR10 (k=20) | '
                        'kNN embedding CIFAR10 (k=200) |')
    assert lines[2] == '| UEL | 0 | 100 | 68.00 (n=1) | 70.00 (n=1) |'
    assert 'repeats' not in captured.err


def test_rows_per_config_and_a_warning_when_configs_share_a_row(tmp_path, capsys):
    write(str(tmp_path / 'r18'), 'knn_eval.json', 'knn_eval', 'simclr', 0.03, 'CIFAR100', 0, 60.0,
          config='/c/simclr_r18_cifar100.py')
    write(str(tmp_path / 'r50'), 'knn_eval.json', 'knn_eval', 'simclr', 0.03, 'CIFAR100', 0, 64.0,
          config='/c/simclr_r50_cifar100.py')
    assert summarize.main([str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert '62.00 ± 2.83 (n=2)' in captured.out
    assert 'simclr_r18_cifar100, simclr_r50_cifar100' in captured.err
    assert '--rows config' in captured.err
    assert summarize.main([str(tmp_path), '--rows', 'config']) == 0
    lines = lines_of(capsys)
    assert lines[0] == '| Method | eps | epochs | config | kNN embedding CIFAR100 |'
    assert lines[2:4] == ['| SimCLR | 0.03 | 100 | simclr_r18_cifar100 | 60.00 (n=1) |',
                          '| SimCLR | 0.03 | 100 | simclr_r50_cifar100 | 64.00 (n=1) |']


def test_csv_has_every_row_with_mean_std_and_n(work_dirs, capsys):
    assert summarize.main([work_dirs, '--format', 'csv']) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r['row'], r['method'], r['eps'], r['epochs']) for r in rows] == [
        ('runs', 'Plain', '0.03', '200'), ('runs', 'SimCLR', '0', '100'),
        ('runs', 'SimCLR', '0.03', '100'), ('CLAE - baseline', 'SimCLR', '0.03 - 0', '100 - 100'),
        ('raw pixels', 'SimCLR', '-', '-')]
    simclr, difference, pixels = rows[1], rows[3], rows[4]
    assert float(simclr['kNN embedding FashionMNIST mean']) == pytest.approx(76.1667, abs=1e-4)
    assert float(simclr['kNN embedding FashionMNIST std']) == pytest.approx(1.2583, abs=1e-4)
    assert simclr['kNN embedding FashionMNIST n'] == '3'
    assert float(difference['LR backbone FashionMNIST mean']) == pytest.approx(0.8333, abs=1e-4)
    assert difference['LR backbone FashionMNIST n'] == '3'
    # the 95 % CI of every cell; the seeds of each sign only for the differences
    low, high = (float(difference[f'LR backbone FashionMNIST ci95_{end}'])
                 for end in ('low', 'high'))
    assert (low, high) == pytest.approx((0.1162, 1.5505), abs=1e-4)
    assert (difference['LR backbone FashionMNIST above'],
            difference['LR backbone FashionMNIST below']) == ('3', '0')
    assert float(simclr['kNN embedding FashionMNIST ci95_low']) == pytest.approx(73.0409, abs=1e-4)
    assert simclr['kNN embedding FashionMNIST above'] == ''
    assert pixels['kNN pixels FashionMNIST ci95_low'] == ''  # one value: no interval
    assert pixels['kNN pixels FashionMNIST mean'] == '79.5000'
    assert pixels['kNN pixels FashionMNIST n'] == '1'
    assert pixels['kNN embedding FashionMNIST n'] == '0'


def test_best_over_epochs_skips_results_without_it(work_dirs, capsys):
    write(osp.join(work_dirs, 'simclr_eps0', 'seed_0'), 'knn_eval.json', 'knn_eval', 'simclr',
          0.0, 'FashionMNIST', 0, 75.0, best=76.0)
    assert summarize.main([work_dirs, '--score', 'best']) == 0
    captured = capsys.readouterr()
    assert '| SimCLR | 0 | 100 | 76.00 (n=1) |' in captured.out
    assert "no 'best_over_epochs' score" in captured.err


def test_a_repeated_run_counts_once(work_dirs, capsys):
    write(osp.join(work_dirs, 'simclr_eps0', 'seed_0'), 'knn_eval_epoch_50.json', 'knn_eval',
          'simclr', 0.0, 'FashionMNIST', 0, 10.0, epoch=50, max_epochs=100)
    assert summarize.main([work_dirs]) == 0
    captured = capsys.readouterr()
    assert '76.17 ± 1.26 (n=3)' in captured.out  # the epoch-100 result of seed 0 counts
    assert 'knn_eval_epoch_50.json repeats the run' in captured.err


def test_transferred_encoders_get_their_own_columns(tmp_path, capsys):
    write(str(tmp_path / 'a'), 'linear_eval.json', 'linear_eval', 'simclr', 0.0, 'CIFAR10', 0,
          82.0)
    write(str(tmp_path / 'b'), 'linear_eval.json', 'linear_eval', 'simclr', 0.0, 'CIFAR10', 0,
          70.0, pretrain_dataset='ImageNet100')
    assert summarize.main([str(tmp_path)]) == 0
    lines = lines_of(capsys)
    assert lines[0].endswith('| LR embedding CIFAR10 | LR embedding ImageNet100->CIFAR10 |')
    assert lines[2].endswith('| 82.00 (n=1) | 70.00 (n=1) |')


def test_results_without_max_epochs_use_the_scored_epoch(tmp_path, capsys):
    write(str(tmp_path), 'knn_eval.json', 'knn_eval', 'uel', 0.0, 'CIFAR10', 0, 70.0, epoch=50,
          max_epochs=None)
    assert summarize.main([str(tmp_path)]) == 0
    assert lines_of(capsys)[2] == '| UEL | 0 | 50 | 70.00 (n=1) |'


def test_no_results_is_an_error(tmp_path, capsys):
    assert summarize.main([str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith('error: no knn_eval / linear_eval result')


def test_method_filter_keeps_only_that_methods_rows(work_dirs, capsys):
    assert summarize.main([str(work_dirs), '--method', 'simclr']) == 0
    out = capsys.readouterr().out
    assert '| SimCLR |' in out and 'SimCLR: CLAE - baseline' in out
    assert 'Plain' not in out and 'CIFAR10' not in out
    assert summarize.main([str(work_dirs), '--method', 'uel']) == 2
    assert capsys.readouterr().err.startswith('error: no result of uel under')


def write_run_time(root, config, seed, total_s, train_s=None, **extra):
    """run_time.json as tools/benchmarks/run_seeds.sh writes it beside a run's results."""
    train_s = total_s - 60.0 if train_s is None else train_s
    data = dict(result_type='run_time', config=config, seed=seed, host_cpus=2, train_s=train_s,
                score_s=round(total_s - train_s, 1), total_s=total_s, **extra)
    with open(osp.join(root, 'run_time.json'), 'w') as f:
        json.dump(data, f, indent=2)


def test_run_times_of_the_rows_folders_fill_a_last_column(work_dirs, capsys):
    """Seeds 0-2 of eps 0 and seeds 0-1 of eps 0.03 recorded their wall time;
    seed 2 of eps 0.03 and the Plain run did not."""
    for eps, totals in [(0.0, [450.0, 474.0, 498.0]), (0.03, [600.0, 612.0])]:
        for seed, total in enumerate(totals):
            write_run_time(osp.join(work_dirs, f'simclr_eps{eps:g}', f'seed_{seed}'),
                           f'simclr_eps{eps:g}', seed, total)
    assert summarize.main([work_dirs]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == ('| Method | eps | epochs | kNN embedding CIFAR10 | kNN embedding '
                        'FashionMNIST | kNN backbone FashionMNIST | kNN pixels FashionMNIST | '
                        'LR backbone FashionMNIST | train + score (min) |')
    assert lines[1] == '|' + '---|' * 9
    # the scores are those without run times; minutes: 7.5, 7.9, 8.3 and 10.0, 10.2
    assert lines[2] == '| Plain | 0.03 | 200 | 83.10 (n=1) | - | - | - | - | - |'
    assert lines[3] == ('| SimCLR | 0 | 100 | - | 76.17 ± 1.26 (n=3) | 71.00 ± 1.00 (n=3) | - | '
                        '82.83 ± 0.76 (n=3) | 7.9 ± 0.4 (n=3) |')
    assert lines[4] == ('| SimCLR | 0.03 | 100 | - | 77.33 ± 1.15 (n=3) | 71.67 ± 1.26 (n=3) | - '
                        '| 83.67 ± 0.58 (n=3) | 10.1 ± 0.1 (n=2) |')
    assert lines[5] == ('| SimCLR: CLAE - baseline | 0.03 - 0 | 100 - 100 | - | +1.17 ± 0.76 '
                        '(n=3), CI [-0.73, +3.06], 3+/0- | +0.67 ± 0.29 (n=3), CI [-0.05, '
                        '+1.38], 3+/0- | - | +0.83 ± 0.29 (n=3), CI [+0.12, +1.55], 3+/0- | - |')
    assert lines[6] == '| SimCLR: raw pixels | - | - | - | - | - | 79.50 (n=1) | - | - |'
    assert len([line for line in lines if line.startswith('|')]) == 7
    # the score note stays as it was; the time note follows it
    assert 'last epoch' in lines[-3] and 'n runs per cell' in lines[-3]
    assert lines[-2].startswith('train + score (min): wall time of training plus both scores')
    assert 'run_seeds.sh' in lines[-2]
    assert captured.err == ''


def test_run_time_files_are_never_results(tmp_path, capsys):
    run = str(tmp_path / 'seed_0')
    write(run, 'knn_eval.json', 'knn_eval', 'uel', 0.0, 'CIFAR10', 0, 70.0)
    write_run_time(run, 'uel_eps0', 0, 300.0)
    alone = str(tmp_path / 'no_results')  # a run time without results: no row
    os.makedirs(alone)
    write_run_time(alone, 'uel_eps0', 1, 900.0)
    results = load_results([str(tmp_path)])
    assert [osp.basename(r['result_file']) for r in results] == ['knn_eval.json']
    assert summarize.main([str(tmp_path)]) == 0
    lines = lines_of(capsys)
    assert lines[0] == '| Method | eps | epochs | kNN embedding CIFAR10 | train + score (min) |'
    assert lines[2] == '| UEL | 0 | 100 | 70.00 (n=1) | 5.0 (n=1) |'
    assert len([line for line in lines if line.startswith('|')]) == 3
    # only run times: still no result
    assert summarize.main([alone]) == 2
    assert capsys.readouterr().err.startswith('error: no knn_eval / linear_eval result')


def test_without_run_times_the_table_has_no_time_column(tmp_path, capsys):
    write(str(tmp_path), 'knn_eval.json', 'knn_eval', 'uel', 0.0, 'CIFAR10', 0, 70.0)
    assert summarize.main([str(tmp_path)]) == 0
    lines = lines_of(capsys)
    assert lines[0] == '| Method | eps | epochs | kNN embedding CIFAR10 |'
    assert not any('train + score' in line for line in lines)
    assert summarize.main([str(tmp_path), '--format', 'csv']) == 0
    assert 'train + score' not in capsys.readouterr().out


def test_run_times_match_their_rows_by_folder(tmp_path, capsys):
    """Runs of two training lengths and --rows config: each row gets the run
    times of its own folders; a folder of results given as files counts too."""
    for seed, total in [(0, 120.0), (1, 180.0)]:
        run = str(tmp_path / 'short' / f'seed_{seed}')
        write(run, 'knn_eval.json', 'knn_eval', 'simclr', 0.0, 'FashionMNIST', seed, 70.0,
              epoch=50, config='/c/short.py')
        write_run_time(run, 'short', seed, total)
    long_run = str(tmp_path / 'long' / 'seed_0')
    write(long_run, 'knn_eval.json', 'knn_eval', 'simclr', 0.0, 'FashionMNIST', 0, 75.0,
          epoch=200, config='/c/long.py')
    write_run_time(long_run, 'long', 0, 1500.0)
    assert summarize.main([str(tmp_path), '--rows', 'config']) == 0
    lines = lines_of(capsys)
    assert lines[0].endswith('| config | kNN embedding FashionMNIST | train + score (min) |')
    assert lines[2] == '| SimCLR | 0 | 50 | short | 70.00 ± 0.00 (n=2) | 2.5 ± 0.7 (n=2) |'
    assert lines[3] == '| SimCLR | 0 | 200 | long | 75.00 (n=1) | 25.0 (n=1) |'
    assert summarize.main([osp.join(long_run, 'knn_eval.json')]) == 0
    assert lines_of(capsys)[2] == '| SimCLR | 0 | 200 | 75.00 (n=1) | 25.0 (n=1) |'


def test_csv_has_the_run_time_columns(work_dirs, capsys):
    for seed, total in enumerate([450.0, 474.0, 498.0]):
        write_run_time(osp.join(work_dirs, 'simclr_eps0', f'seed_{seed}'), 'simclr_eps0', seed,
                       total)
    assert summarize.main([work_dirs, '--format', 'csv']) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith(','.join(
        f'train + score (min) {part}'
        for part in ('mean', 'std', 'n', 'ci95_low', 'ci95_high', 'above', 'below')))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r['row'], r['eps'], r['train + score (min) n']) for r in rows] == [
        ('runs', '0.03', '0'), ('runs', '0', '3'), ('runs', '0.03', '0'),
        ('CLAE - baseline', '0.03 - 0', '0'), ('raw pixels', '-', '0')]
    baseline = rows[1]
    assert float(baseline['train + score (min) mean']) == pytest.approx(7.9)
    assert float(baseline['train + score (min) std']) == pytest.approx(0.4)
    assert rows[0]['train + score (min) mean'] == ''
    # the score columns are unchanged
    assert float(baseline['kNN embedding FashionMNIST mean']) == pytest.approx(76.1667, abs=1e-4)


def test_a_repeated_or_broken_run_time_is_warned_about(tmp_path, capsys):
    first, again = str(tmp_path / 'a' / 'seed_0'), str(tmp_path / 'b' / 'seed_0')
    for run in (first, again):
        write(run, 'knn_eval.json', 'knn_eval', 'uel', 0.0, 'CIFAR10', 0, 70.0)
    write_run_time(first, 'uel_eps0', 0, 600.0)
    write_run_time(again, 'uel_eps0', 0, 300.0)
    os.utime(osp.join(first, 'run_time.json'), (1, 1))  # the older one
    broken = str(tmp_path / 'c' / 'seed_1')
    write(broken, 'knn_eval.json', 'knn_eval', 'uel', 0.0, 'CIFAR10', 1, 72.0)
    with open(osp.join(broken, 'run_time.json'), 'w') as f:
        f.write('{"result_type": "run_time", "total_s": null}')
    assert summarize.main([str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert '| UEL | 0 | 100 | 71.00 ± 1.41 (n=2) | 5.0 (n=1) |' in captured.out
    assert f"{osp.join(first, 'run_time.json')} repeats the run time of" in captured.err
    assert f"{osp.join(broken, 'run_time.json')} is not a run time" in captured.err


def write_robust(root, eps, seed, pgd, autoattack):
    """A result as robust_eval.py writes it: the probe's top-1 under PGD-20 and AutoAttack."""
    os.makedirs(root, exist_ok=True)
    with open(osp.join(root, 'robust_eval.json'), 'w') as f:
        json.dump(dict(result_type='robust_eval', method='simclr', eps=eps, dataset='FashionMNIST',
                       pretrain_dataset='FashionMNIST', seed=seed, epoch=100, max_epochs=100,
                       feature='backbone', config=f'/configs/simclr_eps{eps:g}.py',
                       probe=PROBE['probe'], num_train=60000, num_test=10000,
                       attack=dict(pgd_steps=20), clean_top1=83.0,
                       pgd={'1/255': pgd[0], '4/255': pgd[1]},
                       autoattack=dict(eps_255=2.0, indices=list(range(100)), top1=autoattack)),
                  f)


def test_robust_accuracy_gets_a_column_per_attack_and_radius(tmp_path, capsys):
    for eps, per_seed in {0.0: [(60.0, 20.0, 30.0), (62.0, 22.0, 31.0)],
                          0.03: [(63.0, 21.0, 33.0), (64.0, 25.0, 32.0)]}.items():
        for seed, (pgd1, pgd4, autoattack) in enumerate(per_seed):
            run = str(tmp_path / f'eps{eps:g}' / f'seed_{seed}')
            write(run, 'linear_eval.json', 'linear_eval', 'simclr', eps, 'FashionMNIST', seed,
                  83.0, feature='backbone')
            write_robust(run, eps, seed, (pgd1, pgd4), autoattack)
    assert summarize.main([str(tmp_path)]) == 0
    lines = lines_of(capsys)
    assert lines[0] == ('| Method | eps | epochs | LR backbone FashionMNIST | LR PGD-20 1/255 '
                        'backbone FashionMNIST | LR PGD-20 4/255 backbone FashionMNIST | LR '
                        'AutoAttack 2/255 backbone FashionMNIST |')
    assert lines[3] == ('| SimCLR | 0.03 | 100 | 83.00 ± 0.00 (n=2) | 63.50 ± 0.71 (n=2) | '
                        '23.00 ± 2.83 (n=2) | 32.50 ± 0.71 (n=2) |')
    # paired by seed: PGD 1/255 (3, 2), 4/255 (1, 3), AutoAttack (3, 1)
    assert lines[4].startswith('| SimCLR: CLAE - baseline | 0.03 - 0 | 100 - 100 | +0.00 ± 0.00 '
                               '(n=2), CI [+0.00, +0.00], 0+/0- | +2.50 ± 0.71 (n=2)')
    assert 'LR PGD-s e/255, LR AutoAttack e/255: top-1 of the linear probe' in lines[-2]
    # no best epoch for a robust accuracy: skipped, said so
    assert summarize.main([str(tmp_path), '--score', 'best']) == 2
    assert "robust_eval.json is a robust accuracy" in capsys.readouterr().err


def test_results_of_several_commits_are_refused_unless_allowed(tmp_path, capsys):
    for seed, commit in enumerate(['a' * 40, 'a' * 40, 'b' * 40]):
        for eps in (0.0, 0.03):
            write(str(tmp_path / f'eps{eps:g}_{seed}'), 'knn_eval.json', 'knn_eval', 'simclr', eps,
                  'FashionMNIST', seed, 75.0 + seed + 10 * eps,
                  provenance=dict(commit=commit, dirty=seed == 1))
    assert summarize.main([str(tmp_path)]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and 'the results come from 3 commits' in error[0]
    assert 'bbbbbbbbbbbb: simclr_eps0 seed 2, simclr_eps0.03 seed 2' in error[0]
    assert '--allow-mixed-commits' in error[0]
    assert summarize.main([str(tmp_path), '--allow-mixed-commits']) == 0
    assert lines_of(capsys)[-1] == ('Made at: commit aaaaaaaaaaaa (2 runs), commit aaaaaaaaaaaa '
                                    '(dirty tree) (2 runs), commit bbbbbbbbbbbb (2 runs).')


def test_the_committed_tables_are_what_the_summarizer_prints(capsys):
    """Every Fashion-MNIST table in the README and the docs, re-printed from the committed
    results by the command written above it, row for row."""
    import re
    documents = ['README.md', 'configs/fashion_mnist/README.md', 'docs/experiments.md']
    checked = 0
    for document in documents:
        with open(osp.join(REPO, document)) as f:
            text = f.read()
        for methods in set(re.findall(r'summarize_results\.py docs/results/fashion_mnist'
                                      r'((?:\s+--method \w+)+)', text)):
            argv = ['docs/results/fashion_mnist', *methods.split()]
            assert summarize.main([osp.join(REPO, argv[0]), *argv[1:]]) == 0
            rows = [line for line in lines_of(capsys) if line.startswith('|')]
            assert '\n'.join(rows) in text, f'{document}: the table of {methods.strip()}'
            checked += 1
    assert checked >= 5
