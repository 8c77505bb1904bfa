"""The checkpoint of best kNN test accuracy of a training run: the authors'
``_best`` checkpoint, on which their Plain and UEL linear probes are scored
(Plain/main.py and UEL/main.py save the model whenever the epoch's kNN top-1
is >= the best so far). It is selected on the test set; the last checkpoint
stays the honest default of our tools."""
import glob
import os
import os.path as osp
from typing import List, Tuple

from clae_mm.engine.hooks.knn_eval_hook import HISTORY_FILE, HISTORY_KEY
from clae_mm.evaluation.epoch_selection import KNN_TIES, best_entry
from clae_mm.utils.errors import CLAEError
from clae_mm.utils.json_input import MalformedInputError, integer, load_json, number
from clae_mm.utils.safe_load import safe_load_checkpoint


def epoch_checkpoints(work_dir: str) -> List[Tuple[int, str]]:
    """[(epoch, path)] of the ``epoch_N.pth`` files of a work dir, by epoch."""
    found = []
    for path in glob.glob(osp.join(glob.escape(work_dir), 'epoch_*.pth')):
        stem = osp.splitext(osp.basename(path))[0][len('epoch_'):]
        if stem.isdigit():
            found.append((int(stem), path))
    return sorted(found)


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint ``last_checkpoint`` names (written by the checkpoint hook)."""
    record = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(record):
        raise CLAEError(f'{work_dir} has no last_checkpoint file; pass the work dir of a '
                        'finished training run')
    with open(record) as f:
        path = f.read().strip()
    return path if osp.isabs(path) or osp.isfile(path) else osp.join(work_dir, osp.basename(path))


def knn_history(work_dir: str) -> list:
    """The kNN scores of the run in ``work_dir``: ``knn_history.json``, which
    KNNEvalHook rewrites after every validation, else the history saved in
    the last checkpoint (it lacks the validation after its own epoch)."""
    record = osp.join(work_dir, HISTORY_FILE)
    if osp.isfile(record):
        history = load_json(record)
    else:
        record = last_checkpoint(work_dir)
        checkpoint = safe_load_checkpoint(record)
        history = ((checkpoint.get('message_hub') or {}).get('runtime_info') or {}).get(
            HISTORY_KEY) or []
    if not isinstance(history, list) or not all(isinstance(e, dict) for e in history):
        raise MalformedInputError(f'{record}: the kNN history must be a list of objects')
    for entry in history:
        where = f"{record} (step {entry.get('step')!r})"
        integer(entry.get('step'), where, 'step')
        number(entry.get('knn/top1'), where, 'knn/top1')
    return history


def best_knn_epoch(history: list) -> dict:
    """The KNNEvalHook entry of the best test top-1 among the trained epochs
    (step >= 1; the score at initialisation has no checkpoint); on a tie the
    later epoch, as the authors' ``if acc >= best_acc`` keeps it (``best_entry``)."""
    trained = [entry for entry in history if entry.get('by_epoch', True) and entry['step'] >= 1]
    if not trained:
        raise CLAEError('the run has no kNN score of a trained epoch: train with the kNN '
                        'validation (val_cfg, train_cfg.val_interval) and default_hooks.knn '
                        '(KNNEvalHook) on, by epoch')
    return best_entry(trained, lambda entry: entry['knn/top1'], KNN_TIES)


def best_knn_checkpoint(work_dir: str) -> dict:
    """``dict(path, epoch, top1)`` of the epoch checkpoint of best kNN top-1 of
    the run in ``work_dir``, from its kNN history (:func:`knn_history`).

    Raises:
        CLAEError: no kNN history, or that epoch's checkpoint was not kept.
    """
    if osp.isfile(work_dir):
        work_dir = osp.dirname(osp.abspath(work_dir))
    best = best_knn_epoch(knn_history(work_dir))
    path = dict(epoch_checkpoints(work_dir)).get(best['step'])
    if path is None:
        raise CLAEError(
            f"epoch {best['step']} had the best kNN top-1 ({best['knn/top1']:.2f}) but "
            f"{work_dir} kept no epoch_{best['step']}.pth; train with the options that "
            'tools/benchmarks/best_knn_checkpoint.py --training-options CONFIG prints '
            '(run_seeds.sh adds them with PROBE_CHECKPOINT=best-knn)')
    return dict(path=path, epoch=best['step'], top1=best['knn/top1'])


def training_options(cfg) -> List[str]:
    """``--cfg-options`` that keep a checkpoint at every kNN validation of the
    config (``train_cfg.val_interval``, none deleted), so that the best one
    exists when training ends."""
    val_cfg = cfg.get('val_cfg')
    knn = (cfg.get('default_hooks') or {}).get('knn')
    if not val_cfg or not cfg.get('val_evaluator') or not knn:
        raise CLAEError('the config monitors no kNN accuracy (val_cfg / val_evaluator, or '
                        'default_hooks.knn, is None): the best-kNN checkpoint needs the kNN '
                        'validation and its KNNEvalHook history')
    train_cfg = cfg.get('train_cfg') or {}
    if train_cfg.get('type') == 'IterBasedTrainLoop' or train_cfg.get('by_epoch') is False:
        raise CLAEError('the config trains by iterations: the best-kNN checkpoint needs the kNN '
                        'validation by epoch')
    return [f"default_hooks.checkpoint.interval={train_cfg.get('val_interval', 1)}",
            'default_hooks.checkpoint.by_epoch=True',
            'default_hooks.checkpoint.max_keep_ckpts=-1']


def prune_to_best_and_last(work_dir: str, best: str) -> List[str]:
    """Delete every ``epoch_N.pth`` of ``work_dir`` but ``best`` and the last
    checkpoint (as the authors keep only their ``_best``); returns the removed."""
    keep = {osp.abspath(best), osp.abspath(last_checkpoint(work_dir))}
    removed = []
    for _, path in epoch_checkpoints(work_dir):
        if osp.abspath(path) not in keep:
            os.remove(path)
            removed.append(path)
    return removed
