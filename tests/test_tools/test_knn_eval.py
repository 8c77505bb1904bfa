import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from tests.conftest import REPO, TINY_ENCODER, load_tool, tool_env
from tests.data_utils import make_cifar


@pytest.fixture(scope='module')
def knn_tool():
    return load_tool('benchmarks/knn_eval.py')


def knn_eval(tool, run, out, *extra, checkpoint=None, config=None, options=()):
    return tool.main([config or run['config'], checkpoint or run['checkpoint'],
                      '--data-root', run['data_root'], '--cfg-options', *TINY_ENCODER, *options,
                      '--work-dir', osp.join(osp.dirname(str(out)), 'eval'),
                      '--out', str(out), '--num-workers', '0', '--no-progress', *extra])


def training_history(work_dir):
    """{epoch: entry} of the kNN validations of the training (KNNEvalHook)."""
    with open(osp.join(work_dir, 'knn_history.json')) as f:
        return {e['step']: e for e in json.load(f)}


def test_tool_scores_a_trained_checkpoint_as_the_online_hook_did(knn_tool, simclr_run, tmp_path):
    assert knn_eval(knn_tool, simclr_run, tmp_path / 'knn.json') == 0
    with open(tmp_path / 'knn.json') as f:
        result = json.load(f)
    assert result['result_type'] == 'knn_eval'
    assert result['checkpoint'] == simclr_run['checkpoint']
    assert result['config'] == simclr_run['config']
    made = result['provenance']  # what made it: code, config, command, libraries, machine, time
    assert made['commit'] == subprocess.run(['git', '-C', REPO, 'rev-parse', 'HEAD'],
                                            capture_output=True, text=True).stdout.strip()
    assert isinstance(made['dirty'], bool) and len(made['config_sha256']) == 64
    assert made['config'] == 'configs/clae/simclr_r18_cifar10.py'
    assert made['command'].startswith('main(argv): ') and '--cfg-options' in made['command']
    assert {'torch', 'torchvision', 'mmengine', 'mmpretrain', 'mmcv'} <= set(made['libraries'])
    assert made['device'] and made['torch_threads'] >= 1
    assert made['started'] <= made['finished']
    assert (result['method'], result['eps'], result['dataset'], result['pretrain_dataset']) == \
        ('simclr', 0.03, 'CIFAR10', 'CIFAR10')
    assert (result['seed'], result['epoch']) == (0, 2)
    # SimCLR: the projection output with sigma 0.5 (the authors' eval_knn.py).
    assert (result['feature'], result['k'], result['sigma']) == ('embedding', 200, 0.5)
    assert (result['num_bank'], result['num_query']) == (40, 8)  # no image dropped or repeated
    assert result['wall_time_s'] > 0

    history = training_history(simclr_run['work_dir'])  # the validation during training
    assert sorted(history) == [1, 2]
    last = result['last_epoch']
    assert (last['epoch'], last['top1'], last['top5']) == \
        (2, history[2]['knn/top1'], history[2]['knn/top5'])
    best = result['best_over_epochs']
    assert best['top1'] == max(e['knn/top1'] for e in history.values())
    assert 'test set' in best['selected_on']


def test_work_dir_scores_every_saved_epoch(knn_tool, simclr_run, tmp_path):
    out = tmp_path / 'all.json'
    assert knn_eval(knn_tool, simclr_run, out, '--val-fraction', '0.25',
                    checkpoint=simclr_run['work_dir']) == 0
    with open(out) as f:
        result = json.load(f)
    assert [e['epoch'] for e in result['epochs']] == [1, 2]
    assert all(e['source'] == 'this tool' and e['val_top1'] is not None for e in result['epochs'])
    assert result['num_bank'] == 30 and result['num_val'] == 10
    assert result['val_selected']['val_top1'] == max(e['val_top1'] for e in result['epochs'])


def test_checkpoint_of_another_architecture_stops_the_tool(knn_tool, simclr_run, tmp_path, capsys):
    """A model with plain BNs: the dual-BN checkpoint must not be scored with half of its keys
    missing."""
    assert knn_eval(knn_tool, simclr_run, tmp_path / 'x.json',
                    options=['model.backbone.type=ResNet_CIFAR']) == 2
    error = capsys.readouterr().err
    assert error.startswith('error: checkpoint') and 'missing keys' in error
    assert 'unexpected keys' in error and '.clean.' in error
    assert not osp.exists(tmp_path / 'x.json')


def test_outputs_go_to_the_work_dir_named_by_protocol_never_over_an_earlier_one(
        knn_tool, simclr_run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        assert knn_tool.main([simclr_run['checkpoint'], '--num-workers', '0', '--no-progress',
                              '--extract-batch-size', '16']) == 0
    work_dir = tmp_path / 'work_dirs' / 'simclr_r18_cifar10' / 'knn_eval'
    first, second = (work_dir / 'knn_eval_embedding_k200_sigma0.5_test_epoch_2.json',
                     work_dir / 'knn_eval_embedding_k200_sigma0.5_test_epoch_2_2.json')
    with open(first) as f, open(second) as g:
        assert json.load(f)['num_bank'] == json.load(g)['num_bank'] == 40
    assert not any(name.endswith('.json') and name != 'knn_history.json'
                   for name in os.listdir(simclr_run['work_dir']))


def test_two_processes_score_exactly_as_one(knn_tool, simclr_run, tmp_path):
    """45 train / 9 test images on 2 ranks: every image once (no sampler
    padding), same scores as one process; the validation split, which
    indexes the gathered bank, must match too."""
    run = dict(simclr_run, data_root=make_cifar(str(tmp_path / 'odd'), num_per_file=9))
    assert knn_eval(knn_tool, run, tmp_path / 'one.json', '--val-fraction', '0.2') == 0
    proc = subprocess.run(  # torchrun and its two ranks
        [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2',
         osp.join(REPO, 'tools/benchmarks/knn_eval.py'), run['config'], run['checkpoint'],
         '--data-root', run['data_root'], '--cfg-options', *TINY_ENCODER,
         '--work-dir', str(tmp_path / 'eval'),
         '--out', str(tmp_path / 'two.json'), '--num-workers', '0', '--no-progress',
         '--val-fraction', '0.2', '--launcher', 'pytorch'],
        cwd=REPO, env=tool_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    with open(tmp_path / 'one.json') as f:
        one = json.load(f)
    with open(tmp_path / 'two.json') as f:
        two = json.load(f)
    assert (one['world_size'], two['world_size']) == (1, 2)
    assert (two['num_bank'], two['num_val'], two['num_query']) == (36, 9, 9)
    for key in ('top1', 'top5', 'val_top1'):
        assert two['last_epoch'][key] == one['last_epoch'][key]
