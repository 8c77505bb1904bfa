import json
import os.path as osp
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from clae_mm.registry import HOOKS
from clae_mm.utils.step_audit import StepAudit


@HOOKS.register_module()
class StepAuditHook(Hook):
    """Audit one whole iteration of the real training loop with
    :class:`~clae_mm.utils.step_audit.StepAudit`: the host synchronisations
    the model, the optimizer wrapper and every hook make (with the code line
    of each) and the FLOPs by dtype (is the bf16 autocast covering every
    pass?). Writes ``step_audit.json`` into the work dir and logs one line.

    The window opens in this hook's ``before_train_iter`` of ``iteration``
    (it runs last, priority LOWEST) and closes in its ``before_train_iter``
    of the next one, so it holds exactly one iteration's cycle: the train
    step, every hook's ``after_train_iter``, the next batch's loading and the
    other hooks' ``before_train_iter``. Every op in the window goes through a
    Python callback, so that iteration runs slower: keep it out of timings.

    Args:
        iteration (int): the 1-based iteration to audit, as mmengine's log
            counts them. Pick one the logger does not log and the adversarial
            hook does not measure ``attack_gain`` at, to see the per-iteration
            cost alone.
        out_file (str): file name under the work dir.
    """

    priority = 'LOWEST'

    def __init__(self, iteration: int = 5, out_file: str = 'step_audit.json'):
        if iteration < 1:
            raise ValueError(f'iteration must be >= 1 (1-based), got {iteration}')
        self.iteration = iteration
        self.out_file = out_file
        self._audit: Optional[StepAudit] = None

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self._audit is not None:
            self._close(runner)
        if runner.iter + 1 == self.iteration:
            device = next(runner.model.parameters()).device
            self._audit = StepAudit(device.type)
            self._audit.__enter__()

    def after_train(self, runner) -> None:
        if self._audit is not None:  # the audited iteration was the last one
            self._close(runner)

    def _close(self, runner) -> None:
        audit, self._audit = self._audit, None
        audit.__exit__(None, None, None)
        summary = dict(iteration=self.iteration, device_type=audit.device_type, **audit.summary())
        if is_main_process():
            with open(osp.join(runner.work_dir, self.out_file), 'w') as f:
                json.dump(summary, f, indent=2)
        fraction = summary['low_precision_fraction']
        fraction = 'n/a' if fraction is None else f'{100 * fraction:.1f}%'
        runner.logger.info(
            f'step audit of iteration {self.iteration}: {summary["host_syncs"]} host '
            f'synchronisation(s) at {len(summary["host_sync_sites"])} site(s), '
            f'{summary["flops"] / 1e9:.2f} GFLOP of which {fraction} in bf16/fp16; '
            + '; '.join(f'{site} x{count}' for site, count in summary['host_sync_sites'].items()))
