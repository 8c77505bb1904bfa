"""Ablation points (Figs. 5-7) from the JSON results of the evaluation tools.

A result file (``clae_mm.evaluation.result_file``: ``result_type``, ``config``,
``checkpoint``, ``method``, ``eps``, ``seed``, ``epoch`` and the scores
``last_epoch`` / ``best_over_epochs`` / ``val_selected``) says how the encoder
was scored; what was varied comes from how it was trained:

- ``eps``: the result's ``eps`` (0 for a baseline, or when alpha = 0);
- ``epochs``: the result's ``epoch`` (the checkpoint's pretext epochs);
- ``batch_size``, ``embed_dim``, ``arch``, ``alpha``, ``attack``: the training
  config as it ran (:func:`training_config`): ``train_dataloader.batch_size``
  (per process), ``model.neck.out_channels``, ``model.backbone`` type and
  depth (``ResNet-18``), and the ContrastiveAdversarialHook's ``alpha`` and
  ``attack`` (``'none'`` for a baseline).

A key of the same name under ``settings`` in the result (``{"settings":
{"batch_size": 64}}``) takes precedence, for results made elsewhere.
"""
import glob
import os.path as osp
import re
import statistics
import sys
from typing import Dict, List, Optional

from mmengine.config import Config

from clae_mm.utils import CLAEError
from clae_mm.utils.safe_load import safe_load_checkpoint
from .perturbation import adversarial_hook_cfg

X_KEYS = ('batch_size', 'embed_dim', 'arch', 'alpha', 'eps', 'epochs', 'attack')
CATEGORICAL = ('batch_size', 'embed_dim', 'arch', 'attack')
SCORES = {'last': 'last_epoch', 'best': 'best_over_epochs', 'val': 'val_selected'}
_CONFIGS: Dict[str, Config] = {}  # one parse per checkpoint / config file


def _checkpoint_file(result: dict) -> Optional[str]:
    """The checkpoint a result scored: its ``checkpoint`` file, or for a work
    dir the last scored epoch's checkpoint (else its latest epoch_N.pth)."""
    path = result.get('checkpoint')
    if not path:
        return None
    if osp.isfile(path):
        return path
    scored = (result.get('last_epoch') or {}).get('checkpoint')
    if scored and osp.isfile(scored):
        return scored
    found = glob.glob(osp.join(path, 'epoch_*.pth')) if osp.isdir(path) else []
    epoch = lambda p: int(re.search(r'epoch_(\d+)\.pth$', p).group(1))  # noqa: E731
    return max(found, key=epoch) if found else None


def training_config(result: dict) -> Config:
    """The config the encoder was trained with, ``--cfg-options`` included:
    the merged config MMEngine stores in the checkpoint (``meta['cfg']``),
    else the one the Runner dumped into the checkpoint's work dir, else the
    result's ``config`` file (the run's ``--cfg-options`` then are unknown)."""
    checkpoint = _checkpoint_file(result)
    key = checkpoint or result.get('config') or ''
    if key in _CONFIGS:
        return _CONFIGS[key]
    cfg = None
    if checkpoint:
        text = (safe_load_checkpoint(checkpoint).get('meta') or {}).get('cfg')
        if isinstance(text, str) and text.strip():
            cfg = Config.fromstring(text, '.py')
        else:
            dumped = osp.join(osp.dirname(checkpoint), osp.basename(result.get('config') or ''))
            if osp.isfile(dumped):
                cfg = Config.fromfile(dumped)
    if cfg is None:
        if not result.get('config') or not osp.isfile(result['config']):
            raise CLAEError(f"{result.get('result_file', 'a result')}: neither its checkpoint nor "
                            f"its config {result.get('config')!r} is readable, so its training "
                            'settings are unknown; pass results beside their runs, or add them '
                            'under "settings"')
        cfg = Config.fromfile(result['config'])
    _CONFIGS[key] = cfg
    return cfg


def _arch(cfg) -> str:
    backbone = cfg.model.backbone
    depth = backbone.get('depth')
    return f'ResNet-{depth}' if depth and 'ResNet' in backbone.get('type', '') else \
        str(backbone.get('arch') or backbone.get('type'))


def x_value(result: dict, x: str):
    """The value of ablation axis ``x`` for one result (see the module doc)."""
    if x not in X_KEYS:
        raise ValueError(f'x must be one of {X_KEYS}, got {x!r}')
    settings = result.get('settings') or {}
    if x in settings:
        return settings[x]
    if x == 'eps' and result.get('eps') is not None:
        return float(result['eps'])
    if x == 'epochs' and result.get('epoch') is not None:
        return int(result['epoch'])
    cfg = training_config(result)
    hook = adversarial_hook_cfg(cfg)
    if x == 'batch_size':
        return int(cfg.train_dataloader.batch_size)
    if x == 'embed_dim':
        return int(cfg.model.neck.out_channels)
    if x == 'arch':
        return _arch(cfg)
    if x == 'alpha':
        return float(hook.get('alpha', 0.0))
    if x == 'attack':  # a baseline makes no attack
        return str(hook.get('attack', 'fgsm')) if result_eps(result) else 'none'
    if x == 'eps':
        return float(hook.get('eps', 0.0)) if hook.get('alpha', 1.0) else 0.0
    return int(cfg.train_cfg.max_epochs)


def score(result: dict, which: str = 'last', metric: str = 'top1') -> Optional[float]:
    """``result[last_epoch|best_over_epochs|val_selected][metric]``, or
    ``result['metrics'][metric]`` for results that hold one score."""
    chosen = result.get(SCORES[which]) or {}
    value = chosen.get(metric)
    if value is None:
        value = (result.get('metrics') or {}).get(metric)
    return None if value is None else float(value)


def result_eps(result: dict) -> float:
    settings = result.get('settings') or {}
    eps = settings.get('eps', result.get('eps'))
    if eps is None:
        hook = adversarial_hook_cfg(training_config(result))
        eps = hook.get('eps', 0.0) if hook.get('alpha', 1.0) else 0.0
    return float(eps)


def sort_key(x: str, value):
    """Categories in a natural order (ResNet-18 before ResNet-101)."""
    if isinstance(value, (int, float)):
        return (0, value, '')
    number = re.search(r'(\d+)', str(value))
    return (1, int(number.group(1)) if number else 0, str(value))


def collect_points(results: List[dict], x: str, which: str = 'last',
                   metric: str = 'top1') -> List[dict]:
    """One point per (group, x): the scores of every seed, their mean and
    sample std (ddof=1; None for one seed). Groups: 'baseline' (eps 0) and
    'CLAE' (eps > 0; split by eps unless x is eps itself), prefixed by the
    method when results of several methods are given."""
    methods = {result.get('method') for result in results}
    points: Dict[tuple, dict] = {}
    for result in results:
        value = score(result, which, metric)
        if value is None:
            raise CLAEError(f"{result.get('result_file')} has no {SCORES[which]}.{metric} or "
                            f'metrics.{metric} score; choose another --score / --metric')
        eps = result_eps(result)
        group = 'baseline (eps=0)' if eps == 0 else ('CLAE' if x == 'eps' else f'CLAE (eps={eps:g})')
        if len(methods) > 1:
            group = f"{result.get('method')} {group}"
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
