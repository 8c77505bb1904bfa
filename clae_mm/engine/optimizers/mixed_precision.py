"""What ``--amp`` means, for tools/train.py and tools/benchmarks/speed.py alike."""
import copy

import torch


def bfloat16_supported(device_type: str) -> bool:
    """bf16 autocast runs on every CPU torch supports and on CUDA GPUs of
    compute capability 8.0 (Ampere) or later."""
    if device_type == 'cuda':
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return device_type == 'cpu'


def mixed_precision_optim_wrapper(optim_wrapper: dict, device_type: str) -> dict:
    """``optim_wrapper`` for ``--amp`` on ``device_type`` ('cpu' or 'cuda').

    bfloat16 autocast (:class:`AutocastOptimWrapper`) wherever bf16 runs: the
    CPU, whose float16 autocast mmengine's ``AmpOptimWrapper`` refuses (it
    needs a GPU), and Ampere or later GPUs, where bf16 needs no loss scale.
    Older GPUs get mmengine's float16 ``AmpOptimWrapper`` with a dynamic loss
    scale. The optimizer, ``clip_grad`` and the other arguments are kept.
    """
    cfg = copy.deepcopy(dict(optim_wrapper))
    for key in ('type', 'dtype', 'loss_scale'):
        cfg.pop(key, None)
    if bfloat16_supported(device_type):
        return dict(type='AutocastOptimWrapper', dtype='bfloat16', **cfg)
    return dict(type='AmpOptimWrapper', dtype='float16', loss_scale='dynamic', **cfg)


def describe_mixed_precision(device_type: str) -> str:
    """One line for logs and --help: what --amp runs on ``device_type``."""
    if bfloat16_supported(device_type):
        return f'bfloat16 autocast on {device_type}, no loss scale (AutocastOptimWrapper)'
    return f'float16 autocast on {device_type} with a dynamic loss scale (AmpOptimWrapper)'
