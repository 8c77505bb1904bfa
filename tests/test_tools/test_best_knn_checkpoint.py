"""tools/benchmarks/best_knn_checkpoint.py and the selection it shares with
linear_eval.py --best-knn: the authors' _best checkpoint."""
import json
import os
import os.path as osp

import torch

from tests.conftest import REPO, load_tool

tool = load_tool('benchmarks/best_knn_checkpoint.py')


def knn_entry(step, top1):
    return {'step': step, 'by_epoch': True, 'knn/top1': top1, 'knn/top5': 99.0}


def make_run(work_dir, scores: dict, kept=None):
    """A work dir with epoch_N.pth for N in ``kept`` (default: every scored
    epoch), each holding the KNNEvalHook history up to its epoch."""
    os.makedirs(work_dir, exist_ok=True)
    history = []
    for step, top1 in sorted(scores.items()):
        history.append(knn_entry(step, top1))
        if step == 0 or (kept is not None and step not in kept):
            continue
        torch.save(dict(meta=dict(epoch=step, seed=0), state_dict={'w': torch.zeros(1)},
                        message_hub=dict(runtime_info={'knn/history': list(history)})),
                   osp.join(work_dir, f'epoch_{step}.pth'))
    last = max(step for step in scores if kept is None or step in kept)
    with open(osp.join(work_dir, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(work_dir, f'epoch_{last}.pth'))


def test_best_epoch_wins_and_a_tie_goes_to_the_later_epoch(tmp_path, capsys):
    work_dir = str(tmp_path / 'run')
    # the score at initialisation (step 0) has no checkpoint and is not a candidate
    make_run(work_dir, {0: 99.0, 1: 50.0, 2: 70.0, 3: 70.0, 4: 65.0})
    assert tool.main([work_dir]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == osp.join(work_dir, 'epoch_3.pth')
    assert 'epoch 3: best kNN top-1 70.00 (selected on the test set)' in captured.err
    assert sorted(os.listdir(work_dir)) == ['epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth',
                                            'epoch_4.pth', 'last_checkpoint']


def test_the_history_file_holds_the_last_validation_the_checkpoints_lack(tmp_path, capsys):
    """Epoch N's checkpoint is saved before its validation: only
    knn_history.json (KNNEvalHook) has the last epoch's score."""
    work_dir = str(tmp_path / 'run')
    make_run(work_dir, {1: 50.0, 2: 60.0, 3: 65.0})
    with open(osp.join(work_dir, 'knn_history.json'), 'w') as f:
        json.dump([knn_entry(1, 50.0), knn_entry(2, 60.0), knn_entry(3, 80.0)], f)
    assert tool.main([work_dir]) == 0
    assert capsys.readouterr().out.strip() == osp.join(work_dir, 'epoch_3.pth')


def test_prune_keeps_the_best_and_the_last_checkpoint(tmp_path, capsys):
    work_dir = str(tmp_path / 'run')
    make_run(work_dir, {1: 50.0, 2: 70.0, 3: 60.0, 4: 65.0})
    assert tool.main([work_dir, '--prune']) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == osp.join(work_dir, 'epoch_2.pth')
    assert 'removed 2 other checkpoints' in captured.err
    assert sorted(os.listdir(work_dir)) == ['epoch_2.pth', 'epoch_4.pth', 'last_checkpoint']


def test_a_best_epoch_without_its_checkpoint_is_a_one_line_error(tmp_path, capsys):
    work_dir = str(tmp_path / 'run')
    make_run(work_dir, {1: 50.0, 2: 70.0, 3: 60.0}, kept={1, 3})
    assert tool.main([work_dir]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert error.startswith('error: epoch 2 had the best kNN top-1 (70.00)')
    assert 'no epoch_2.pth' in error and '--training-options' in error


def test_training_options_follow_the_configs_validation_interval(capsys):
    config = osp.join(REPO, 'configs/clae/simclr_r18_tinyimagenet.py')  # kNN every 10 epochs
    assert tool.main([config, '--training-options']) == 0
    assert capsys.readouterr().out.split() == [
        'default_hooks.checkpoint.interval=10', 'default_hooks.checkpoint.by_epoch=True',
        'default_hooks.checkpoint.max_keep_ckpts=-1']
    assert tool.main([config, '--training-options', '--cfg-options',
                      'train_cfg.val_interval=3']) == 0
    assert capsys.readouterr().out.split()[0] == 'default_hooks.checkpoint.interval=3'
    for disabled in (['default_hooks.knn=None'],
                     ['val_cfg=None', 'val_dataloader=None', 'val_evaluator=None']):
        assert tool.main([config, '--training-options', '--cfg-options', *disabled]) == 2
        assert 'monitors no kNN' in capsys.readouterr().err
