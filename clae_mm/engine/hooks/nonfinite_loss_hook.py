import os.path as osp
from typing import Optional

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from clae_mm.registry import HOOKS
from clae_mm.utils.errors import CLAEError

ACTIONS = ('stop', 'skip')


class NonFiniteLossError(CLAEError):
    """Training met a NaN or infinite loss."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop (or skip the step) at the first NaN/Inf loss; never go on silently.

    The check sits in front of the parameter update: when training starts the
    hook wraps ``runner.optim_wrapper.update_params`` so that a non-finite
    total loss (on any rank: the flag is all-reduced, so all ranks agree) is
    never back-propagated nor stepped. After the iteration:

    - ``action='stop'``: raise :class:`NonFiniteLossError` naming the
      iteration, every loss term and the last complete checkpoint; the
      parameters are those of the previous iteration and no checkpoint of
      the broken state is written (this hook runs before the checkpoint hook).
    - ``action='skip'``: log a warning with the same facts, restore the BN
      running statistics the forward may have poisoned, and go on; after
      ``max_consecutive_skips`` skipped steps in a row, stop as above.

    Args:
        action (str): 'stop' (default) or 'skip'.
        max_consecutive_skips (int): with 'skip', stop after this many
            non-finite iterations in a row.
    """

    priority = 'ABOVE_NORMAL'  # before LoggerHook and the checkpoint hook

    def __init__(self, action: str = 'stop', max_consecutive_skips: int = 10):
        if action not in ACTIONS:
            raise ValueError(f'action must be one of {ACTIONS}, got {action!r}')
        if max_consecutive_skips < 1:
            raise ValueError('max_consecutive_skips must be >= 1')
        self.action = action
        self.max_consecutive_skips = max_consecutive_skips
        self.consecutive_skips = 0
        self.skipped_iters = []
        self._step_refused = False
        self._saved_buffers = None
        self._wrapped = None

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    @classmethod
    def _running_buffers(cls, runner):
        """Persistent buffers (BN running statistics and counters): what a
        forward can change besides the parameters."""
        for module in cls._model(runner).modules():
            for name, buffer in module.named_buffers(recurse=False):
                if name not in module._non_persistent_buffers_set:
                    yield buffer

    def before_train(self, runner) -> None:
        optim_wrapper = runner.optim_wrapper
        update_params = optim_wrapper.update_params

        def update_params_if_finite(loss: torch.Tensor, *args, **kwargs):
            finite = torch.isfinite(loss.detach()).all().to(torch.float32).reshape(1)
            all_reduce(finite, op='min')  # no-op on one process
            if finite.item() == 1:
                return update_params(loss, *args, **kwargs)
            self._step_refused = True
            optim_wrapper.zero_grad()

        optim_wrapper.update_params = update_params_if_finite
        self._wrapped = (optim_wrapper, update_params)

    def after_train(self, runner) -> None:
        if self._wrapped is not None:
            optim_wrapper, update_params = self._wrapped
            optim_wrapper.update_params = update_params
            self._wrapped = None

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._step_refused = False
        if self.action == 'skip':
            self._saved_buffers = [b.detach().clone() for b in self._running_buffers(runner)]

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        outputs = outputs or {}
        nonfinite_output = any(
            'loss' in name and not torch.isfinite(torch.as_tensor(value)).all()
            for name, value in outputs.items())
        if not (self._step_refused or nonfinite_output):
            self.consecutive_skips = 0
            return
        iteration = runner.iter + 1  # as mmengine's logger counts
        terms = ', '.join(f'{name}={float(torch.as_tensor(value).float().mean()):.4g}'
                          for name, value in outputs.items() if 'loss' in name) or 'no terms logged'
        facts = f'non-finite loss at iteration {iteration} (epoch {runner.epoch + 1}): {terms}'
        if not self._step_refused:
            facts += ' (the update was already applied)'
        if self.action == 'skip' and self._step_refused:
            self.consecutive_skips += 1
            self.skipped_iters.append(iteration)
            if self.consecutive_skips < self.max_consecutive_skips:
                for buffer, saved in zip(self._running_buffers(runner), self._saved_buffers):
                    buffer.copy_(saved)
                runner.logger.warning(f'{facts}; skipped this update ({self.consecutive_skips} '
                                      'in a row)')
                return
            facts += f'; {self.consecutive_skips} updates in a row were skipped'
        raise NonFiniteLossError(
            f'{facts}; last good checkpoint: {self._last_checkpoint(runner)}. Lower the '
            'learning rate or eps and --resume from it, or set '
            "default_hooks.nonfinite_loss.action='skip'")

    @staticmethod
    def _last_checkpoint(runner) -> str:
        path = runner.message_hub.get_info('last_ckpt')
        if path and osp.isfile(path):
            return path
        return 'none saved yet'
