"""AdvProp-style dual batch normalisation (paper Section 3.5).

Every BatchNorm of a model becomes a :class:`DualBatchNorm`: a clean BN that
keeps the method's own momentum and an adversarial BN (momentum
``adv_bn_momentum``, 0.01 in the paper) that share nothing but their place in
the network. ``with adversarial_bn(model):`` routes a forward through the
adversarial branch; everything else (evaluation, kNN, linear probes) uses the
clean one. Both branches are ordinary ``_BatchNorm`` children, so
``torch.nn.SyncBatchNorm.convert_sync_batchnorm`` (and mmengine's
``sync_bn='torch'``) makes both synchronised.
"""
import copy
from contextlib import contextmanager
from typing import Iterator

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


class DualBatchNorm(nn.Module):
    """A clean and an adversarial BatchNorm behind one switch.

    Not a registry type: it wraps a BN that already exists, so configs reach it
    through the converters, a ``DualBNResNet``/``DualBNResNet_CIFAR`` backbone
    or ``dual_bn=dict(adv_bn_momentum=...)`` on the model (any BN backbone).

    Args:
        clean (nn.Module): The clean-branch norm layer (any ``_BatchNorm``).
        adv_bn_momentum (float): Momentum of the adversarial branch, a copy
            of ``clean`` with its own parameters and running statistics.
    """

    def __init__(self, clean: nn.Module, adv_bn_momentum: float = 0.01):
        super().__init__()
        self.clean = clean
        self.adversarial = copy.deepcopy(clean)
        self.adversarial.momentum = adv_bn_momentum
        self.route_adversarial = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.route_adversarial:
            return self.adversarial(x)
        return self.clean(x)

    def active_branch(self) -> nn.Module:
        return self.adversarial if self.route_adversarial else self.clean

    def extra_repr(self) -> str:
        return f'adv_bn_momentum={self.adversarial.momentum}'


def convert_dual_bn(module: nn.Module, adv_bn_momentum: float = 0.01) -> nn.Module:
    """Replace every ``_BatchNorm`` under ``module`` by a :class:`DualBatchNorm`.

    The clean branch *is* the original layer (same parameters, buffers and
    momentum), so the converted model's clean outputs equal the original's.
    Returns the converted module (a new object only when ``module`` itself is
    a BatchNorm).
    """
    if isinstance(module, _BatchNorm):
        return DualBatchNorm(module, adv_bn_momentum)
    for name, child in module.named_children():
        if isinstance(child, DualBatchNorm):
            continue
        setattr(module, name, convert_dual_bn(child, adv_bn_momentum))
    return module


def dual_bn_layers(model: nn.Module) -> Iterator[DualBatchNorm]:
    return (m for m in model.modules() if isinstance(m, DualBatchNorm))


def has_dual_bn(model: nn.Module) -> bool:
    return next(dual_bn_layers(model), None) is not None


@contextmanager
def adversarial_bn(model: nn.Module, enabled: bool = True):
    """Route forwards of ``model`` through the adversarial BNs inside the block."""
    layers = list(dual_bn_layers(model))
    if enabled and not layers:
        raise RuntimeError(
            'adversarial_bn() needs a model with DualBatchNorm layers: use a '
            'DualBNResNet backbone or set dual_bn=dict(adv_bn_momentum=0.01) '
            'on the CLAE model')
    previous = [layer.route_adversarial for layer in layers]
    for layer in layers:
        layer.route_adversarial = enabled
    try:
        yield model
    finally:
        for layer, state in zip(layers, previous):
            layer.route_adversarial = state


@contextmanager
def repeated_bn_update(model: nn.Module, times: int):
    """Make one train-mode forward update the running statistics of the BNs it
    uses as if the same batch had been forwarded ``times`` times.

    Forwarding one batch twice moves a running statistic r to
    (1-m)^2 r + (1-(1-m)^2) s, so one forward with momentum 1-(1-m)^times gives
    exactly the buffers of the authors' repeated forwards while computing the
    activations once. ``num_batches_tracked`` counts each forward inside the
    block ``times`` times too (``times=0``: the block leaves every buffer as it
    was). Applies to plain BNs and to the active branch of dual BNs.
    """
    if times == 1:
        yield model
        return
    dual = list(dual_bn_layers(model))
    inside = {id(d.clean) for d in dual} | {id(d.adversarial) for d in dual}
    layers = [d.active_branch() for d in dual] + [
        m for m in model.modules()
        if isinstance(m, _BatchNorm) and id(m) not in inside
    ]
    saved = [layer.momentum for layer in layers]
    tracked = [None if layer.num_batches_tracked is None else layer.num_batches_tracked.clone()
               for layer in layers]
    for layer in layers:
        if layer.momentum is not None:
            layer.momentum = 1.0 - (1.0 - layer.momentum)**times
    try:
        yield model
    finally:
        for layer, momentum, before in zip(layers, saved, tracked):
            layer.momentum = momentum
            if before is not None:
                with torch.no_grad():
                    forwards = layer.num_batches_tracked - before
                    layer.num_batches_tracked.add_((times - 1) * forwards)


def clean_state_dict(state_dict: dict) -> dict:
    """Map a dual-BN state dict onto the plain model: ``X.clean.Y`` becomes
    ``X.Y`` and the adversarial branch is dropped (for transfer and export)."""
    out = {}
    for key, value in state_dict.items():
        if '.adversarial.' in key:
            continue
        out[key.replace('.clean.', '.')] = value
    return out


@contextmanager
def recorded_bn_batch_stats(model: nn.Module):
    """Record the batch mean and (unbiased) variance that every BatchNorm of
    ``model`` uses in the train-mode forwards inside the block, so that
    :func:`replay_bn_update` can later apply the same running-stat update
    again without a second forward."""
    records = []
    before = {}

    # The batch statistics are read back from the running-stat update the
    # forward made, r1 = (1 - f) r0 + f s, as s = (r1 - (1 - f) r0) / f: two
    # C-vectors per layer, where recomputing them from the BN input (a mean
    # and a variance over B x H x W per channel) cost about a fifth of a
    # ResNet-18 forward on the CPU. It is also the statistic SyncBatchNorm used.
    def save(module, args):
        before[module] = (module.running_mean.detach().clone(), module.running_var.detach().clone())

    @torch.no_grad()
    def record(module, args, output):
        mean0, var0 = before.pop(module)
        factor = (module.momentum if module.momentum is not None
                  else 1.0 / float(module.num_batches_tracked))
        if factor == 0:  # the forward changed nothing, nor will the replay
            records.append((module, torch.zeros_like(mean0), torch.zeros_like(var0)))
            return
        mean = (module.running_mean.double() - (1 - factor) * mean0.double()) / factor
        var = (module.running_var.double() - (1 - factor) * var0.double()) / factor
        records.append((module, mean.to(mean0.dtype), var.to(var0.dtype)))

    layers = [m for m in model.modules()
              if isinstance(m, _BatchNorm) and m.training and m.track_running_stats]
    handles = [m.register_forward_pre_hook(save) for m in layers]
    handles += [m.register_forward_hook(record) for m in layers]
    try:
        yield records
    finally:
        for handle in handles:
            handle.remove()


@torch.no_grad()
def replay_bn_update(records) -> None:
    """Apply recorded batch statistics to the running statistics once more,
    exactly as another train-mode forward of the same batch would."""
    # Updated through ``.data``: autograd saved these buffers with the forward
    # (train-mode BN backward never reads them) and checks their versions.
    for module, mean, var in records:
        module.num_batches_tracked.data.add_(1)
        momentum = module.momentum if module.momentum is not None else 1.0 / float(module.num_batches_tracked)
        module.running_mean.data.mul_(1 - momentum).add_(mean.to(module.running_mean.dtype), alpha=momentum)
        module.running_var.data.mul_(1 - momentum).add_(var.to(module.running_var.dtype), alpha=momentum)
