"""The learning rate and the attack's eps at every training iteration of a
config, without training: the optimizer and the schedulers are built as the
Runner builds them, and stepped as mmengine's ParamSchedulerHook steps them.

What the Runner does and this repeats (mmengine 0.10,
``Runner._build_param_scheduler`` and ``ParamSchedulerHook``):
- a scheduler without ``end`` ends at ``max_epochs`` (``by_epoch``, the
  default) or ``max_iters``; ``convert_to_iter_based`` turns an epoch
  schedule into an iteration one (PARAM_SCHEDULERS' build function);
- iteration schedulers step after every iteration, epoch schedulers after
  every epoch.
The eps of each iteration is ``ContrastiveAdversarialHook.eps_at`` (the
warm-up), 0 where ``alpha`` is 0 (no attack runs).
"""
import math
import re
import warnings
from typing import Dict, List, Optional

from mmengine.optim import build_optim_wrapper
from torch import nn
from tqdm import tqdm

from clae_mm.engine.hooks.contrastive_adversarial_hook import ContrastiveAdversarialHook
from clae_mm.registry import PARAM_SCHEDULERS
from clae_mm.utils import CLAEError
from clae_mm.utils.config_check import registry_errors_as_clae_errors
from clae_mm.utils.training_settings import adversarial_hook_cfg


def iterations_per_epoch(dataset_size: int, batch_size: int, world_size: int = 1,
                         drop_last: bool = False) -> int:
    """Iterations of one epoch: mmengine's DefaultSampler gives each process
    ceil(N / world size) images (round_up), the loader batches them."""
    per_process = math.ceil(dataset_size / world_size)
    return per_process // batch_size if drop_last else math.ceil(per_process / batch_size)


def training_length(cfg, iters_per_epoch: int) -> Dict[str, Optional[int]]:
    """``max_epochs`` (None for an iteration loop) and ``max_iters`` of ``cfg.train_cfg``."""
    train_cfg = cfg.get('train_cfg') or {}
    if train_cfg.get('max_epochs') is not None:
        return dict(max_epochs=int(train_cfg['max_epochs']),
                    max_iters=int(train_cfg['max_epochs']) * iters_per_epoch)
    if train_cfg.get('max_iters') is not None:
        return dict(max_epochs=None, max_iters=int(train_cfg['max_iters']))
    raise CLAEError('train_cfg sets neither max_epochs nor max_iters; pass a training config')


def build_schedulers(cfg, optim_wrapper, iters_per_epoch: int, length: dict) -> list:
    """The config's ``param_scheduler`` built as the Runner builds it."""
    configs = cfg.get('param_scheduler') or []
    configs = [configs] if isinstance(configs, dict) else list(configs)
    schedulers = []
    for scheduler in configs:
        if not isinstance(scheduler, dict):
            raise CLAEError(f'param_scheduler holds {scheduler!r}, not a dict (--cfg-options reads '
                            'list items as text); set the schedulers in a config file')
        scheduler = dict(scheduler)
        scheduler.setdefault('end', length['max_epochs'] if scheduler.get('by_epoch', True)
                             else length['max_iters'])
        schedulers.append(PARAM_SCHEDULERS.build(
            scheduler, default_args=dict(optimizer=optim_wrapper, epoch_length=iters_per_epoch)))
    return schedulers


def unreached_events(schedulers: list, iters_per_epoch: int, max_iters: int) -> List[str]:
    """Scheduler milestones, begins and ends after the last iteration: what
    this training length never reaches (a shorter ``max_epochs`` does not move
    them)."""
    notes = []
    for scheduler in schedulers:
        name, unit = type(scheduler).__name__, iters_per_epoch if scheduler.by_epoch else 1
        events = [('milestone', step) for step in sorted(getattr(scheduler, 'milestones', {}))]
        events += [('begin', scheduler.begin), ('end', scheduler.end)]
        for what, step in events:
            if step * unit > max_iters and step < 2 ** 31 - 1:  # mmengine's INF: no end
                where = f'epoch {step}' if scheduler.by_epoch else f'iteration {step}'
                notes.append(f'{name} {what} at {where}: after the last iteration ({max_iters})')
    return notes


def simulate_schedule(cfg, iters_per_epoch: int, progress: bool = True) -> dict:
    """The learning rate (first param group) and eps before every iteration.

    Args:
        cfg: a training config (``optim_wrapper``, ``param_scheduler``,
            ``train_cfg``, the adversarial hook in ``default_hooks``).
        iters_per_epoch: iterations of one epoch (:func:`iterations_per_epoch`).
        progress: a progress bar over the epochs.

    Return:
        dict with ``lr`` and ``eps`` (one value per iteration),
        ``max_epochs``, ``max_iters``, ``iters_per_epoch``, ``lr_groups`` (the
        number of param groups with their own rate: 1 on the stand-in model)
        and ``unreached`` (:func:`unreached_events`).
    """
    if iters_per_epoch < 1:
        raise CLAEError('an epoch has no iteration (dataset smaller than one batch with '
                        'drop_last); check --dataset-size and the batch size')
    length = training_length(cfg, iters_per_epoch)
    hook_cfg = adversarial_hook_cfg(cfg)
    hook_cfg.pop('type', None)
    try:
        hook = ContrastiveAdversarialHook(**hook_cfg) if hook_cfg else None
    except (TypeError, ValueError) as exc:
        raise CLAEError(f'the adversarial hook cannot be built ({exc}); fix its settings in the '
                        'config or --cfg-options') from None
    lrs, eps = [], []
    epochs = length['max_epochs'] or math.ceil(length['max_iters'] / iters_per_epoch)
    with warnings.catch_warnings():
        # No optimizer step is taken here, which torch's schedulers warn about.
        warnings.filterwarnings('ignore', message=re.escape('Detected call of `scheduler.step()`'))
        # The rates do not depend on the model: a stand-in with one weight and one bias.
        with registry_errors_as_clae_errors():  # an unknown type is a one-line error
            optim_wrapper = build_optim_wrapper(nn.Linear(1, 1), cfg.optim_wrapper)
            schedulers = build_schedulers(cfg, optim_wrapper, iters_per_epoch, length)
        for _ in tqdm(range(epochs), desc='schedule', unit='epoch', disable=not progress,
                      leave=False):
            for _ in range(min(iters_per_epoch, length['max_iters'] - len(lrs))):
                lrs.append(optim_wrapper.param_groups[0]['lr'])
                eps.append(hook.eps_at(len(eps)) if hook is not None and hook.alpha else 0.0)
                for scheduler in schedulers:
                    if not scheduler.by_epoch:
                        scheduler.step()
            if length['max_epochs'] is not None:
                for scheduler in schedulers:
                    if scheduler.by_epoch:
                        scheduler.step()
    return dict(lr=lrs, eps=eps, iters_per_epoch=iters_per_epoch, **length,
                lr_groups=len({group['lr'] for group in optim_wrapper.param_groups}),
                unreached=unreached_events(schedulers, iters_per_epoch, length['max_iters']))
