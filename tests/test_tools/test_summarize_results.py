import csv
import importlib.util
import io
import json
import os
import os.path as osp

import pytest

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location(
    'summarize_results_tool', osp.join(REPO, 'tools', 'analysis', 'summarize_results.py'))
summarize = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(summarize)


def write(root, name, result_type, method, eps, dataset, seed, last, best=None, epoch=100,
          pretrain_dataset=None):
    os.makedirs(root, exist_ok=True)
    result = dict(result_type=result_type, method=method, eps=eps, dataset=dataset, seed=seed,
                  epoch=epoch, pretrain_dataset=pretrain_dataset or dataset,
                  last_epoch=dict(top1=last, top5=99.0),
                  best_over_epochs=None if best is None else dict(top1=best, top5=99.5),
                  val_selected=None)
    with open(osp.join(root, name), 'w') as f:
        json.dump(result, f)


@pytest.fixture
def work_dirs(tmp_path):
    for seed, (knn, lr, best) in enumerate([(75.0, 83.0, 76.0), (76.0, 83.5, 76.5),
                                            (77.5, 82.0, 78.0)]):
        run = str(tmp_path / 'simclr_eps0' / f'seed_{seed}')
        write(run, 'knn_eval.json', 'knn_eval', 'simclr', 0.0, 'CIFAR10', seed, knn, best)
        write(run, 'linear_eval.json', 'linear_eval', 'simclr', 0.0, 'CIFAR10', seed, lr)
    for seed, value in enumerate([55.0, 56.0]):
        write(str(tmp_path / 'simclr_c100' / f'seed_{seed}'), 'linear_eval.json', 'linear_eval',
              'simclr', 0.03, 'CIFAR100', seed, value)
    write(str(tmp_path / 'plain'), 'knn_eval.json', 'knn_eval', 'plain', 0.03, 'CIFAR10', 0, 83.1)
    with open(tmp_path / 'plain' / 'scalars.json', 'w') as f:  # a log, not a result
        f.write('{"loss": 1}\n{"loss": 2}\n')
    return str(tmp_path)


def test_markdown_table_has_means_and_sample_stds(work_dirs, capsys):
    assert summarize.main([work_dirs]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == '| Method | eps | kNN CIFAR10 | LR CIFAR10 | LR CIFAR100 |'
    # mean and sample std (ddof=1) of (75, 76, 77.5) and of (83, 83.5, 82); (55, 56).
    assert lines[2] == '| Plain | 0.03 | 83.10 (n=1) | - | - |'
    assert lines[3] == '| SimCLR | 0 | 76.17 ± 1.26 | 82.83 ± 0.76 | - |'
    assert lines[4] == '| SimCLR | 0.03 | - | - | 55.50 ± 0.71 |'
    assert 'last epoch' in lines[-1]


def test_best_over_epochs_and_csv(work_dirs, capsys):
    assert summarize.main([work_dirs, '--score', 'best', '--format', 'csv']) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    simclr = next(r for r in rows if r['method'] == 'SimCLR' and r['eps'] == '0')
    assert float(simclr['kNN CIFAR10 mean']) == pytest.approx(76.8333, abs=1e-4)
    assert float(simclr['kNN CIFAR10 std']) == pytest.approx(1.0408, abs=1e-4)
    assert simclr['kNN CIFAR10 n'] == '3'
    assert "no 'best_over_epochs' score" in captured.err  # linear results here have none


def test_a_repeated_run_counts_once(work_dirs, capsys):
    write(osp.join(work_dirs, 'simclr_eps0', 'seed_0'), 'knn_eval_epoch_50.json', 'knn_eval',
          'simclr', 0.0, 'CIFAR10', 0, 10.0, epoch=50)
    assert summarize.main([work_dirs]) == 0
    captured = capsys.readouterr()
    assert '76.17 ± 1.26' in captured.out  # the epoch-100 result of seed 0 counts
    assert 'knn_eval_epoch_50.json repeats the run' in captured.err


def test_transferred_encoders_get_their_own_columns(work_dirs, capsys):
    write(osp.join(work_dirs, 'transfer'), 'linear_eval.json', 'linear_eval', 'simclr', 0.0,
          'CIFAR10', 0, 70.0, pretrain_dataset='ImageNet100')
    assert summarize.main([work_dirs]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith('| LR CIFAR10 | LR CIFAR100 | LR ImageNet100->CIFAR10 |')
    assert lines[3].endswith('| 82.83 ± 0.76 | - | 70.00 (n=1) |')


def test_no_results_is_an_error(tmp_path, capsys):
    assert summarize.main([str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith('error: no knn_eval / linear_eval result')
