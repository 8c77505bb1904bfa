"""Cheap checks that tensors hold only finite numbers (no NaN, no +-Inf).

The fast path is one fused reduction per device and dtype: the sum of
squares inside ``torch._foreach_norm`` (what ``clip_grad_norm_`` uses) is
NaN or Inf whenever one element is. It can also overflow for finite values
above about 1e19, so a tripped fast path is confirmed tensor by tensor
before anything is called non-finite: the answer is exact, and the slow
path runs only when something is already wrong (or huge).
"""
from collections import defaultdict
from typing import Iterable, List, Tuple

import torch


def _fast_finite(tensors: List[torch.Tensor]) -> torch.Tensor:
    groups = defaultdict(list)
    for tensor in tensors:
        groups[(tensor.device, tensor.dtype)].append(tensor)
    flags = [torch.stack(torch._foreach_norm(group)).isfinite().all() for group in groups.values()]
    if not flags:
        return torch.ones((), dtype=torch.bool)
    return torch.stack([flag.to(flags[0].device) for flag in flags]).all()


def _floating(tensors: Iterable[torch.Tensor]) -> List[torch.Tensor]:
    return [t.detach() for t in tensors
            if t is not None and (t.is_floating_point() or t.is_complex()) and t.numel()]


def all_finite(tensors: Iterable[torch.Tensor]) -> bool:
    """True when every element of every floating tensor is finite (integer
    tensors such as BN's ``num_batches_tracked`` are always finite)."""
    tensors = _floating(tensors)
    if bool(_fast_finite(tensors)):
        return True
    return not any(not torch.isfinite(t).all() for t in tensors)


def finite_flag(tensors: Iterable[torch.Tensor]) -> torch.Tensor:
    """The fast path only, as a 0-dim bool tensor on the tensors' device, to
    combine with other flags before one host sync. False may be an overflow
    of finite values above ~1e19: confirm it with :func:`nonfinite_names`."""
    return _fast_finite(_floating(tensors))


def nonfinite_names(named_tensors: Iterable[Tuple[str, torch.Tensor]]) -> List[str]:
    """Names of the tensors that hold a NaN or an Inf, with the first bad
    value, e.g. ``'backbone.bn1.running_var=inf'`` (exact, one pass each)."""
    found = []
    for name, tensor in named_tensors:
        if tensor is None or not (tensor.is_floating_point() or tensor.is_complex()):
            continue
        bad = tensor.detach()[~torch.isfinite(tensor.detach())]
        if bad.numel():
            found.append(f'{name}={bad.flatten()[0].item():g}')
    return found


def named_tensors(tree, prefix: str = '') -> Iterable[Tuple[str, torch.Tensor]]:
    """``(dotted name, tensor)`` of every tensor in nested dicts, lists and
    tuples (a checkpoint's ``state_dict``, its optimizer state)."""
    if isinstance(tree, torch.Tensor):
        yield prefix, tree
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield from named_tensors(value, f'{prefix}.{key}' if prefix else str(key))
    elif isinstance(tree, (list, tuple)):
        for index, value in enumerate(tree):
            yield from named_tensors(value, f'{prefix}.{index}' if prefix else str(index))


def describe(names: List[str], limit: int = 3) -> str:
    """'a=nan, b=inf and 5 more' for a one-line message."""
    shown = ', '.join(names[:limit])
    return shown + (f' and {len(names) - limit} more' if len(names) > limit else '')
