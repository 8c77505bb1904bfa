import re

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import find_latest_checkpoint

from clae_mm.registry import HOOKS
from clae_mm.utils.errors import CLAEError

SHOWN_KEYS = 3


class CheckpointMismatchError(CLAEError):
    """The checkpoint's weights do not fit the model being trained."""


def state_dict_mismatch(model_state: dict, checkpoint_state: dict) -> dict:
    """Keys missing from the checkpoint, keys the model does not have, and
    keys whose shapes differ ('key: checkpoint (...) vs model (...)')."""
    missing = [k for k in model_state if k not in checkpoint_state]
    unexpected = [k for k in checkpoint_state if k not in model_state]
    shapes = [f'{k}: checkpoint {tuple(checkpoint_state[k].shape)} vs model {tuple(v.shape)}'
              for k, v in model_state.items()
              if k in checkpoint_state and hasattr(checkpoint_state[k], 'shape')
              and tuple(checkpoint_state[k].shape) != tuple(v.shape)]
    return dict(missing=missing, unexpected=unexpected, shape_mismatch=shapes)


def _summary(name: str, items: list) -> str:
    shown = ', '.join(items[:SHOWN_KEYS]) + (', ...' if len(items) > SHOWN_KEYS else '')
    return f'{len(items)} {name} ({shown})'


@HOOKS.register_module()
class CheckpointCompatibilityHook(Hook):
    """Refuse a checkpoint made for another architecture, before training.

    mmengine loads ``load_from`` and ``--resume`` checkpoints with
    ``strict=False``: a checkpoint of another model (another depth, width,
    projection head, or no dual BNs) loads partially, with a warning lost in
    the log, and training goes on from half-random weights. This hook compares
    the checkpoint's ``state_dict`` with the model's when it is loaded and
    raises :class:`CheckpointMismatchError` listing the missing, unexpected
    and differently shaped keys.

    Args:
        strict (bool): raise (True, default) or only log a warning (False,
            e.g. to initialise a new architecture from part of a checkpoint).
    """

    priority = 'LOW'  # after hooks that rewrite the checkpoint on load

    def __init__(self, strict: bool = True):
        self.strict = strict

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        state = checkpoint.get('state_dict', checkpoint)
        # mmengine's load_checkpoint strips DDP's 'module.' prefix the same way.
        state = {re.sub(r'^module\.', '', key): value for key, value in state.items()}
        mismatch = state_dict_mismatch(model.state_dict(), state)
        if not any(mismatch.values()):
            return
        parts = [_summary(name.replace('_', ' ') + ('es' if name == 'shape_mismatch' else ' keys'),
                          keys) for name, keys in mismatch.items() if keys]
        source = runner.cfg.get('load_from') or find_latest_checkpoint(runner.work_dir) \
            or 'the checkpoint'
        message = (f'checkpoint {source} does not fit the model (made for another '
                   f'architecture?): {"; ".join(parts)}. Build the model it was trained with '
                   '(same config and --cfg-options) or pass another checkpoint')
        if self.strict:
            raise CheckpointMismatchError(message)
        runner.logger.warning(message)
