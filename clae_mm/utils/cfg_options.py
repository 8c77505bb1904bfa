"""A config as the tools read it: :func:`load_config` (a missing or broken file
is a one-line error) and :func:`merge_cfg_options`, ``--cfg-options`` as
mmengine's ``merge_from_dict`` applies them plus the visualiser backends,
which it cannot override on its own.

Two things stop ``--cfg-options 'vis_backends=[dict(type="LocalVisBackend"),
dict(type="TensorboardVisBackend")]'`` with mmengine alone:

1. ``DictAction`` parses list items as strings (or numbers): the items are the
   texts ``'dict(type="LocalVisBackend")'``, not dicts;
2. ``default_runtime.py`` writes ``visualizer = dict(..., vis_backends=vis_backends)``:
   the visualiser holds a copy of the list made when the config was read,
   so overriding the top-level ``vis_backends`` leaves the visualiser's as it
   was (a run logged to the local backend only, without a word).

Here each item is turned into a dict (``dict(...)`` of literals, or a bare
type name: ``vis_backends=LocalVisBackend,TensorboardVisBackend``) and the
list is set in both places.
"""
import ast
import os.path as osp
from typing import Any, List, Optional, Sequence, Union

from mmengine.config import Config, DictAction

from .config_check import ConfigError
from .literal import literal_value

VIS_BACKEND_KEYS = ('vis_backends', 'visualizer.vis_backends')


def load_config(path: str) -> Config:
    """``Config.fromfile(path)``; a missing or unreadable file raises
    :class:`ConfigError` naming it."""
    if not osp.isfile(path):
        raise ConfigError(f'config {path} not found; pass the path of a config file, e.g. '
                          'configs/clae/simclr_r18_cifar10.py')
    try:
        return Config.fromfile(path)
    except (SyntaxError, ImportError, KeyError, TypeError, ValueError, OSError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else ''
        raise ConfigError(f'config {path} could not be read ({type(exc).__name__}: {detail}); '
                          'fix the file') from None


def _backend_dict(item: Any, key: str) -> dict:
    if isinstance(item, dict):
        return dict(item)
    text = str(item).strip()
    if text.isidentifier():
        return dict(type=text)
    try:
        backend = literal_value(ast.parse(text, mode='eval').body)
        if not isinstance(backend, dict):
            raise ValueError
    except (SyntaxError, ValueError, TypeError):
        raise ConfigError(f'--cfg-options {key}: cannot read {text!r} as a visualiser backend; '
                          'write dict(type="TensorboardVisBackend") or TensorboardVisBackend')
    if 'type' not in backend:
        raise ConfigError(f'--cfg-options {key}: {text!r} has no type')
    return backend


def _vis_backends(value: Any, key: str) -> List[dict]:
    items = value if isinstance(value, (list, tuple)) else [value]
    return [_backend_dict(item, key) for item in items]


def merge_cfg_options(cfg: Config, options: Optional[dict]) -> Config:
    """Apply ``--cfg-options`` (the dict ``DictAction`` made) to ``cfg``.

    Raises:
        ConfigError: an option cannot be merged, or a visualiser backend
            cannot be read.
    """
    if not options:
        return cfg
    options = dict(options)
    backends = None
    for key in VIS_BACKEND_KEYS:
        if key in options:
            backends = options[key] = _vis_backends(options[key], key)
    try:
        cfg.merge_from_dict(options)
    except (TypeError, KeyError, ValueError) as exc:
        detail = exc.args[0] if exc.args else type(exc).__name__
        raise ConfigError(f'--cfg-options cannot be applied: {detail}') from None
    if backends is not None:
        cfg.vis_backends = backends
        if cfg.get('visualizer') is not None:
            cfg.visualizer.vis_backends = backends
    return cfg


def options_dict(cfg_options: Union[None, dict, Sequence[str]]) -> dict:
    """``--cfg-options`` as a dict: a dict as is, or 'key=value' strings parsed
    as mmengine's ``DictAction`` parses the command line."""
    if cfg_options is None:
        return {}
    if isinstance(cfg_options, dict):
        return dict(cfg_options)
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *cfg_options]).cfg_options or {}
