import re

from mmengine.hooks import Hook
from mmengine.runner import find_latest_checkpoint

from clae_mm.registry import HOOKS
from clae_mm.utils.checkpoint import describe_mismatch, state_dict_mismatch
from clae_mm.utils.errors import CLAEError
from clae_mm.utils.model_wrapper import unwrap_model


class CheckpointMismatchError(CLAEError):
    """The checkpoint's weights do not fit the model being trained."""


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
        model = unwrap_model(runner.model)
        state = checkpoint.get('state_dict', checkpoint)
        # mmengine's load_checkpoint strips DDP's 'module.' prefix the same way.
        state = {re.sub(r'^module\.', '', key): value for key, value in state.items()}
        mismatch = describe_mismatch(state_dict_mismatch(model.state_dict(), state))
        if not mismatch:
            return
        source = runner.cfg.get('load_from') or find_latest_checkpoint(runner.work_dir) \
            or 'the checkpoint'
        message = (f'checkpoint {source} does not fit the model (made for another '
                   f'architecture?): {mismatch}. Build the model it was trained with '
                   '(same config and --cfg-options) or pass another checkpoint')
        if self.strict:
            raise CheckpointMismatchError(message)
        runner.logger.warning(message)
