"""JSON result files of the benchmark tools, read back by summarize_results."""
import glob
import json
import os
import os.path as osp
from typing import Iterable, List

from clae_mm.utils.atomic_io import atomic_write_text
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
    ``roots``; other JSON files (logs, scalars) are skipped. Each result gets
    its file name as ``result_file``."""
    results = []
    for path in find_result_files(roots):
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get('result_type') in RESULT_TYPES:
            data['result_file'] = path
            results.append(data)
    return results
