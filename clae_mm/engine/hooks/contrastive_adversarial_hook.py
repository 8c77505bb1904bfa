import math
from numbers import Real
from typing import Optional, Sequence

from mmengine.hooks import Hook

from clae_mm.models.utils.adversarial_augmentation import AdversarialAugmentation
from clae_mm.registry import HOOKS
from clae_mm.utils.model_wrapper import unwrap_model


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

    def after_train(self, runner) -> None:
        unwrap_model(runner.model).adversary = None
