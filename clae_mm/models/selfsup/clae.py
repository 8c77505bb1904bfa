from contextlib import nullcontext
from typing import Dict, List, Optional, Tuple

import torch
from mmpretrain.models.selfsup.base import BaseSelfSupervisor

from clae_mm.models.utils.dual_bn import recorded_bn_batch_stats, replay_bn_update
from clae_mm.registry import MODELS
from .adversarial_training import AdversarialTrainingMixin, two_views

VIEW_FORWARDS = ('per_view', 'joint')


@MODELS.register_module()
class CLAE(AdversarialTrainingMixin, BaseSelfSupervisor):
    """Contrastive learning with adversarial examples (Algorithm 1) for the
    paper's methods: Plain, UEL and SimCLR.

    One training step, read top to bottom in :meth:`loss`:

    1. embed the two augmented views x1, x2 with the clean BNs;
    2. L_aug = L_cl(f(x1), f(x2))                                  (eq. 5/10)
    3. if an adversary is set (eps > 0 and alpha > 0): attack x1 through the
       adversarial BNs, with the gradient taken w.r.t. the input only (eq. 15)
    4. L_adv = L_cl(f(x1), f_adv(x1_adv)); minimise L_aug + alpha * L_adv (eq. 16)

    The attack, the adversarial routing and the dual-BN build are the shared
    ones of :class:`AdversarialTrainingMixin` (also used by the CLAE variants
    of mmpretrain's MoCo, BYOL, SimSiam and Barlow Twins); this class adds
    the authors' passes: the attack's anchor is f_adv(x1) (their
    ``gen_adv``), Plain's clean x1 statistics are replayed, and
    ``schedule='reference'`` re-runs their forwards.

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

    # ------------------------------------------------------------------ #
    def embed(self, x: torch.Tensor, adversarial: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
        """(pooled backbone feature, embedding) through the clean or adversarial BNs."""
        with self.adversarial_routing() if adversarial else nullcontext():
            return self.neck(self.backbone(x))

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'embedding') -> torch.Tensor:
        """Features for evaluation (clean BNs): 'backbone' (pooled), 'embedding'
        (the neck's normalised output) or 'pixels' (the normalised input image,
        flattened: the raw-pixel floor a learned representation should beat)."""
        if stage == 'pixels':
            return inputs.flatten(1)
        pooled, embedding = self.embed(inputs)
        if stage == 'backbone':
            return pooled
        if stage == 'embedding':
            return embedding
        raise ValueError(f"stage must be 'backbone', 'embedding' or 'pixels', got {stage!r}")

    # ------------------------------------------------------------------ #
    def loss(self, inputs: List[torch.Tensor], data_samples=None) -> Dict[str, torch.Tensor]:
        """L_aug + alpha * L_adv of eq. 16 for one batch of two views."""
        view1, view2 = two_views(inputs)
        adversary = self.active_adversary()

        # The authors' Plain forwards the clean x1 a second time for L_adv
        # (after x2); the fast schedule reuses z1 and replays x1's batch
        # statistics into the clean BNs instead, so the buffers match theirs.
        replay_x1 = (adversary is not None and self.schedule == 'fast'
                     and self.head.method == 'plain' and self.view_forward == 'per_view')
        z1, z2 = self._embed_views(view1, view2, replay_x1)
        losses = dict(loss_aug=self.head.loss(z1, z2))
        if adversary is None:
            return losses

        # The shared attack (AdversarialTrainingMixin.adversarial_views) with
        # the authors' anchor f_adv(x1); L_adv pairs the clean z1 with it.
        view1_adv, stats = self.adversarial_views(view1, adversary)
        if self.schedule == 'reference' and self.head.method == 'plain':
            z1 = self.embed(view1)[1]
        with self.adversarial_routing():
            z_adv = self.adversarial_embedding(view1_adv)
            losses['loss_adv'] = adversary.alpha * self.pair_loss(z1, z_adv)
        losses.update(stats)
        return losses

    def _embed_views(self, view1, view2, replay_x1: bool = False):
        if self.view_forward == 'joint':
            z = self.embed(torch.cat([view1, view2]))[1]
            return z.chunk(2)
        with recorded_bn_batch_stats(self) if replay_x1 else nullcontext([]) as x1_stats:
            z1 = self.embed(view1)[1]
        z2 = self.embed(view2)[1]
        replay_bn_update(x1_stats)
        return z1, z2

    # What the shared attack needs (AdversarialTrainingMixin).
    def adversarial_embedding(self, x: torch.Tensor) -> torch.Tensor:
        return self.embed(x)[1]

    def pair_loss(self, anchor: torch.Tensor, perturbed: torch.Tensor) -> torch.Tensor:
        """L_cl(anchor, perturbed): eq. 10 with W from the perturbed side."""
        return self.head.loss(anchor, perturbed)
