import math
from numbers import Real
from typing import Optional, Sequence

from mmengine.hooks import Hook

from clae_mm.models.utils.adversarial_augmentation import AdversarialAugmentation
from clae_mm.registry import HOOKS
from clae_mm.utils.model_wrapper import unwrap_model
from clae_mm.utils.training_settings import epoch_span

# Message-hub runtime info, saved in every checkpoint: the eps each trained
# epoch used (0 where no adversary ran), and the adversary of the last one.
EPS_HISTORY_KEY = 'adversarial/eps_history'
SETTINGS_KEY = 'adversarial/settings'


@HOOKS.register_module()
class ContrastiveAdversarialHook(Hook):
    """Owns CLAE's attack: its configuration and its schedule.

    Before every training iteration it hands the model an
    :class:`AdversarialAugmentation` (eps, alpha, attack) for that iteration;
    the model then makes the adversarial augmentations of eq. 15 inside its
    forward (under autocast and inside the DDP wrapper, where an input-only
    ``torch.autograd.grad`` is possible) and adds alpha * L_adv (eq. 16).
    ``eps=0`` or ``alpha=0`` hands it nothing: the baseline method, with no
    adversarial forward at all.

    Args:
        eps (float): attack strength (0.03 in the paper's runs).
        alpha (float): weight of L_adv (1 in the paper).
        attack (str): 'fgsm' (default), 'rfgsm', 'ffgsm' or 'pgd'.
        space (str): 'normalized' (the authors': eps on the normalised image)
            or 'pixel' (eps in [0, 1] pixel units, clamped to the image range).
        attack_cfg (dict, optional): extra attack arguments (``steps``,
            ``step_size``, ``random_step``, ``random_start``).
        eps_warmup_iters (int): ramp eps linearly from 0 over this many
            iterations (0, the paper's setting, disables it).
        gain_interval (int): every this many iterations also measure and log
            ``attack_gain`` (the attack loss after minus before the step; one
            extra forward without gradients). 0 disables it.

    After every epoch it appends the eps that epoch trained at (0 without an
    adversary) to the message hub's ``adversarial/eps_history``, which every
    checkpoint saves and ``meta['training_settings']['eps_history']``
    records. A run resumed with another eps, alpha or attack than its
    checkpoint's trains the rest at the new ones: it says so in a warning, and
    its history keeps both eps, so no tool plots it as one eps.
    """

    priority = 'NORMAL'

    def __init__(self,
                 eps: float = 0.03,
                 alpha: float = 1.0,
                 attack: str = 'fgsm',
                 space: str = 'normalized',
                 attack_cfg: Optional[dict] = None,
                 eps_warmup_iters: int = 0,
                 gain_interval: int = 10):
        # Validate now, so a bad value fails when the runner is built, before
        # any data is loaded or any step is taken. NaN passes every `< 0`
        # check and `eps == 0` is False for it: refuse it (and Inf) first.
        numbers = dict(eps=eps, alpha=alpha, **{f'attack_cfg.{k}': v
                                                 for k, v in (attack_cfg or {}).items()})
        for name, value in numbers.items():
            if isinstance(value, Real) and not isinstance(value, bool) and not math.isfinite(value):
                raise ValueError(f'{name} must be a finite number, got {value}')
        AdversarialAugmentation(eps=eps, alpha=alpha, attack=attack, space=space,
                                attack_cfg=dict(attack_cfg or {}))
        if eps_warmup_iters < 0 or gain_interval < 0:
            raise ValueError('eps_warmup_iters and gain_interval must be >= 0')
        self.eps = eps
        self.alpha = alpha
        self.attack = attack
        self.space = space
        self.attack_cfg = dict(attack_cfg or {})
        self.eps_warmup_iters = eps_warmup_iters
        self.gain_interval = gain_interval

    def eps_at(self, iteration: int) -> float:
        if self.eps_warmup_iters and iteration < self.eps_warmup_iters:
            return self.eps * iteration / self.eps_warmup_iters
        return self.eps

    def adversary_at(self, iteration: int) -> Optional[AdversarialAugmentation]:
        eps = self.eps_at(iteration)
        if eps == 0 or self.alpha == 0:
            return None
        return AdversarialAugmentation(
            eps=eps, alpha=self.alpha, attack=self.attack, space=self.space,
            attack_cfg=self.attack_cfg,
            measure_gain=bool(self.gain_interval) and (iteration + 1) % self.gain_interval == 0)

    def before_train_iter(self, runner, batch_idx: int, data_batch: Optional[Sequence] = None) -> None:
        unwrap_model(runner.model).adversary = self.adversary_at(runner.iter)

    def settings(self) -> dict:
        """What this hook trains with, as its checkpoints record it."""
        active = bool(self.eps and self.alpha)
        return dict(eps=float(self.eps) if active else 0.0, alpha=float(self.alpha),
                    attack=self.attack if active else 'none')

    def before_train(self, runner) -> None:
        """On resume, warn when the checkpoint trained with another adversary."""
        trained = runner.message_hub.get_info(SETTINGS_KEY)
        history = runner.message_hub.get_info(EPS_HISTORY_KEY) or []
        now = self.settings()
        if not trained or not history or dict(trained) == now:
            return
        changed = ', '.join(f'{key} {trained.get(key)} -> {value}' for key, value in now.items()
                            if trained.get(key) != value)
        runner.logger.warning(
            f'resumed with another adversary than the checkpoint trained with ({changed}): '
            f'{epoch_span(1, len(history))} trained at eps={history[-1]:g}, '
            f'{epoch_span(len(history) + 1, runner.max_epochs)} '
            f'{"trains" if runner.max_epochs == len(history) + 1 else "train"} at '
            f'eps={now["eps"]:g}. '
            'The checkpoints record every '
            "epoch's eps (eps_history) and plot_ablation.py refuses the run as a point of one "
            'eps; to go on as trained, resume with --cfg-options ' + ' '.join(
                f'default_hooks.adversarial.{key}={trained.get(key)}' for key in now
                if trained.get(key) != now[key] and trained.get(key) != 'none'))

    def after_train_epoch(self, runner) -> None:
        history = list(runner.message_hub.get_info(EPS_HISTORY_KEY) or [])[:runner.epoch]
        runner.message_hub.update_info(EPS_HISTORY_KEY, history + [self.settings()['eps']])
        runner.message_hub.update_info(SETTINGS_KEY, self.settings())

    def after_train(self, runner) -> None:
        unwrap_model(runner.model).adversary = None
