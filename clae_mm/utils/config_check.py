"""Bad training input becomes a one-line :class:`CLAEError` before training.

:func:`check_train_config` catches what is visible in the config itself;
:func:`registry_errors_as_clae_errors` turns mmengine's multi-sentence
``KeyError: 'X is not in the clae_mm::model registry. Please check ...'``
raised while the runner builds its parts into one line. Missing or malformed
datasets already raise ``DatasetNotFoundError`` when the runner builds the
dataloader; unreadable, unsafe or mismatching checkpoints raise from
:mod:`clae_mm.utils.safe_load` and ``CheckpointCompatibilityHook`` when it
loads them; all of this happens before the first iteration.
"""
import os
import re
from contextlib import contextmanager

from mmengine.config import Config

from .errors import CLAEError

_NOT_REGISTERED = re.compile(r'([\w.\-]+) is not in the (.+?) registry')


class ConfigError(CLAEError):
    """A config value that cannot work; the message names the key and the fix."""


def _adversarial_hooks(cfg: Config):
    for name, hook in (cfg.get('default_hooks') or {}).items():
        if hook is not None and hook.get('type') == 'ContrastiveAdversarialHook':
            yield f'default_hooks.{name}', hook
    for index, hook in enumerate(cfg.get('custom_hooks') or []):
        if isinstance(hook, dict) and hook.get('type') == 'ContrastiveAdversarialHook':
            yield f'custom_hooks[{index}]', hook


def check_train_config(cfg: Config) -> None:
    """Raise :class:`ConfigError` for a training config that cannot work:
    a negative eps or alpha, an unknown attack (anything the adversarial hook
    refuses), or fewer than 2 images per contrastive batch."""
    from clae_mm.registry import HOOKS
    for key, hook in _adversarial_hooks(cfg):
        try:
            HOOKS.build(dict(hook))
        except (ValueError, TypeError) as exc:
            raise ConfigError(f'{key}: {exc}; fix it in the config or with '
                              f'--cfg-options {key}.<name>=<value>') from None
    loader = cfg.get('train_dataloader') or {}
    batch_size = loader.get('batch_size')
    world_size = int(os.environ.get('WORLD_SIZE', 1))
    if batch_size is not None and batch_size * world_size < 2:
        raise ConfigError(
            f'train_dataloader.batch_size={batch_size} on {world_size} process(es): a '
            'contrastive loss needs at least 2 images per batch (the other images are its '
            'negatives); set --cfg-options train_dataloader.batch_size=2 or more')


def unknown_type_message(exc: KeyError):
    """One line for mmengine's 'X is not in the ... registry' error, else None."""
    match = _NOT_REGISTERED.search(str(exc))
    if match is None:
        return None
    name, registry = match.groups()
    return (f"unknown type '{name}' in the {registry} registry: check the spelling in the "
            'config, or import the module that registers it (custom_imports)')


@contextmanager
def registry_errors_as_clae_errors():
    """Re-raise mmengine's unknown-type ``KeyError`` as a one-line ``ConfigError``."""
    try:
        yield
    except KeyError as exc:
        message = unknown_type_message(exc)
        if message is None:
            raise
        raise ConfigError(message) from None
