"""Ablation points (Figs. 5-7) from the JSON results of the evaluation tools.

A result file (``clae_mm.evaluation.result_file``: ``result_type``,
``method``, ``dataset``, ``feature``, ``eps``, ``seed``, ``epoch``,
``training`` and the scores ``last_epoch`` / ``best_over_epochs`` /
``val_selected``) says how the encoder was scored and how it was trained.
The value of each axis comes from, in this order:

- the result's ``settings`` (``{"settings": {"batch_size": 64}}``), for
  results made elsewhere;
- ``epochs`` only: the result's ``epoch`` (the checkpoint's pretext epochs);
- the result's ``training``: the settings the checkpoint recorded as plain
  data (``clae_mm.utils.training_settings``: ``batch_size`` per process,
  ``embed_dim``, ``arch``, ``alpha``, ``eps``, ``attack``, ``max_epochs``);
- ``eps`` only: the result's ``eps``.

Nothing here executes a config: neither the text mmengine stores in a
checkpoint (``meta['cfg']``) nor a file a result names; a crafted file could
put any code there.
"""
import re
import statistics
import sys
from typing import Dict, List, Optional

from clae_mm.utils import CLAEError
from clae_mm.utils.training_settings import mixed_eps

X_KEYS = ('batch_size', 'embed_dim', 'arch', 'alpha', 'eps', 'epochs', 'attack')
CATEGORICAL = ('batch_size', 'embed_dim', 'arch', 'attack')
SCORES = {'last': 'last_epoch', 'best': 'best_over_epochs', 'val': 'val_selected'}
# What must match for two results to be one point: scores of other datasets,
# methods or features are never averaged together.
GROUP_KEYS = ('pretrain_dataset', 'dataset', 'method', 'feature')
_TRAINING_KEY = dict(epochs='max_epochs')


def training_value(result: dict, key: str):
    """``result['settings'][key]``, else ``result['training'][key]``; a
    one-line error when the result records neither."""
    settings = result.get('settings') or {}
    if key in settings:
        return settings[key]
    training = result.get('training')
    if not isinstance(training, dict):
        raise CLAEError(f"{result.get('result_file', 'a result')} records no training settings "
                        '(written by an older knn_eval / linear_eval); run the evaluation tool '
                        'on its checkpoint again, or add the values under "settings"')
    value = training.get(_TRAINING_KEY.get(key, key))
    if value is None:
        raise CLAEError(f"{result.get('result_file', 'a result')}: its training settings have "
                        f'no {key}; add it under "settings"')
    return value


def x_value(result: dict, x: str):
    """The value of ablation axis ``x`` for one result (see the module doc)."""
    if x not in X_KEYS:
        raise ValueError(f'x must be one of {X_KEYS}, got {x!r}')
    if x == 'eps':
        return result_eps(result)
    if x == 'epochs' and 'epochs' not in (result.get('settings') or {}) \
            and result.get('epoch') is not None:
        return int(result['epoch'])
    value = training_value(result, x)
    if x == 'attack':  # a baseline makes no attack
        return str(value) if result_eps(result) else 'none'
    return float(value) if x == 'alpha' else value


def score(result: dict, which: str = 'last', metric: str = 'top1') -> Optional[float]:
    """``result[last_epoch|best_over_epochs|val_selected][metric]``, or
    ``result['metrics'][metric]`` for results that hold one score."""
    chosen = result.get(SCORES[which]) or {}
    value = chosen.get(metric)
    if value is None:
        value = (result.get('metrics') or {}).get(metric)
    return None if value is None else float(value)


def refuse_mixed_eps(result: dict, fix: str = 'leave it out') -> None:
    """One line for a result of a run resumed with another eps: its recorded
    ``eps_history`` holds several, so no single eps labels it."""
    mixed = mixed_eps(result.get('training'))
    if mixed:
        raise CLAEError(f"{result.get('result_file', 'a result')} was trained at more than one "
                        f'eps ({mixed}: resumed with another eps), so no one eps describes it; '
                        f'{fix}')


def result_eps(result: dict) -> float:
    """The eps the encoder was trained with (0 for a baseline); a one-line
    error for a run resumed with another eps (its recorded ``eps_history``
    holds several), unless ``settings`` gives the eps to plot it at."""
    settings, training = result.get('settings') or {}, result.get('training') or {}
    if settings.get('eps') is None:
        refuse_mixed_eps(result, 'leave it out, or add the eps to plot it at under "settings"')
    for source in (settings, training if isinstance(training, dict) else {}):
        if source.get('eps') is not None:
            return float(source['eps'])
    if result.get('eps') is not None:
        return float(result['eps'])
    return float(training_value(result, 'eps'))  # the one-line error


def sort_key(x: str, value):
    """Categories in a natural order (ResNet-18 before ResNet-101)."""
    if isinstance(value, (int, float)):
        return (0, value, '')
    number = re.search(r'(\d+)', str(value))
    return (1, int(number.group(1)) if number else 0, str(value))


def _group_label(key: str, value) -> str:
    if key == 'pretrain_dataset':
        return f'pretrained on {value}:'
    return f'{value} features' if key == 'feature' else str(value)


def collect_points(results: List[dict], x: str, which: str = 'last',
                   metric: str = 'top1') -> List[dict]:
    """One point per (group, x): the scores of every seed, their mean and
    sample std (ddof=1; None for one seed). Groups: 'baseline' (eps 0) and
    'CLAE' (eps > 0; split by eps unless x is eps itself), prefixed by the
    pre-training set, evaluation set, method and feature wherever the given
    results differ in them (:data:`GROUP_KEYS`): those are never averaged."""
    varying = [key for key in GROUP_KEYS if len({str(r.get(key)) for r in results}) > 1]
    points: Dict[tuple, dict] = {}
    for result in results:
        value = score(result, which, metric)
        if value is None:
            raise CLAEError(f"{result.get('result_file')} has no {SCORES[which]}.{metric} or "
                            f'metrics.{metric} score; choose another --score / --metric')
        eps = result_eps(result)
        group = 'baseline (eps=0)' if eps == 0 else ('CLAE' if x == 'eps' else f'CLAE (eps={eps:g})')
        group = ' '.join([*(_group_label(key, result.get(key)) for key in varying), group])
        position = x_value(result, x)
        point = points.setdefault((group, position), dict(group=group, x=position, values=[],
                                                          seeds=[], files=[]))
        seed = result.get('seed')
        if seed is not None and seed in point['seeds']:
            print(f"warning: {result.get('result_file')} repeats seed {seed} at {x}={position} "
                  f"({group}); {point['files'][point['seeds'].index(seed)]} counts", file=sys.stderr)
            continue
        point['values'].append(value)
        point['seeds'].append(result.get('seed'))
        point['files'].append(result.get('result_file'))
    out = []
    for point in points.values():
        values = point['values']
        point.update(mean=statistics.fmean(values), n=len(values),
                     std=statistics.stdev(values) if len(values) > 1 else None)
        out.append(point)
    return sorted(out, key=lambda p: ('baseline' not in p['group'], p['group'], sort_key(x, p['x'])))
