"""What a training step asks of the device: its FLOPs by dtype, and where it
makes the host wait for the device (for gpu_check.py, beside this file).

:class:`StepAudit` is a ``TorchDispatchMode``: every aten op run inside the
block passes through it, in the forward, in ``torch.autograd.grad`` (the
attack's input-only backward) and in the backward (autograd propagates the
mode to its worker threads). It counts

- the matmul and convolution FLOPs by torch's formulas (``flop_registry``,
  as ``tools/benchmarks/speed.py``) under the dtype they ran in, so a bf16
  autocast that misses a pass shows as float32 FLOPs;
- the host synchronisations: ops whose result the host has to read before it
  can go on (``.item()``, ``float(t)``, ``bool(t)``, ``nonzero``, copies to the
  CPU) and blocking copies to the device, each with the first frame of the
  calling code outside torch. On a CUDA
  device only reads of device tensors count (a CPU tensor's ``.item()`` does
  not wait for the GPU); on the CPU every read counts, as the place where the
  same code would wait on a GPU, except the reads of torch's optimizers:
  they keep their step counters on the CPU on every device (unless
  ``capturable`` or ``fused``), so those reads never wait for a GPU.

:class:`StepAuditHook` audits one whole iteration of a real training loop
with it; a config reaches it with ``custom_imports=dict(imports=['step_audit'])``
and this folder on ``PYTHONPATH``.
"""
import collections
import json
import os.path as osp
import traceback
from typing import Dict, Optional

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

from clae_mm.registry import HOOKS

# Ops whose output the host reads (data-dependent result or shape).
HOST_READ_OPS = {'_local_scalar_dense', 'is_nonzero', 'nonzero', 'nonzero_static',
                 'masked_select', 'unique', '_unique2', 'equal'}
_TORCH_DIR = torch.__file__.rsplit('/', 1)[0] + '/'
# Reads of tensors that stay on the CPU whatever the training device.
_CPU_ON_EVERY_DEVICE = ('torch/optim/',)
# Decorators and dispatch machinery: never the place that asked for the value.
_MACHINERY = tuple(_TORCH_DIR + p for p in ('_dynamo/', '_compile.py', 'utils/_python_dispatch.py',
                                            '_ops.py', 'utils/_contextlib.py'))


def _tensors(values):
    for value in values:
        if isinstance(value, torch.Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from _tensors(value)


def _caller() -> str:
    """file:line (function) of the innermost frame outside torch and this file,
    preceded by the innermost torch frame when the read happens inside torch
    (an optimizer's step counter, say)."""
    stack = [f for f in traceback.extract_stack()
             if f.filename != __file__ and not f.filename.startswith(_MACHINERY)]
    outside = next((f for f in reversed(stack) if not f.filename.startswith(_TORCH_DIR)), None)
    site = _frame(outside) if outside is not None else 'unknown'
    if stack and stack[-1] is not outside and stack[-1].filename.startswith(_TORCH_DIR):
        site = f'{_frame(stack[-1])} <- {site}'
    return site


def _frame(frame) -> str:
    return f'{_short(frame.filename)}:{frame.lineno} ({frame.name})'


def _short(path: str) -> str:
    if '/site-packages/' in path:
        return path.rsplit('/site-packages/', 1)[1]
    for marker in ('/clae_mm/', '/tools/', '/tests/'):
        if marker in path:
            return marker.strip('/') + '/' + path.rsplit(marker, 1)[1]
    return path


class StepAudit(TorchDispatchMode):
    """Count FLOPs by dtype and host synchronisations inside the block.

    Args:
        device_type (str): the training device; on 'cuda' only reads of
            non-CPU tensors count as synchronisations.
    """

    def __init__(self, device_type: str = 'cpu'):
        super().__init__()
        self.device_type = device_type
        self.flops_by_dtype: Dict[str, int] = collections.Counter()
        self.host_syncs: Dict[str, int] = collections.Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        packet = func._overloadpacket
        formula = flop_registry.get(packet)
        if formula is not None:
            first = next(_tensors(args), None)
            dtype = str(first.dtype).replace('torch.', '') if first is not None else 'unknown'
            self.flops_by_dtype[dtype] += formula(*args, **kwargs, out_val=out)
        if self._waits(packet.__name__, args, kwargs, out):
            site = _caller()
            if not (self.device_type == 'cpu' and site.startswith(_CPU_ON_EVERY_DEVICE)):
                self.host_syncs[site] += 1
        return out

    def _waits(self, name: str, args, kwargs, out) -> bool:
        inputs = list(_tensors(args))
        on_device = self.device_type == 'cpu' or any(t.device.type != 'cpu' for t in inputs)
        if name in HOST_READ_OPS:
            return on_device
        if name in ('_to_copy', 'copy_') and self.device_type != 'cpu':
            source = inputs[1] if name == 'copy_' else inputs[0]
            target = inputs[0] if name == 'copy_' else next(_tensors([out]))
            if source.device.type != 'cpu' and target.device.type == 'cpu':
                return True  # device -> host: the host reads the value
            # host -> device without non_blocking: the host waits for the copy
            return (source.device.type == 'cpu' and target.device.type != 'cpu'
                    and not kwargs.get('non_blocking', len(args) > 2 and args[2] is True))
        return False

    @property
    def flops(self) -> int:
        return sum(self.flops_by_dtype.values())

    def low_precision_fraction(self) -> Optional[float]:
        """Share of the counted FLOPs run in bfloat16 or float16."""
        if not self.flops:
            return None
        low = sum(v for k, v in self.flops_by_dtype.items() if k in ('bfloat16', 'float16'))
        return low / self.flops

    def summary(self) -> dict:
        return dict(flops=self.flops, flops_by_dtype=dict(self.flops_by_dtype),
                    low_precision_fraction=self.low_precision_fraction(),
                    host_syncs=sum(self.host_syncs.values()),
                    host_sync_sites=dict(self.host_syncs.most_common()))


@HOOKS.register_module()
class StepAuditHook(Hook):
    """Audit one whole iteration of the real training loop with
    :class:`StepAudit`: the host synchronisations the model, the optimizer
    wrapper and every hook make (with the code line of each) and the FLOPs by
    dtype (is the bf16 autocast covering every pass?). Writes
    ``step_audit.json`` into the work dir and logs one line.

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
