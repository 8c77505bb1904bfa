from dataclasses import dataclass, field

from .attacks import ATTACKS

SPACES = ('normalized', 'pixel')


@dataclass
class AdversarialAugmentation:
    """What the model needs to make adversarial augmentations this iteration.

    Built and updated by :class:`ContrastiveAdversarialHook`, read by
    :meth:`CLAE.loss`.

    Args:
        eps (float): attack strength of eq. 15. In ``space='normalized'`` (the
            authors') it is measured on the normalised image, so the pixel
            budget is eps * std; in ``space='pixel'`` it is in [0, 1] pixel
            units and the adversarial image is clamped to the valid range.
        alpha (float): weight of L_adv in eq. 16.
        attack (str): 'fgsm' (the paper), 'rfgsm', 'ffgsm' or 'pgd' (Fig. 7).
        attack_cfg (dict): extra arguments of the attack (steps, step_size...).
        measure_gain (bool): also compute the attack loss after the step (one
            extra forward without gradients) to log ``attack_gain``.
    """
    eps: float = 0.03
    alpha: float = 1.0
    attack: str = 'fgsm'
    space: str = 'normalized'
    attack_cfg: dict = field(default_factory=dict)
    measure_gain: bool = False

    def __post_init__(self):
        if self.eps < 0:
            raise ValueError(f'eps must be >= 0, got {self.eps}')
        if self.alpha < 0:
            raise ValueError(f'alpha must be >= 0, got {self.alpha}')
        if self.attack not in ATTACKS:
            raise ValueError(f'unknown attack {self.attack!r}: choose one of {sorted(ATTACKS)}')
        if self.space not in SPACES:
            raise ValueError(f'unknown attack space {self.space!r}: choose one of {SPACES}')

    @property
    def active(self) -> bool:
        """eps = 0 or alpha = 0 is the baseline: no adversarial forward at all."""
        return self.eps > 0 and self.alpha > 0
