import os.path as osp
from typing import List, Optional, Tuple

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper

from clae_mm.models import AdversarialTrainingMixin, TrainStepDistributedDataParallel
from clae_mm.registry import HOOKS
from clae_mm.utils.errors import CLAEError
from clae_mm.utils.finite import all_finite, describe, finite_flag, nonfinite_names
from clae_mm.utils.model_wrapper import unwrap_model

ACTIONS = ('stop', 'skip')
LAST_GOOD_KEY = 'last_good_ckpt'  # message-hub info, saved in every checkpoint


class NonFiniteLossError(CLAEError):
    """Training met a NaN or infinite value (loss, gradients, parameters or
    BN running statistics), or ended with weights that never gave a finite loss."""


# What the check looks at, in the order a refusal names them: non-finite
# parameters come from the step before (the cause); the loss, the BN
# statistics and the gradients of this step follow from them or from the data.
REFUSALS = dict(parameters='non-finite parameters', loss='non-finite loss',
                statistics='non-finite BN running statistics', gradients='non-finite gradients')


def persistent_buffers(model):
    """``(name, buffer)`` of the persistent buffers (BN running statistics and
    counters): what a forward can change besides the parameters."""
    for module_name, module in model.named_modules():
        for name, buffer in module.named_buffers(recurse=False):
            if name not in module._non_persistent_buffers_set:
                yield f'{module_name}.{name}' if module_name else name, buffer


def on_all_ranks(flags: List, device) -> List[bool]:
    """Each flag true on every rank (min all-reduce; a no-op on one process)."""
    values = torch.stack([torch.as_tensor(f, device=device) for f in flags]).float()
    all_reduce(values, op='min')
    return [bool(v) for v in values.tolist()]


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop (or skip the step) at the first NaN/Inf; never go on silently.

    The check sits in the model's own ``train_step``
    (:meth:`~clae_mm.models.selfsup.AdversarialTrainingMixin.train_step`,
    shared by every clae_mm model), which this hook hands
    :meth:`checked_update` when training starts. After the backward and
    before the optimizer step, one fused reduction
    (``clae_mm.utils.finite``) covers

    - the total loss;
    - the model's persistent buffers: the BN running statistics the forward
      just updated (``eps=1e30`` makes ``running_var`` infinite while the
      loss stays finite);
    - the gradients (not under ``AmpOptimWrapper``, whose GradScaler already
      skips a step with non-finite gradients and lowers its scale);
    - the parameters the forward used: a step that overflows them is seen
      here, one iteration later, or by the checkpoint hook's refusal to save
      them if a checkpoint comes first.

    Its flag is all-reduced, so all ranks agree, and read once: one host
    synchronisation per step. Only when it trips are the tensors checked one
    by one and named (a fused sum of squares can also overflow on finite
    values above ~1e19: then the step goes on). Nothing non-finite is ever
    stepped. After the iteration:

    - ``action='stop'``: raise :class:`NonFiniteLossError` naming the
      iteration, the loss terms or the first non-finite tensors and the last
      good checkpoint, with the command that resumes from it at a lower
      learning rate (``--resume PATH --reset-lr``). Nothing broken is saved:
      this hook runs before the checkpoint hook, and the checkpoint hook
      refuses non-finite tensors anyway.
    - ``action='skip'``: log a warning with the same facts, restore the BN
      running statistics of before the forward, and go on; after
      ``max_consecutive_skips`` skipped steps in a row, stop as above.
      Non-finite parameters cannot be skipped (a step made them): stop.

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
        # What this iteration's update refused: (key of REFUSALS, the tensors named or None).
        self._refusal: Optional[Tuple[str, Optional[str]]] = None
        self._saved_buffers = None

    def before_train(self, runner) -> None:
        model = unwrap_model(runner.model)
        if not isinstance(model, AdversarialTrainingMixin):
            raise CLAEError(
                f"NonFiniteLossHook checks each update in the model's train_step, which "
                f'{type(model).__name__} does not have (every clae_mm model has: '
                'AdversarialTrainingMixin); use a clae_mm model or set '
                'default_hooks.nonfinite_loss=None')
        if model is not runner.model and not isinstance(runner.model,
                                                        TrainStepDistributedDataParallel):
            raise CLAEError(
                f"NonFiniteLossHook checks each update in the model's train_step, which "
                f'{type(runner.model).__name__} never calls; set '
                "model_wrapper_cfg.type='clae_mm.models.wrappers.TrainStepDistributedDataParallel' "
                '(as configs/_base_/default_runtime.py does)')
        model.checked_update = self.checked_update

    def _release(self, runner) -> None:
        unwrap_model(runner.model).checked_update = None

    def checked_update(self, model, loss: torch.Tensor, optim_wrapper) -> None:
        """``optim_wrapper.update_params(loss)`` through the wrapper's own
        steps (``scale_loss``, ``backward``, ``step``, ``zero_grad``), the
        step refused when anything checked is not finite; what was refused
        is kept for :meth:`after_train_iter`."""
        optim_wrapper.backward(optim_wrapper.scale_loss(loss))
        parameters = list(model.named_parameters())
        checked = dict(parameters=parameters, loss=[('loss', loss.detach())],
                       statistics=list(persistent_buffers(model)))
        if not isinstance(optim_wrapper, AmpOptimWrapper):
            checked['gradients'] = [(name, p.grad) for name, p in parameters]
        flag = finite_flag(t for named in checked.values() for _, t in named)
        flag = flag.to(loss.device).float()
        all_reduce(flag, op='min')
        if not bool(flag):  # the step's one host read; below only when something is wrong
            bad = {key: nonfinite_names(named) for key, named in checked.items()}
            finite = on_all_ranks([not names for names in bad.values()], loss.device)
            refused = [key for key, ok in zip(bad, finite) if not ok]
            if refused:  # else finite values above ~1e19 overflowed the fused check
                key = refused[0]
                self._refusal = (key, None if key == 'loss' else
                                 describe(bad[key]) or 'on another rank')
                optim_wrapper.zero_grad()
                return
        if optim_wrapper.should_update():
            optim_wrapper.step()
            optim_wrapper.zero_grad()

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._refusal = None
        if self.action == 'skip':
            self._saved_buffers = [b.detach().clone()
                                   for _, b in persistent_buffers(unwrap_model(runner.model))]

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        refusal, self._refusal = self._refusal, None
        if refusal is None or refusal[0] == 'gradients':  # the forward was finite
            self._mark_last_checkpoint_good(runner)
        if refusal is None:
            self.consecutive_skips = 0
            return
        key, tensors = refusal
        iteration = runner.iter + 1  # as mmengine's logger counts
        terms = ', '.join(f'{name}={float(torch.as_tensor(value).detach().float().mean()):.4g}'
                          for name, value in (outputs or {}).items()
                          if 'loss' in name) or 'no terms logged'
        facts = f'{REFUSALS[key]} at iteration {iteration} (epoch {runner.epoch + 1}): '
        facts += f'{tensors} ({terms})' if tensors else terms
        if key == 'parameters':
            facts += (f' (the optimizer step of iteration {iteration - 1} made them; it cannot '
                      'be skipped)')
        elif self.action == 'skip':
            self.consecutive_skips += 1
            self.skipped_iters.append(iteration)
            if self.consecutive_skips < self.max_consecutive_skips:
                buffers = persistent_buffers(unwrap_model(runner.model))
                for (_, buffer), saved in zip(buffers, self._saved_buffers):
                    buffer.copy_(saved)
                runner.logger.warning(f'{facts}; skipped this update ({self.consecutive_skips} '
                                      'in a row)')
                return
            facts += f'; {self.consecutive_skips} updates in a row were skipped'
        self._release(runner)
        raise NonFiniteLossError(f'{facts}; {self.advice(runner)}')

    def after_train(self, runner) -> None:
        self._release(runner)
        model = unwrap_model(runner.model)
        named = list(model.named_parameters()) + list(persistent_buffers(model))
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
