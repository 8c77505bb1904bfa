"""KNNEvalHook: the kNN history of the validations of a training run (for the
authors' best-epoch selection), and the score at initialisation."""
import json
import os.path as osp
from types import SimpleNamespace

import pytest

from clae_mm.engine.hooks import KNNEvalHook
from clae_mm.evaluation.checkpoint_selection import best_knn_checkpoint, knn_history
from clae_mm.utils import CLAEError


def test_history_of_every_validation_in_the_message_hub_and_the_work_dir(knn_monitored_run):
    runner = knn_monitored_run
    history = runner.message_hub.get_info('knn/history')
    assert [e['step'] for e in history] == [0, 1, 2] and all(e['by_epoch'] for e in history)
    assert {(e['stage'], e['k'], e['sigma'], e['num_bank'], e['num_query']) for e in history} == \
        {('embedding', 200, 0.5, 40, 8)}
    with open(osp.join(runner.work_dir, 'knn_history.json')) as f:
        assert json.load(f) == history
    assert knn_history(runner.work_dir) == history
    # the best trained epoch (step >= 1; ties to the later one, as the authors' >=)
    best = max(history[1:], key=lambda e: (e['knn/top1'], e['step']))
    assert best_knn_checkpoint(runner.work_dir)['path'] == \
        osp.join(runner.work_dir, f"epoch_{best['step']}.pth")


def test_history_is_in_the_next_checkpoint_and_survives_a_resume(knn_monitored_run):
    """The epoch-2 checkpoint is saved before its validation: it holds the
    scores of steps 0 and 1, which a resumed run starts from."""
    import torch
    saved = torch.load(osp.join(knn_monitored_run.work_dir, 'epoch_2.pth'), weights_only=True)
    steps = [e['step'] for e in saved['message_hub']['runtime_info']['knn/history']]
    assert steps == [0, 1]
    hook = KNNEvalHook()
    hook.before_train(SimpleNamespace(message_hub=SimpleNamespace(
        get_info=lambda key, default=None: saved['message_hub']['runtime_info'].get(key))))
    assert [e['step'] for e in hook.history] == [0, 1]


def test_score_at_initialisation_needs_a_validation():
    runner = SimpleNamespace(iter=0, val_loop=None)
    with pytest.raises(CLAEError, match='val_cfg'):
        KNNEvalHook(eval_at_start=True).before_train_epoch(runner)
    KNNEvalHook().before_train_epoch(runner)  # nothing to do without eval_at_start
