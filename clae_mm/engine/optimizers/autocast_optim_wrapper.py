from contextlib import contextmanager
from typing import Union

import torch
from mmengine.optim import OptimWrapper
from torch import nn

from clae_mm.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """Mixed precision without a loss scaler: the forward, the attack's
    input-only backward (it runs inside ``model.loss``) and so every backward
    run in ``dtype`` under ``torch.autocast``, on the model's device (CUDA or
    the CPU).

    mmengine's ``AmpOptimWrapper`` always wraps the update in a ``GradScaler``,
    which bf16 does not need (bf16 has float32's exponent range: no gradient
    underflows that a scale would save) and which costs a host
    synchronisation every step (``GradScaler.step`` reads its inf/NaN flag
    with ``.item()`` before stepping). This wrapper only sets the autocast
    context; the update is :class:`OptimWrapper`'s.

    Args:
        dtype (str | torch.dtype): 'bfloat16', the only one: float16 needs a
            loss scaler (mmengine's ``AmpOptimWrapper``).
        **kwargs: as :class:`OptimWrapper` (optimizer, clip_grad, ...).
    """

    def __init__(self, dtype: Union[str, torch.dtype] = 'bfloat16', **kwargs):
        super().__init__(**kwargs)
        name = str(dtype).replace('torch.', '')
        if name != 'bfloat16':
            raise ValueError(f'AutocastOptimWrapper runs bfloat16 only, got {dtype!r}: float16 '
                             "gradients underflow without a loss scaler; use type='AmpOptimWrapper'")
        self.cast_dtype = torch.bfloat16

    @contextmanager
    def optim_context(self, model: nn.Module):
        parameter = next(model.parameters(), None)
        device_type = parameter.device.type if parameter is not None else 'cpu'
        with super().optim_context(model), torch.autocast(device_type, dtype=self.cast_dtype):
            yield
