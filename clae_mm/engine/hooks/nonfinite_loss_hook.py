import os.path as osp
from typing import List, Optional

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper

from clae_mm.registry import HOOKS
from clae_mm.utils.errors import CLAEError
from clae_mm.utils.finite import all_finite, describe, finite_flag, nonfinite_names
from clae_mm.utils.model_wrapper import unwrap_model

ACTIONS = ('stop', 'skip')
LAST_GOOD_KEY = 'last_good_ckpt'  # message-hub info, saved in every checkpoint


class NonFiniteLossError(CLAEError):
    """Training met a NaN or infinite value (loss, gradients, parameters or
    BN running statistics), or ended with weights that never gave a finite loss."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop (or skip the step) at the first NaN/Inf; never go on silently.

    Every iteration, in front of the parameter update (the hook wraps
    ``runner.optim_wrapper.update_params`` and ``step`` when training starts):

    1. after the forward: the total loss and the model's persistent buffers
       (the BN running statistics the forward just updated; ``eps=1e30``
       makes ``running_var`` infinite while the loss stays finite). The flags
       are all-reduced, so all ranks agree;
    2. after the backward, before ``optimizer.step()``: the gradients (not
       under ``AmpOptimWrapper``, whose GradScaler already skips a step with
       non-finite gradients and lowers its scale);
    3. after the step: the parameters.

    Each is one fused reduction (``clae_mm.utils.finite``): about 0.1 % of a
    CLAE step (docs/reliability.md has the measurement). A non-finite loss,
    buffer or gradient is never stepped. After the iteration:

    - ``action='stop'``: raise :class:`NonFiniteLossError` naming the
      iteration, the loss terms or the first non-finite tensors and the last
      good checkpoint, with the command that resumes from it at a lower
      learning rate (``--resume PATH --reset-lr``). Nothing broken is saved:
      this hook runs before the checkpoint hook, and the checkpoint hook
      refuses non-finite tensors anyway.
    - ``action='skip'``: log a warning with the same facts, restore the BN
      running statistics of before the forward, and go on; after
      ``max_consecutive_skips`` skipped steps in a row, stop as above.
      Non-finite parameters cannot be skipped (the step is applied): stop.

    A checkpoint is called *good* only once a forward of its weights gave a
    finite loss and finite statistics: the checkpoint saved just before a
    divergence holds the weights that produced it. A run that ends with its
    last ``max_skips_at_end + 1`` steps skipped (its final weights never gave
    a finite loss), or with non-finite weights, raises the error too, so
    ``tools/train.py`` exits non-zero.

    Args:
        action (str): 'stop' (default) or 'skip'.
        max_consecutive_skips (int): with 'skip', stop after this many
            non-finite iterations in a row.
        max_skips_at_end (int): with 'skip', the number of skipped steps in
            a row a run may end with and still succeed. 0 (default): a run
            whose final step was skipped fails.
    """

    priority = 'ABOVE_NORMAL'  # before LoggerHook and the checkpoint hook

    def __init__(self, action: str = 'stop', max_consecutive_skips: int = 10,
                 max_skips_at_end: int = 0):
        if action not in ACTIONS:
            raise ValueError(f'action must be one of {ACTIONS}, got {action!r}')
        if max_consecutive_skips < 1:
            raise ValueError('max_consecutive_skips must be >= 1')
        if max_skips_at_end < 0:
            raise ValueError('max_skips_at_end must be >= 0')
        self.action = action
        self.max_consecutive_skips = max_consecutive_skips
        self.max_skips_at_end = max_skips_at_end
        self.consecutive_skips = 0
        self.skipped_iters = []
        self._refusal: Optional[str] = None  # why this iteration's update was refused
        self._saved_buffers = None
        self._wrapped = None

    @classmethod
    def _named_running_buffers(cls, runner):
        """Persistent buffers (BN running statistics and counters): what a
        forward can change besides the parameters."""
        for module_name, module in unwrap_model(runner.model).named_modules():
            for name, buffer in module.named_buffers(recurse=False):
                if name not in module._non_persistent_buffers_set:
                    yield f'{module_name}.{name}' if module_name else name, buffer

    @classmethod
    def _running_buffers(cls, runner):
        return [buffer for _, buffer in cls._named_running_buffers(runner)]

    @staticmethod
    def _on_all_ranks(flags: List, device) -> List[bool]:
        """Each flag true on every rank (min all-reduce; a no-op on one process)."""
        values = torch.stack([torch.as_tensor(f, device=device) for f in flags]).float()
        all_reduce(values, op='min')
        return [bool(v) for v in values.tolist()]

    def before_train(self, runner) -> None:
        # The one runtime patch of clae_mm, kept here on purpose: mmengine has
        # no hook between the forward and the backward, nor between the backward
        # and the optimizer step (after_train_iter comes after the update), and
        # a torch optimizer's step pre-hook cannot skip the step. An
        # OptimWrapper subclass would be the other door, but the wrapper's type
        # is the user's and --amp's choice (OptimWrapper, AmpOptimWrapper,
        # AutocastOptimWrapper): wrapping the built instance's two methods
        # checks under each of them. Undone in _unwrap.
        optim_wrapper = runner.optim_wrapper
        update_params, step = optim_wrapper.update_params, optim_wrapper.step
        model = unwrap_model(runner.model)

        def update_params_if_finite(loss: torch.Tensor, *args, **kwargs):
            buffers = self._running_buffers(runner)
            loss_ok, buffers_ok = self._on_all_ranks(
                [torch.isfinite(loss.detach()).all(), finite_flag(buffers).to(loss.device)],
                loss.device)
            if loss_ok and not buffers_ok:  # confirm: the fused check can overflow on ~1e19
                bad = nonfinite_names(self._named_running_buffers(runner))
                (buffers_ok,) = self._on_all_ranks([not bad], loss.device)
                if not buffers_ok:
                    self._refusal = ('non-finite BN running statistics', describe(bad) or
                                     'on another rank')
            if loss_ok and buffers_ok:
                self._mark_last_checkpoint_good(runner)
                return update_params(loss, *args, **kwargs)
            if not loss_ok:
                self._refusal = ('non-finite loss', None)
            optim_wrapper.zero_grad()

        def step_if_gradients_finite(**kwargs):
            gradients = [p.grad for p in model.parameters()]
            if not all_finite(gradients):  # the same on all ranks: DDP averaged them
                bad = nonfinite_names((n, p.grad) for n, p in model.named_parameters())
                self._refusal = ('non-finite gradients', describe(bad))
                return None  # update_params zeroes the gradients next
            return step(**kwargs)

        optim_wrapper.update_params = update_params_if_finite
        if not isinstance(optim_wrapper, AmpOptimWrapper):
            optim_wrapper.step = step_if_gradients_finite
        self._wrapped = (optim_wrapper, update_params, step)

    def _unwrap(self) -> None:
        if self._wrapped is not None:
            optim_wrapper, update_params, step = self._wrapped
            optim_wrapper.update_params = update_params
            optim_wrapper.step = step
            self._wrapped = None

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._refusal = None
        if self.action == 'skip':
            self._saved_buffers = [b.detach().clone() for b in self._running_buffers(runner)]

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        outputs = outputs or {}
        refusal = self._refusal
        applied = ''
        if refusal is None:
            if any('loss' in name and not torch.isfinite(torch.as_tensor(value)).all()
                   for name, value in outputs.items()):
                refusal, applied = ('non-finite loss', None), ' (the update was already applied)'
            elif not all_finite(unwrap_model(runner.model).parameters()):
                bad = nonfinite_names(unwrap_model(runner.model).named_parameters())
                refusal, applied = (('non-finite parameters', describe(bad)),
                                    ' (the optimizer step made them; it cannot be skipped)')
        if refusal is None:
            self.consecutive_skips = 0
            return
        what, tensors = refusal
        iteration = runner.iter + 1  # as mmengine's logger counts
        terms = ', '.join(f'{name}={float(torch.as_tensor(value).detach().float().mean()):.4g}'
                          for name, value in outputs.items() if 'loss' in name) or 'no terms logged'
        facts = f'{what} at iteration {iteration} (epoch {runner.epoch + 1}): '
        facts += f'{tensors} ({terms})' if tensors else terms
        facts += applied
        if self.action == 'skip' and not applied:
            self.consecutive_skips += 1
            self.skipped_iters.append(iteration)
            if self.consecutive_skips < self.max_consecutive_skips:
                for buffer, saved in zip(self._running_buffers(runner), self._saved_buffers):
                    buffer.copy_(saved)
                runner.logger.warning(f'{facts}; skipped this update ({self.consecutive_skips} '
                                      'in a row)')
                return
            facts += f'; {self.consecutive_skips} updates in a row were skipped'
        self._unwrap()
        raise NonFiniteLossError(f'{facts}; {self.advice(runner)}')

    def after_train(self, runner) -> None:
        self._unwrap()
        model = unwrap_model(runner.model)
        named = list(model.named_parameters()) + list(self._named_running_buffers(runner))
        if not all_finite(t for _, t in named):
            problem = f'its weights are not finite ({describe(nonfinite_names(named))})'
        elif self.consecutive_skips > self.max_skips_at_end:
            problem = (f'its last {self.consecutive_skips} steps were all skipped (iterations '
                       f'{self.skipped_iters[-self.consecutive_skips]}-{self.skipped_iters[-1]}), '
                       'so its final weights never gave a finite loss')
        else:
            return
        raise NonFiniteLossError(f'training ended diverged: {problem}; {self.advice(runner)}')

    @staticmethod
    def _mark_last_checkpoint_good(runner) -> None:
        """A finite forward of the current weights vouches for the checkpoint
        saved last: its weights are these, or earlier ones that had their
        own finite forward."""
        last = runner.message_hub.get_info('last_ckpt')
        if last and runner.message_hub.get_info(LAST_GOOD_KEY) != last:
            runner.message_hub.update_info(LAST_GOOD_KEY, last)

    @staticmethod
    def last_good_checkpoint(runner) -> Optional[str]:
        path = runner.message_hub.get_info(LAST_GOOD_KEY)
        return path if path and osp.isfile(path) else None

    def advice(self, runner) -> str:
        """The last good checkpoint and how to go on from it, in one clause."""
        good = self.last_good_checkpoint(runner)
        last = runner.message_hub.get_info('last_ckpt')
        unproven = ''
        if last and last != good and osp.isfile(last):
            unproven = f' ({last} is not: no forward of its weights gave a finite loss)'
        config = getattr(runner.cfg, 'filename', None) or 'CONFIG'
        if good is None:
            return (f'no checkpoint is known good{unproven}. Train again with a lower learning '
                    "rate or eps, or set default_hooks.nonfinite_loss.action='skip'")
        return (f'last good checkpoint: {good}{unproven}. Resume from it with a lower learning '
                f'rate: tools/train.py {config} --resume {good} --reset-lr --cfg-options '
                'optim_wrapper.optimizer.lr=<lower> (or a lower default_hooks.adversarial.eps), '
                "or set default_hooks.nonfinite_loss.action='skip'")
