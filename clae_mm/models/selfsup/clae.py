from contextlib import nullcontext
from typing import Dict, Optional, Tuple

import torch
from mmpretrain.models.selfsup.base import BaseSelfSupervisor

from clae_mm.models.utils.dual_bn import recorded_bn_batch_stats, replay_bn_update
from clae_mm.registry import MODELS
from .adversarial_training import AdversarialTrainingMixin

VIEW_FORWARDS = ('per_view', 'joint')


@MODELS.register_module()
class CLAE(AdversarialTrainingMixin, BaseSelfSupervisor):
    """Contrastive learning with adversarial examples (Algorithm 1) for the
    paper's methods: Plain, UEL and SimCLR.

    One training step is :meth:`AdversarialTrainingMixin.loss` with this
    method's loss L_cl (the head, :class:`CLAELoss`):

    1. :meth:`clean_loss`: z1 = f(x1), z2 = f(x2) through the clean BNs and
       L_aug = L_cl(z1, z2)                                        (eq. 5/10);
    2. if an adversary is set (eps > 0 and alpha > 0): x1 attacked through the
       adversarial BNs, the gradient taken w.r.t. the input only, the anchor
       f_adv(x1) as in the authors' ``gen_adv`` (eq. 15);
    3. L_adv = L_cl(z1, f_adv(x1_adv)); minimise L_aug + alpha * L_adv (eq. 16).

    The adversary (eps, alpha, attack) is set every iteration by
    :class:`ContrastiveAdversarialHook`; with none set the model is the plain
    baseline method and runs no adversarial forward at all.

    Args:
        backbone, neck, head (dict): as mmpretrain's self-supervisors; the neck
            returns (pooled feature, embedding), the head is a :class:`CLAELoss`.
        dual_bn (dict, optional): e.g. ``dict(adv_bn_momentum=0.01)`` converts
            every BatchNorm of the backbone and neck into a dual one, so any
            BN backbone of mmpretrain gets CLAE from a config key.
        view_forward (str): 'per_view' (the authors': x1, x2 and adv(x1) are
            separate forwards of B images, so BN statistics are per view) or
            'joint' (mmpretrain's SimCLR: one forward of the 2B stacked views).
        schedule (str): 'fast' (one adversarial forward for the attack, an
            input-only gradient, the clean x1 forward reused by both terms;
            same losses, gradients and BN buffers as the authors) or
            'reference' (the authors' passes, for benchmarks and tests).
    """

    dual_bn_modules = ('backbone', 'neck')  # CLAELoss has no BN

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 dual_bn: Optional[dict] = None,
                 view_forward: str = 'per_view',
                 schedule: str = 'fast',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 **kwargs):
        if view_forward not in VIEW_FORWARDS:
            raise ValueError(f'view_forward must be one of {VIEW_FORWARDS}, got {view_forward!r}')
        super().__init__(backbone=backbone, neck=neck, head=head, dual_bn=dual_bn,
                         schedule=schedule, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg, **kwargs)
        self.view_forward = view_forward

    def clean_loss(self, view1: torch.Tensor, view2: torch.Tensor,
                   need_anchor: bool) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
        """L_aug = L_cl(f(x1), f(x2)) and x1's anchor for L_adv, the clean f(x1).

        The authors' Plain forwards the clean x1 once more for L_adv, so its
        clean BNs see x1, x2 and x1: 'reference' runs that forward (they run
        it after the attack, which touches only the adversarial BNs), 'fast'
        reuses f(x1) and replays x1's batch statistics into the clean BNs.
        """
        if self.view_forward == 'joint':
            z1, z2 = self.embedding(torch.cat([view1, view2])).chunk(2)
            return dict(loss_aug=self.head.loss(z1, z2)), z1
        second_x1 = need_anchor and self.head.method == 'plain'
        replay = second_x1 and self.schedule == 'fast'
        with recorded_bn_batch_stats(self) if replay else nullcontext([]) as x1_stats:
            z1 = self.embedding(view1)
        z2 = self.embedding(view2)
        replay_bn_update(x1_stats)
        losses = dict(loss_aug=self.head.loss(z1, z2))
        if second_x1 and not replay:
            z1 = self.embedding(view1)
        return losses, z1

    def attack_anchor(self, anchor: torch.Tensor) -> None:
        return None  # the authors' gen_adv: f_adv(x1), from the attack's own forward

    def pair_loss(self, anchor: torch.Tensor, perturbed: torch.Tensor) -> torch.Tensor:
        """L_cl(anchor, perturbed): eq. 10 with W from the perturbed side."""
        return self.head.loss(anchor, perturbed)
