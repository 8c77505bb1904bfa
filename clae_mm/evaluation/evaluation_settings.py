"""Which feature and which classifier settings evaluate a config's encoder.

The per-method choices live in the configs (``evaluation = dict(knn=...,
linear=...)`` in ``configs/_base_/models/*``); hooks and tools read them
from there and let arguments override them. A config without that key gets
the generic defaults below.
"""
from typing import Optional

PROTOCOL_DEFAULTS = dict(
    knn=dict(stage='embedding', k=200, sigma=0.1),
    linear=dict(stage='embedding', epochs=1000, batch_size=256, lr=3e-4, weight_decay=0.0),
)


def evaluation_settings(cfg, protocol: str, **overrides) -> dict:
    """Settings of ``protocol`` ('knn' or 'linear'): defaults, then the config's
    ``evaluation[protocol]``, then every override that is not None."""
    if protocol not in PROTOCOL_DEFAULTS:
        raise ValueError(f'protocol must be one of {tuple(PROTOCOL_DEFAULTS)}, got {protocol!r}')
    settings = dict(PROTOCOL_DEFAULTS[protocol])
    evaluation = (cfg.get('evaluation') if cfg is not None else None) or {}
    from_config: Optional[dict] = evaluation.get(protocol)
    unknown = set(from_config or {}) - set(settings)
    if unknown:
        raise ValueError(f'unknown evaluation.{protocol} settings {sorted(unknown)}; '
                         f'expected some of {sorted(settings)}')
    settings.update(from_config or {})
    settings.update({key: value for key, value in overrides.items() if value is not None})
    return settings
