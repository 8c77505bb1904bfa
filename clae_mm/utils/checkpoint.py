"""Strict loading of a trained encoder for evaluation: a key mismatch stops
the tool instead of silently scoring a randomly initialised network."""
from typing import List, Optional, Sequence, Union

from torch import nn

from .cfg_options import load_config, merge_cfg_options, options_dict
from .data_root import apply_data_root
from .errors import CLAEError
from .safe_load import safe_load_checkpoint

MAX_KEYS_SHOWN = 8


def state_dict_mismatch(model_state: dict, checkpoint_state: dict) -> dict:
    """Keys missing from the checkpoint, keys the model does not have, and
    keys whose shapes differ ('key: checkpoint (...) vs model (...)'), in
    the model's (then the checkpoint's) order."""
    missing = [k for k in model_state if k not in checkpoint_state]
    unexpected = [k for k in checkpoint_state if k not in model_state]
    shapes = [f'{k}: checkpoint {tuple(checkpoint_state[k].shape)} vs model {tuple(v.shape)}'
              for k, v in model_state.items()
              if k in checkpoint_state and hasattr(checkpoint_state[k], 'shape')
              and tuple(checkpoint_state[k].shape) != tuple(v.shape)]
    return dict(missing=missing, unexpected=unexpected, shape_mismatch=shapes)


def _show(items: Sequence[str]) -> str:
    shown = ', '.join(items[:MAX_KEYS_SHOWN])
    return shown + (', ...' if len(items) > MAX_KEYS_SHOWN else '')


def _prefix_hint(missing: List[str], unexpected: List[str]) -> str:
    """Names the prefix (``'backbone.'``, ``'module.'``) when checkpoint keys
    are the model's keys with a prefix added or removed."""
    for wanted in sorted(missing):
        for found in sorted(unexpected):
            if found.endswith(wanted) and found != wanted:
                return f"; checkpoint keys carry an extra prefix {found[:-len(wanted)]!r}"
            if wanted.endswith(found) and found != wanted:
                return f"; checkpoint keys lack the prefix {wanted[:-len(found)]!r}"
    return ''


def describe_mismatch(mismatch: dict) -> str:
    """:func:`state_dict_mismatch` in one clause: the counts, the first
    keys of each kind and a prefix added or dropped; '' when they match."""
    parts = [f'{len(mismatch[kind])} {name} ({_show(mismatch[kind])})'
             for kind, name in (('missing', 'missing keys'), ('unexpected', 'unexpected keys'),
                                ('shape_mismatch', 'shape mismatches')) if mismatch[kind]]
    return '; '.join(parts) + _prefix_hint(mismatch['missing'], mismatch['unexpected'])


def load_checkpoint_strict(model: nn.Module, path: str, map_location='cpu') -> dict:
    """Load ``path`` (an mmengine checkpoint or a bare state dict) into
    ``model`` with ``torch.load(weights_only=True)`` (``safe_load_checkpoint``);
    the state dict's keys and shapes must match the model's exactly.

    Raises:
        CLAEError: the file is missing or not plain data, or keys are missing,
            unexpected or of another shape (the message lists them).

    Returns:
        The loaded checkpoint dict (``meta``, ``message_hub`` ... included).
    """
    checkpoint = safe_load_checkpoint(path, map_location=map_location)
    if not isinstance(checkpoint, dict):
        raise CLAEError(f'checkpoint {path} holds a {type(checkpoint).__name__}, not a state dict')
    state_dict = checkpoint.get('state_dict', checkpoint)
    mismatch = describe_mismatch(state_dict_mismatch(model.state_dict(), state_dict))
    if mismatch:
        raise CLAEError(f'checkpoint {path} does not fit the model: {mismatch}; evaluate it '
                        'with the config it was trained with')
    model.load_state_dict(state_dict, strict=True)
    return checkpoint


def _build_model(cfg):
    """The config's model with its top-level ``data_preprocessor``, as the Runner builds it."""
    from clae_mm.registry import MODELS
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    return MODELS.build(model_cfg)


def build_model_from_config(config: str,
                            cfg_options: Union[None, dict, Sequence[str]] = None,
                            data_root: Optional[str] = None):
    """Build the model of the config file ``config``, freshly initialised (no
    checkpoint: e.g. for its data preprocessor), ``cfg_options`` on top.

    Returns:
        ``(model on the CPU, cfg)``, cfg with the options and data root applied.
    """
    from .setup_env import register_all_modules
    register_all_modules()
    cfg = merge_cfg_options(load_config(config), options_dict(cfg_options))
    if data_root:
        apply_data_root(cfg, data_root)
    return _build_model(cfg), cfg


def build_model_from_checkpoint(config: Optional[str],
                                checkpoint: str,
                                cfg_options: Union[None, dict, Sequence[str]] = None,
                                data_root: Optional[str] = None,
                                return_checkpoint: bool = False):
    """Build the model ``checkpoint`` was trained with (with its top-level
    ``data_preprocessor``, as the Runner does) and load it strictly: the
    config it records, or ``config`` with the recorded model
    (:func:`clae_mm.utils.run_config.config_of_run`), ``cfg_options`` on top.

    Returns:
        ``(model in eval mode on the CPU, cfg)``, and the loaded checkpoint
        dict (``meta`` with epoch and seed, ``message_hub`` ...) as a third
        item when ``return_checkpoint``.
    """
    from .run_config import config_of_run
    from .setup_env import register_all_modules
    register_all_modules()
    recorded = safe_load_checkpoint(checkpoint)
    cfg, _, note = config_of_run(config, recorded if isinstance(recorded, dict) else {},
                                 cfg_options, checkpoint_name=checkpoint)
    print(note, flush=True)
    if data_root:
        apply_data_root(cfg, data_root)
    model = _build_model(cfg)
    loaded = load_checkpoint_strict(model, checkpoint)
    model.eval()
    return (model, cfg, loaded) if return_checkpoint else (model, cfg)
