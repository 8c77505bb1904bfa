import json
import os.path as osp

import pytest

from tests.conftest import TINY_ENCODER, load_tool
from tests.test_tools.test_knn_eval import training_history


@pytest.fixture(scope='module')
def linear_tool():
    return load_tool('benchmarks/linear_eval.py')


def linear_eval(tool, run, out, *extra):
    return tool.main([run['config'], run['checkpoint'], '--data-root', run['data_root'],
                      '--cfg-options', *TINY_ENCODER, '--work-dir', str(out) + '.logs',
                      '--out', str(out), '--num-workers', '0', '--no-progress', *extra])


def test_tool_probes_a_trained_checkpoint_and_writes_json(linear_tool, simclr_run, tmp_path):
    out = tmp_path / 'linear.json'
    assert linear_eval(linear_tool, simclr_run, out, '--epochs', '6', '--val-fraction', '0.25') == 0
    with open(out) as f:
        result = json.load(f)
    assert result['result_type'] == 'linear_eval'
    assert (result['method'], result['eps'], result['dataset']) == ('simclr', 0.03, 'CIFAR10')
    assert (result['seed'], result['epoch']) == (0, 2)
    assert result['checkpoint_selection'] is None  # the checkpoint given
    # SimCLR: the pooled backbone feature, Adam 3e-4, batch 256 (the authors' eval_lr.py).
    assert result['feature'] == 'backbone' and result['feature_dim'] == 64
    assert result['probe'] == dict(optimizer='Adam', epochs=6, batch_size=256, lr=3e-4,
                                   weight_decay=0.0, seed=0, eval_interval=1, val_fraction=0.25)
    assert (result['num_train'], result['num_val'], result['num_test']) == (30, 10, 8)
    history = result['history']
    assert [e['epoch'] for e in history] == [1, 2, 3, 4, 5, 6]
    assert result['last_epoch'] == history[-1]
    assert result['best_over_epochs']['top1'] == max(e['top1'] for e in history)
    assert 'test set' in result['best_over_epochs']['selected_on']
    assert result['val_selected']['val_top1'] == max(e['val_top1'] for e in history)
    assert result['wall_time_s'] > 0


def test_arguments_override_the_config(linear_tool, simclr_run, tmp_path):
    out = tmp_path / 'linear.json'
    assert linear_eval(linear_tool, simclr_run, out, '--epochs', '2', '--batch-size', '16',
                       '--lr', '0.01', '--feature', 'embedding', '--no-history') == 0
    with open(out) as f:
        result = json.load(f)
    assert result['feature'] == 'embedding' and result['feature_dim'] == 64
    assert (result['probe']['batch_size'], result['probe']['lr']) == (16, 0.01)
    assert result['history'] is None and result['val_selected'] is None
    assert result['last_epoch']['epoch'] == 2


def test_best_knn_probes_the_checkpoint_the_authors_would(linear_tool, simclr_run, tmp_path):
    """--best-knn on the work dir: the epoch checkpoint of best kNN top-1 in the
    kNN history of the training (ties: the later epoch), and the JSON says so."""
    history = training_history(simclr_run['work_dir'])
    best = max((e for e in history.values() if e['step'] >= 1),
               key=lambda e: (e['knn/top1'], e['step']))
    out = tmp_path / 'linear.json'
    assert linear_eval(linear_tool, dict(simclr_run, checkpoint=simclr_run['work_dir']), out,
                       '--best-knn', '--epochs', '2', '--no-history') == 0
    with open(out) as f:
        result = json.load(f)
    assert result['checkpoint_selection'] == 'best-knn'
    assert result['checkpoint'] == osp.join(simclr_run['work_dir'], f"epoch_{best['step']}.pth")
    assert (result['epoch'], result['max_epochs']) == (best['step'], 2)
    assert result['knn_top1_of_checkpoint'] == best['knn/top1']
