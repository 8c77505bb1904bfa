from contextlib import nullcontext
from typing import Dict, List, Optional, Tuple

import torch
from mmpretrain.models.selfsup.base import BaseSelfSupervisor

from clae_mm.models.utils.adversarial_augmentation import AdversarialAugmentation
from clae_mm.models.utils.attacks import ATTACKS, STARTS_AT_VIEW, linf_projection
from clae_mm.models.utils.dual_bn import (adversarial_bn, convert_dual_bn, has_dual_bn,
                                         recorded_bn_batch_stats, repeated_bn_update,
                                         replay_bn_update)
from clae_mm.registry import MODELS

VIEW_FORWARDS = ('per_view', 'joint')
SCHEDULES = ('fast', 'reference')


@MODELS.register_module()
class CLAE(BaseSelfSupervisor):
    """Contrastive learning with adversarial examples (Algorithm 1).

    One training step, read top to bottom in :meth:`loss`:

    1. embed the two augmented views x1, x2 with the clean BNs;
    2. L_aug = L_cl(f(x1), f(x2))                                  (eq. 5/10)
    3. if an adversary is set (eps > 0 and alpha > 0): attack x1 through the
       adversarial BNs, with the gradient taken w.r.t. the input only (eq. 15)
    4. L_adv = L_cl(f(x1), f_adv(x1_adv)); minimise L_aug + alpha * L_adv (eq. 16)

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
        super().__init__(backbone=backbone, neck=neck, head=head,
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg, **kwargs)
        if view_forward not in VIEW_FORWARDS:
            raise ValueError(f'view_forward must be one of {VIEW_FORWARDS}, got {view_forward!r}')
        if schedule not in SCHEDULES:
            raise ValueError(f'schedule must be one of {SCHEDULES}, got {schedule!r}')
        if dual_bn is not None:
            convert_dual_bn(self.backbone, **dual_bn)
            convert_dual_bn(self.neck, **dual_bn)
        self.view_forward = view_forward
        self.schedule = schedule
        self.adversary: Optional[AdversarialAugmentation] = None

    # ------------------------------------------------------------------ #
    def embed(self, x: torch.Tensor, adversarial: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
        """(pooled backbone feature, embedding) through the clean or adversarial BNs."""
        with adversarial_bn(self, enabled=True) if adversarial else nullcontext():
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
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError('CLAE expects two augmented views per image: use '
                             "MultiView(num_views=2, ...) in the training pipeline")
        view1, view2 = inputs[0], inputs[1]
        adversary = self.adversary if self.adversary is not None and self.adversary.active else None
        if adversary is not None and not has_dual_bn(self):
            raise RuntimeError('CLAE with eps > 0 needs dual BNs: use a DualBNResNet '
                               'backbone or set dual_bn=dict(adv_bn_momentum=0.01)')

        # The authors' Plain forwards the clean x1 a second time for L_adv
        # (after x2); the fast schedule reuses z1 and replays x1's batch
        # statistics into the clean BNs instead, so the buffers match theirs.
        replay_x1 = (adversary is not None and self.schedule == 'fast'
                     and self.head.method == 'plain' and self.view_forward == 'per_view')
        z1, z2 = self._embed_views(view1, view2, replay_x1)
        losses = dict(loss_aug=self.head.loss(z1, z2))
        if adversary is None:
            return losses

        view1_adv, stats = self.adversarial_views(view1, adversary)
        if self.schedule == 'reference' and self.head.method == 'plain':
            z1 = self.embed(view1)[1]
        z_adv = self.embed(view1_adv, adversarial=True)[1]
        losses['loss_adv'] = adversary.alpha * self.head.loss(z1, z_adv)
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

    # ------------------------------------------------------------------ #
    def adversarial_views(self, view: torch.Tensor, adversary: AdversarialAugmentation):
        """Adversarial augmentations of ``view`` (eq. 15) and attack statistics.

        The attacked loss is L_cl(f_adv(x), f_adv(x + delta)): the query is the
        view through the adversarial BNs (no input gradient), the perturbation
        acts on the keys, as in the authors' ``gen_adv``. Parameter gradients
        never leave this method.
        """
        x = view.detach()
        to_model, to_attack, lower, upper = self.attack_space(adversary.space)
        project = linf_projection(adversary.eps, lower, upper)
        reference = self.schedule == 'reference'
        if reference and torch.distributed.is_available() and torch.distributed.is_initialized():
            raise RuntimeError("schedule='reference' backpropagates inside the forward and "
                               "cannot run under DistributedDataParallel: use schedule='fast'")
        query = None
        if reference or adversary.attack not in STARTS_AT_VIEW:
            with adversarial_bn(self), (nullcontext() if reference else torch.no_grad()):
                query = self.embed(x)[1]

        def input_gradient(candidate: torch.Tensor):
            nonlocal query
            candidate = candidate.detach().requires_grad_(True)
            # Fast FGSM: query and key are the same batch at the view, so one
            # forward serves both; it updates the adversarial BN statistics
            # twice, like the authors' two forwards.
            shared = query is None
            with adversarial_bn(self), repeated_bn_update(self, 2 if shared else 1):
                key = self.embed(to_model(candidate))[1]
            if shared:
                query = key.detach()
            attack_loss = self.head.loss(query, key)
            if reference:
                attack_loss.backward(retain_graph=True)
                grad = candidate.grad
            else:
                grad, = torch.autograd.grad(attack_loss, candidate)
            return attack_loss.detach(), grad

        # The authors' attack backpropagates into the parameters (their next
        # zero_grad drops it). Backward accumulates into an existing .grad in
        # place, so the caller's gradients are set aside while it runs and the
        # attack's go to fresh tensors, dropped after: the caller's come back
        # untouched.
        saved_grads = []
        if reference:
            saved_grads = [p.grad for p in self.parameters()]
            for p in self.parameters():
                p.grad = None
        try:
            attacked = ATTACKS[adversary.attack](to_attack(x), input_gradient, adversary.eps,
                                                 project, **adversary.attack_cfg)
        finally:
            for p, grad in zip(self.parameters(), saved_grads):
                p.grad = grad
        view_adv = to_model(attacked).detach()
        stats = {}
        if adversary.measure_gain:
            before = self.attack_loss(x, x, query)
            after = self.attack_loss(x, view_adv, query)
            stats['attack_gain'] = after - before
        return view_adv, stats

    @torch.no_grad()
    def attack_loss(self, view: torch.Tensor, perturbed: torch.Tensor,
                    query: Optional[torch.Tensor] = None) -> torch.Tensor:
        """L_cl(f_adv(view), f_adv(perturbed)) without gradients and without
        touching any BN running statistic (for logging and Fig. 3a)."""
        with adversarial_bn(self), repeated_bn_update(self, 0):
            if query is None:
                query = self.embed(view)[1]
            key = self.embed(perturbed)[1]
        return self.head.loss(query.detach(), key).detach()

    def attack_space(self, space: str):
        """(to_model, to_attack, lower, upper): maps between the model's
        normalised input and the attacked variable of ``space``, and the valid
        range of the latter (None in normalised space, [0, 1] in pixel space)."""
        if space == 'normalized':
            identity = lambda t: t  # noqa: E731
            return identity, identity, None, None
        mean = self.data_preprocessor.mean / 255.0
        std = self.data_preprocessor.std / 255.0
        zeros, ones = torch.zeros_like(mean), torch.ones_like(mean)
        return (lambda p: (p - mean) / std), (lambda t: t * std + mean), zeros, ones
