import glob
import json
import os
import os.path as osp
import shutil
import subprocess

import pytest
import torch

from tests.conftest import (REPO, TINY_ENCODER, TINY_LOADER, experiment_name, free_port,
                            run_tool, tool_env)
from tests.data_utils import make_cifar
from tests.test_tools.test_knn_eval import training_history


def scalars(work_dir: str) -> list:
    """The per-iteration records of MMEngine's LocalVisBackend."""
    (path,) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        return [json.loads(line) for line in f]


def train(config, work_dir, data_root, *options, flags=()) -> int:
    """tools/train.py in this process: its exit code."""
    return run_tool('train.py', osp.join(REPO, config), '--work-dir', work_dir,
                    '--data-root', data_root, *flags, '--cfg-options', *TINY_ENCODER,
                    *TINY_LOADER, 'randomness.seed=0', experiment_name(), *options)


def test_training_writes_checkpoints_and_logs_both_loss_terms(simclr_run):
    assert osp.isfile(simclr_run['checkpoint'])
    records = [r for r in scalars(simclr_run['work_dir']) if 'loss' in r]
    assert len(records) == 10  # 40 images, batch 8, 2 epochs
    assert all('loss_aug' in r and 'loss_adv' in r for r in records)
    assert any('attack_gain' in r for r in records)
    assert all(abs(r['loss'] - r['loss_aug'] - r['loss_adv']) < 1e-3 for r in records)


def test_checkpoint_loads_with_weights_only(simclr_run):
    checkpoint = torch.load(simclr_run['checkpoint'], weights_only=True)
    assert checkpoint['meta']['iter'] == 10
    assert any('.adversarial.' in key for key in checkpoint['state_dict'])


def test_resume_continues_from_the_latest_checkpoint(simclr_run, tmp_path):
    work_dir = str(tmp_path / 'resumed')
    shutil.copytree(simclr_run['work_dir'], work_dir)
    assert train('configs/clae/simclr_r18_cifar10.py', work_dir, simclr_run['data_root'],
                 'train_cfg.max_epochs=3', flags=['--resume']) == 0
    checkpoint = torch.load(osp.join(work_dir, 'epoch_3.pth'), weights_only=True)
    assert checkpoint['meta']['iter'] == 15
    new_dir = max(glob.glob(osp.join(work_dir, '2*')), key=os.path.getmtime)
    with open(glob.glob(osp.join(new_dir, '*.log'))[0]) as f:
        assert 'resumed epoch: 2, iter: 10' in f.read()
    with open(glob.glob(osp.join(new_dir, 'vis_data', 'scalars.json'))[0]) as f:
        records = [r for r in map(json.loads, f) if 'loss' in r]
    assert [r['iter'] for r in records] == [11, 12, 13, 14, 15]
    assert all(torch.isfinite(torch.tensor(r['loss'])) for r in records)


@pytest.mark.parametrize('method', ['plain', 'uel'])
def test_plain_and_uel_train_with_clae(method, cifar10_root, tmp_path):
    assert train(f'configs/clae/{method}_r18_cifar10.py', str(tmp_path), cifar10_root,
                 'train_cfg.max_epochs=1', 'model.neck.in_channels=64') == 0
    records = [r for r in scalars(str(tmp_path)) if 'loss' in r]
    assert len(records) == 5 and all('loss_adv' in r and 'loss_aug' in r for r in records)


def test_eps0_reduces_exactly_to_the_baseline_config(cifar10_root, tmp_path):
    """CLAE config with eps=0 and the baseline config: identical losses, step by step."""
    assert train('configs/clae/simclr_r18_cifar10.py', str(tmp_path / 'eps0'), cifar10_root,
                 'train_cfg.max_epochs=1', 'default_hooks.adversarial.eps=0.0') == 0
    assert train('configs/clae/simclr_r18_cifar10_eps0.py', str(tmp_path / 'baseline'),
                 cifar10_root, 'train_cfg.max_epochs=1') == 0
    ours = [r['loss'] for r in scalars(str(tmp_path / 'eps0')) if 'loss' in r]
    theirs = [r['loss'] for r in scalars(str(tmp_path / 'baseline')) if 'loss' in r]
    assert len(ours) == 5 and ours == theirs
    assert all('loss_adv' not in r for r in scalars(str(tmp_path / 'eps0')))


def test_dist_train_validates_the_model_it_saves(tmp_path):
    """tools/dist_train.sh with two CPU processes (gloo): each rank's BNs see only its data
    shard, so without SyncBNStatisticsHook the in-training kNN scores two models and neither
    is the checkpoint. With it the epoch's kNN equals, to the last digit, tools/test.py and
    tools/dist_test.sh on the checkpoint saved at that epoch."""
    cifar10_root = make_cifar(str(tmp_path / 'cifar10'), num_per_file=16)
    work_dir = str(tmp_path / 'train')
    # One thread a process: two ranks spinning OpenMP threads against each other's gloo
    # collectives on 2 cores (and against a parallel test) slow a step by orders of magnitude.
    # k=1: the nearest neighbour moves with the smallest change of the features (k=200 over
    # a bank of 40 votes too smoothly to tell two models apart).
    options = [*TINY_ENCODER, 'val_dataloader.num_workers=0', 'val_cfg.bank.num_workers=0',
               'val_evaluator.k=1', 'randomness.seed=0']
    proc = subprocess.run(
        ['bash', osp.join(REPO, 'tools/dist_train.sh'), osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'),
         '2', '--work-dir', work_dir, '--data-root', cifar10_root, '--cfg-options', *options,
         'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0', 'train_cfg.max_epochs=1'],
        cwd=REPO, env=tool_env(PORT=str(free_port())), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = [r for r in scalars(work_dir) if 'loss' in r]
    assert records and all('loss_adv' in r for r in records)
    validated = training_history(work_dir)[1]
    checkpoint = osp.join(work_dir, 'epoch_1.pth')
    knn_only = ['test_evaluator.0.k=1', 'test_evaluator.1.epochs=1', 'test_dataloader.num_workers=0',
                'test_cfg.bank.num_workers=0']
    one = tmp_path / 'one.json'
    assert run_tool('test.py', osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'), checkpoint,
                    '--work-dir', str(tmp_path / 'test'), '--data-root', cifar10_root,
                    '--out', str(one), '--cfg-options', *TINY_ENCODER, *knn_only) == 0
    proc = subprocess.run(
        ['bash', osp.join(REPO, 'tools/dist_test.sh'), osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'),
         checkpoint, '2', '--work-dir', str(tmp_path / 'dist_test'), '--data-root', cifar10_root,
         '--out', str(tmp_path / 'two.json'), '--cfg-options', *TINY_ENCODER, *knn_only],
        cwd=REPO, env=tool_env(PORT=str(free_port())), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    scores = {(validated['knn/top1'], validated['knn/top5'])}
    for path in (one, tmp_path / 'two.json'):
        with open(path) as f:
            metrics = json.load(f)['metrics']
        scores.add((metrics['knn/top1'], metrics['knn/top5']))
    assert len(scores) == 1, scores


def test_missing_dataset_is_a_one_line_error(tmp_path, capsys):
    assert train('configs/clae/simclr_r18_cifar10.py', str(tmp_path / 'wd'),
                 str(tmp_path / 'nothing')) == 2
    error = capsys.readouterr().err
    assert 'Traceback' not in error
    last = error.strip().splitlines()[-1]
    assert last.startswith('error: CIFAR10 not found under') and 'data_batch_1' in last
    assert not glob.glob(osp.join(str(tmp_path / 'wd'), '*.pth'))


def test_data_root_points_every_dataset_of_the_config():
    from mmengine.config import Config

    from clae_mm.utils import apply_data_root
    cfg = Config.fromfile(osp.join(REPO, 'configs/clae/plain_r18_cifar100.py'))
    count = apply_data_root(cfg, '/data/c100')
    assert count == 5  # training, validation and test sets, the banks of both loops
    assert cfg.train_dataloader.dataset.data_root == '/data/c100'
    assert cfg.val_dataloader.dataset.data_root == cfg.val_cfg.bank.dataset.data_root == '/data/c100'
    assert cfg.test_dataloader.dataset.data_root == cfg.test_cfg.bank.dataset.data_root


def test_our_default_hooks_can_be_disabled_from_the_command_line(cifar10_root, tmp_path):
    # the kNN validation is mmengine's: off with its three keys
    assert train('configs/clae/simclr_r18_cifar10.py', str(tmp_path), cifar10_root,
                 'train_cfg.max_epochs=1', 'default_hooks.knn=None', 'val_cfg=None',
                 'val_dataloader=None', 'val_evaluator=None') == 0
    records = scalars(str(tmp_path))
    assert records and not any('knn/top1' in r for r in records)


def test_best_checkpoint_chosen_on_a_validation_split_not_the_test_set(cifar10_root, tmp_path):
    """The in-training kNN queries are the test split (as the authors' code); with
    val_evaluator.val_fraction a seeded part of the bank (the training set) is held out and
    scored too, and save_best=knn/val_top1 keeps the checkpoint chosen on it."""
    assert train('configs/clae/simclr_r18_cifar10.py', str(tmp_path), cifar10_root,
                 'train_cfg.max_epochs=2', 'val_evaluator.val_fraction=0.25',
                 'default_hooks.checkpoint.save_best=knn/val_top1') == 0
    knn = [r for r in scalars(str(tmp_path)) if 'knn/val_top1' in r]
    assert [r['step'] for r in knn] == [1, 2]
    best = max(knn, key=lambda r: (r['knn/val_top1'], -r['step']))  # mmengine: the first of ties
    assert [osp.basename(p) for p in glob.glob(osp.join(str(tmp_path), 'best_*.pth'))] == \
        [f"best_knn_val_top1_epoch_{best['step']}.pth"]
