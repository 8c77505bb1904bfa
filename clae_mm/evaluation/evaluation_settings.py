"""Which feature and which classifier settings evaluate a config's encoder.

The per-method choices are the arguments of the config's metrics
(``KNNAccuracy`` and ``LinearProbeAccuracy`` in ``val_evaluator`` /
``test_evaluator``, set in ``configs/_base_/datasets/*``); tools read them
from there and let arguments override them. A config without such a metric
gets the metric's defaults.
"""
import inspect
from typing import Optional

from clae_mm.utils.errors import CLAEError
from .metrics import KNNAccuracy, LinearProbeAccuracy

PROTOCOL_METRICS = dict(knn=KNNAccuracy, linear=LinearProbeAccuracy)
# The settings that define each protocol (and that the tools report).
PROTOCOL_KEYS = dict(knn=('stage', 'k', 'sigma'),
                     linear=('stage', 'epochs', 'batch_size', 'lr', 'weight_decay'))


def _metric_entries(evaluator):
    if isinstance(evaluator, dict):
        return [evaluator]
    return [entry for entry in (evaluator or []) if isinstance(entry, dict)]


def protocol_metric(cfg, protocol: str, **overrides) -> dict:
    """The metric config of ``protocol`` ('knn' or 'linear'): the first entry
    of that type in ``test_evaluator``, else ``val_evaluator`` (else just the
    type), with every override that is not None applied.

    Raises:
        CLAEError: the metric refuses the settings (``k=0``, ``sigma=nan``).
    """
    if protocol not in PROTOCOL_METRICS:
        raise ValueError(f'protocol must be one of {tuple(PROTOCOL_METRICS)}, got {protocol!r}')
    name = PROTOCOL_METRICS[protocol].__name__
    found: Optional[dict] = None
    for key in ('test_evaluator', 'val_evaluator'):
        entries = [entry for entry in _metric_entries(cfg.get(key) if cfg is not None else None)
                   if entry.get('type') == name]
        if entries:
            found = entries[0]
            break
    metric = dict(found or dict(type=name))
    metric.update({key: value for key, value in overrides.items() if value is not None})
    try:  # built once now: `--k 0` or `--sigma nan` is one line before any runner
        PROTOCOL_METRICS[protocol](**{k: v for k, v in metric.items() if k != 'type'})
    except (ValueError, TypeError) as exc:
        raise CLAEError(f'{name}: {exc}; pass another value (the tool\'s argument, or the '
                        f'{name} of the config\'s test_evaluator)') from None
    return metric


def evaluation_settings(cfg, protocol: str, **overrides) -> dict:
    """Settings of ``protocol`` (:data:`PROTOCOL_KEYS`): the metric's defaults,
    then the config's metric, then every override that is not None."""
    metric = protocol_metric(cfg, protocol, **overrides)
    parameters = inspect.signature(PROTOCOL_METRICS[protocol]).parameters
    return {key: metric.get(key, parameters[key].default) for key in PROTOCOL_KEYS[protocol]}
