from mmengine.hooks import Hook

from clae_mm.registry import HOOKS


@HOOKS.register_module()
class ResetLearningRateHook(Hook):
    """After ``--resume``, train at the config's learning rate, not the
    checkpoint's (``tools/train.py --resume PATH --reset-lr``).

    mmengine restores the optimizer's param groups, ``lr`` and
    ``initial_lr`` included, and the schedulers' ``base_values`` from the
    checkpoint, so ``--cfg-options optim_wrapper.optimizer.lr=...`` is
    silently ignored on resume. This hook records each param group's learning
    rate as the config builds it (``before_run``, after ``auto_scale_lr`` and
    paramwise multipliers, before the checkpoint is loaded) and, once it is
    loaded (``before_train``), re-bases the run on it: group ``g`` gets
    ``initial_lr = config_g`` and ``lr = saved lr * config_g / saved
    initial_lr``, and every learning-rate scheduler's ``base_values``
    follow. The schedule goes on from the resumed step as if it
    had started from the new rate (exactly so for the multiplicative
    schedules: constant, step, cosine to 0, linear warm-up). Without a
    scheduler, ``lr`` is the config's. The optimizer's other state (momenta,
    Adam's moments) is kept.
    """

    priority = 'VERY_HIGH'

    def __init__(self):
        self.config_lrs = None

    def before_run(self, runner) -> None:
        self.config_lrs = [group.get('initial_lr', group['lr'])
                           for group in runner.optim_wrapper.param_groups]

    def before_train(self, runner) -> None:
        groups = runner.optim_wrapper.param_groups
        if self.config_lrs is None or len(self.config_lrs) != len(groups):
            return  # nothing recorded: the groups are the config's
        for group, config_lr in zip(groups, self.config_lrs):
            saved_base = group.get('initial_lr')
            ratio = config_lr / saved_base if saved_base else None
            before = group['lr']
            group['lr'] = before * ratio if ratio is not None else config_lr
            if saved_base is not None:
                group['initial_lr'] = config_lr
            runner.logger.info(f'--reset-lr: learning rate {before:.6g} -> {group["lr"]:.6g} '
                               f'(config {config_lr:.6g})')
        for scheduler in _learning_rate_schedulers(runner.param_schedulers):
            groups = scheduler.optimizer.param_groups
            scheduler.base_values = [group['initial_lr'] for group in groups]


def _learning_rate_schedulers(schedulers):
    if schedulers is None:
        return
    if isinstance(schedulers, dict):
        for group in schedulers.values():
            yield from _learning_rate_schedulers(group)
        return
    for scheduler in schedulers:
        if getattr(scheduler, 'param_name', None) == 'lr':
            yield scheduler
