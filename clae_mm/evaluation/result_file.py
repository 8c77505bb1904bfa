"""JSON result files of the benchmark tools, read back by summarize_results."""
import glob
import json
import os
import os.path as osp
from typing import Iterable, List

from clae_mm.utils.atomic_io import atomic_write_text
from clae_mm.utils.json_input import MalformedInputError, integer, load_json, number, optional
from clae_mm.utils.training_settings import (plain_value, recorded_training_settings,
                                             training_method, training_settings)

RESULT_TYPES = ('knn_eval', 'linear_eval', 'robust_eval')


def describe_run(cfg, checkpoint: dict, config_name: str = None) -> dict:
    """What was trained and on what it is scored: method, eps (0 when no
    adversary runs), the evaluation dataset (the kNN bank / probe training
    set), the pre-training dataset (they differ for transfer), and the
    training seed and epoch recorded in the checkpoint's meta, the training
    length (``max_epochs`` of the run, which tells a longer-trained baseline
    apart: from the checkpoint's runtime info, else the config) and the config
    file's name.

    ``training`` holds the settings the run was trained with, as plain data
    (``clae_mm.utils.training_settings``), for the analysis tools: those the
    checkpoint recorded (``training_source='checkpoint'``), else those of the
    config given to the evaluation tool (``'evaluation config'``; a
    checkpoint written before they were recorded, or by stock mmengine)."""
    meta = checkpoint.get('meta') or {}
    recorded = recorded_training_settings(meta)
    adversarial = (cfg.get('default_hooks') or {}).get('adversarial') or {}
    eps = float(adversarial.get('eps', 0.0)) if adversarial.get('alpha', 1.0) else 0.0
    pretrain_dataset = ((cfg.get('train_dataloader') or {}).get('dataset') or {}).get('type')
    dataset = bank_dataset_type(cfg) or pretrain_dataset
    filename = getattr(cfg, 'filename', None)
    if config_name is None and filename:
        config_name = osp.splitext(osp.basename(filename))[0]
    return dict(method=training_method(cfg), eps=eps, dataset=dataset,
                pretrain_dataset=pretrain_dataset, seed=plain_value(meta.get('seed')),
                epoch=plain_value(meta.get('epoch')),
                max_epochs=_trained_epochs(cfg, checkpoint),
                config_name=config_name,
                training=training_settings(cfg) if recorded is None else recorded,
                training_source='evaluation config' if recorded is None else 'checkpoint')


def bank_dataset_type(cfg):
    """The dataset type of the evaluation bank (``test_cfg.bank``, else
    ``val_cfg.bank``): the kNN bank and the probe's training set."""
    for key in ('test_cfg', 'val_cfg'):
        dataset = ((cfg.get(key) or {}).get('bank') or {}).get('dataset') or {}
        if dataset.get('type'):
            return dataset['type']
    return None


def _trained_epochs(cfg, checkpoint: dict):
    """``max_epochs`` the run trained for: the runtime info mmengine saved in
    the checkpoint (it includes the --cfg-options of the training), else the
    evaluation config's."""
    runtime_info = (checkpoint.get('message_hub') or {}).get('runtime_info') or {}
    recorded = plain_value(runtime_info.get('max_epochs'))
    return recorded if recorded is not None else (cfg.get('train_cfg') or {}).get('max_epochs')


def write_result(path: str, result: dict) -> None:
    if result.get('result_type') not in RESULT_TYPES:
        raise ValueError(f'result_type must be one of {RESULT_TYPES}')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    atomic_write_text(path, json.dumps(result, indent=2) + '\n')


def find_result_files(roots: Iterable[str]) -> List[str]:
    """Every ``*.json`` under the given work dirs (or the files themselves)."""
    paths = []
    for root in roots:
        if osp.isfile(root):
            paths.append(root)
        else:
            paths.extend(glob.glob(osp.join(root, '**', '*.json'), recursive=True))
    return sorted(set(paths))


def load_results(roots: Iterable[str]) -> List[dict]:
    """The benchmark results (files with a known ``result_type``) found under
    ``roots``; other JSON files (logs, scalars) are skipped, but a file named
    in ``roots`` that cannot be read is a one-line error. Each result gets
    its file name as ``result_file``; a result with a wrong value where the
    tools compute (:func:`check_result`) is a one-line error."""
    named = {osp.abspath(root) for root in roots if osp.isfile(root)}
    results = []
    for path in find_result_files(roots):
        try:
            data = load_json(path)
        except MalformedInputError:
            if osp.abspath(path) in named:
                raise
            continue
        if isinstance(data, dict) and data.get('result_type') in RESULT_TYPES:
            check_result(data, path)
            data['result_file'] = path
            results.append(data)
    return results


SCORE_ENTRIES = ('last_epoch', 'best_over_epochs', 'val_selected')
SCORE_KEYS = ('top1', 'top5', 'val_top1', 'best_top1')
INTEGER_KEYS = ('seed', 'epoch', 'max_epochs')


def check_result(result: dict, path: str) -> None:
    """Raise ``MalformedInputError`` naming the field when a value the
    analysis tools compute with has the wrong type: a score that is not a
    finite number (a NaN top-1 is tabled as ``nan``), an epoch, seed or
    training length that is not an integer (a string step), an eps that is
    not a number."""
    for key in INTEGER_KEYS:
        optional(integer, result.get(key), path, key)
    optional(number, result.get('eps'), path, 'eps')
    entries = [(key, result.get(key)) for key in SCORE_ENTRIES]
    epochs = result.get('epochs')
    if epochs is not None and not isinstance(epochs, list):
        raise MalformedInputError(f'{path}: epochs must be a list, got {epochs!r}')
    entries += [(f'epochs[{index}]', entry) for index, entry in enumerate(epochs or [])]
    for name, entry in entries:
        if entry is None:
            continue
        if not isinstance(entry, dict):
            raise MalformedInputError(f'{path}: {name} must be an object, got {entry!r}')
        optional(integer, entry.get('epoch'), path, f'{name}.epoch')
        for key in SCORE_KEYS:
            optional(number, entry.get(key), path, f'{name}.{key}')
    for key, value in (result.get('metrics') or {}).items():
        number(value, path, f'metrics.{key}')
    training = result.get('training')
    if training is not None and not isinstance(training, dict):
        raise MalformedInputError(f'{path}: training must be an object, got {training!r}')
    for key in ('eps', 'alpha'):
        optional(number, (training or {}).get(key), path, f'training.{key}')
    for index, eps in enumerate((training or {}).get('eps_history') or []):
        number(eps, path, f'training.eps_history[{index}]')
