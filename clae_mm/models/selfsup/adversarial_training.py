"""CLAE's adversarial step (Algorithm 1, eqs. 15-16), written once for every method.

One CLAE iteration of any method (Plain, UEL, SimCLR and the zoo) reads top
to bottom in :meth:`AdversarialTrainingMixin.loss`:

1. ``losses, anchor = self.clean_loss(x1, x2, need_anchor)``: the method's own
   objective L_M(x1, x2) (``loss_aug``), with its side effects (momentum/EMA
   update, queue) exactly once, as in the baseline, and x1's *anchor*: what
   the method compares another view of x1 with (CLAE, SimSiam, Barlow Twins:
   the clean embedding of x1; MoCo: the momentum key of x1; BYOL: the target
   projection of x1);
2. if the hook set an adversary: x1_adv maximises L_M(x1, x1 + delta) over
   the eps-ball (eq. 15), the perturbed view going through the adversarial
   BNs and the gradient taken w.r.t. the input only (:meth:`adversarial_views`);
3. ``loss_adv = alpha * L_M(x1, x1_adv)`` (eq. 16), x1_adv through the
   adversarial BNs again.

A method is a class ``CLAEX(AdversarialTrainingMixin, X)`` over mmpretrain's
``BaseSelfSupervisor`` or algorithm ``X`` (its networks, necks, heads,
losses, EMA and queue are mmpretrain's) that supplies ``pair_loss(anchor, perturbed)``: L_M(x1, x) from x1's anchor
and x's ``adversarial_embedding`` (run with the online BNs routed
adversarial, so a predictor applied to the perturbed side uses its
adversarial BNs); and where its defaults do not fit:

- ``clean_loss(view1, view2, need_anchor) -> (losses, anchor)`` (default:
  ``X.loss`` and the projection of x1 it computed);
- ``adversarial_embedding(x)``: the output of the branch that sees the
  perturbed view (default: :meth:`embedding`, the online network's);
- ``attack_anchor(anchor)``: what the attack compares x1 + delta with
  (default: the anchor, detached; CLAE: the authors' f_adv(x1));
- ``dual_bn_modules``: the online modules whose BatchNorms become dual and
  which the attack routes through the adversarial branch;
- ``held_back_modules()``: modules whose BN buffers neither the attack nor
  L_adv may change (e.g. Barlow Twins' loss-side BN);
- ``adversarial_branches``: 'target' too, for a method with a
  momentum/target network that may see x1_adv (MoCo, BYOL).
"""
from contextlib import ExitStack, contextmanager, nullcontext
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from clae_mm.models.utils.adversarial_augmentation import AdversarialAugmentation
from clae_mm.models.utils.attacks import ATTACKS, STARTS_AT_VIEW, linf_projection
from clae_mm.models.utils.dual_bn import (DualBatchNorm, adversarial_bn, convert_dual_bn,
                                         has_dual_bn, repeated_bn_update)
from clae_mm.registry import MODELS

SCHEDULES = ('fast', 'reference')


def require_batch_norm(backbone: nn.Module) -> None:
    """Refuse, at build time, a backbone that has no BatchNorm to make dual.

    Without one the conversion converts nothing and the attack has no
    adversarial statistics to route through.
    """
    if not any(isinstance(m, (_BatchNorm, DualBatchNorm)) for m in backbone.modules()):
        raise ValueError(
            f'CLAE needs batch statistics: backbone {type(backbone).__name__} has no BatchNorm '
            'layer to split into clean and adversarial branches (dual BN, paper Sec. 3.5); use a '
            'BatchNorm backbone, e.g. DualBNResNet_CIFAR, or ResNet_CIFAR with '
            'dual_bn=dict(adv_bn_momentum=0.01)')


def detached(anchor):
    """An anchor (a tensor or a tuple of tensors) without its graph."""
    if isinstance(anchor, (tuple, list)):
        return type(anchor)(detached(a) for a in anchor)
    return anchor.detach() if isinstance(anchor, torch.Tensor) else anchor


@contextmanager
def recorded_outputs(module: nn.Module):
    """The outputs of ``module``'s forwards inside the block, in call order (a
    torch forward hook): how a method reads x1's anchor out of its upstream
    ``loss()``, which returns only the losses."""
    outputs = []
    handle = module.register_forward_hook(lambda _module, _args, output: outputs.append(output))
    try:
        yield outputs
    finally:
        handle.remove()


def two_views(inputs) -> Tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
        raise ValueError('CLAE expects two augmented views per image: use '
                         "MultiView(num_views=2, ...) in the training pipeline")
    return inputs[0], inputs[1]


class AdversarialTrainingMixin:
    """The adversarial step of CLAE for a self-supervised method (see the
    module docstring for what a method supplies).

    Args (keyword, consumed before the method's own ``__init__``):
        backbone, neck, head (dict | nn.Module): built here, so their BNs are
            dual before the method copies them into a momentum/target network
            (the copies then follow the online BNs as in mmpretrain).
        dual_bn (dict, optional): e.g. ``dict(adv_bn_momentum=0.01)`` makes
            every BatchNorm of ``dual_bn_modules`` dual (the clean branch is
            the original layer). None keeps the BNs as built (a
            ``DualBNResNet*`` backbone is dual already; plain BNs are the
            baseline).
        schedule (str): 'fast' (input-only gradient) or 'reference' (the
            authors' attack backward into the parameters, set aside and
            restored; single process only).
        adversarial_branch (str): which network sees x1_adv: 'online' (every
            method) or, where the method has a momentum/target network
            (``adversarial_branches``: MoCo, BYOL), 'target'
            (docs/algorithm.md).

    A backbone without any BatchNorm is refused here, in one line.
    """

    # The online network: its BNs become dual and the attack routes them.
    dual_bn_modules: Sequence[str] = ('backbone', 'neck', 'head')
    # The networks x1_adv may go through: the online one, and for a method
    # with a momentum/target network also that one.
    adversarial_branches: Sequence[str] = ('online', )
    adversary: Optional[AdversarialAugmentation]

    def __init__(self, *, backbone, neck=None, head=None, dual_bn: Optional[dict] = None,
                 schedule: str = 'fast', adversarial_branch: str = 'online', **kwargs):
        if schedule not in SCHEDULES:
            raise ValueError(f'schedule must be one of {SCHEDULES}, got {schedule!r}')
        if adversarial_branch not in self.adversarial_branches:
            raise ValueError(f'adversarial_branch must be one of {tuple(self.adversarial_branches)}, '
                             f'got {adversarial_branch!r}')
        modules = dict(backbone=backbone, neck=neck, head=head)
        built = {name: MODELS.build(cfg) if isinstance(cfg, dict) else cfg
                 for name, cfg in modules.items()}
        require_batch_norm(built['backbone'])
        if dual_bn is not None:
            for name in self.dual_bn_modules:
                if built.get(name) is not None:
                    built[name] = convert_dual_bn(built[name], **dual_bn)
        super().__init__(backbone=built['backbone'], neck=built['neck'], head=built['head'], **kwargs)
        self.schedule = schedule
        self.adversarial_branch = adversarial_branch
        self.adversary = None

    # ------------------------------------------------------------------ #
    # What a method supplies (pair_loss) or overrides where the default does
    # not fit (module docstring).
    def clean_loss(self, view1: torch.Tensor, view2: torch.Tensor,
                   need_anchor: bool) -> Tuple[Dict[str, torch.Tensor], object]:
        """The ``loss()`` of the algorithm the method extends (mmpretrain's,
        next in the MRO) as ``loss_aug``, and x1's anchor: the first neck
        output of that loss, the projection of x1."""
        with recorded_outputs(self.neck) as projections:
            loss = super().loss([view1, view2], None)['loss']
        return dict(loss_aug=loss), projections[0][0]

    def adversarial_embedding(self, x: torch.Tensor) -> torch.Tensor:
        return self.embedding(x)

    def pair_loss(self, anchor, perturbed: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def attack_anchor(self, anchor):
        """What the attack compares x1 + delta with: x1's anchor without its
        graph (None: the authors' ``gen_adv`` anchor f_adv(x1), computed by
        :meth:`adversarial_views`)."""
        return detached(anchor)

    def held_back_modules(self) -> Sequence[nn.Module]:
        return ()

    # ------------------------------------------------------------------ #
    # NonFiniteLossHook sets this while it trains the model:
    # ``checked_update(model, loss, optim_wrapper)`` updates unless the step
    # holds a NaN or an Inf. None: mmengine's ``optim_wrapper.update_params``.
    checked_update = None

    def train_step(self, data, optim_wrapper,
                   ddp: Optional[nn.Module] = None) -> Dict[str, torch.Tensor]:
        """mmengine's ``BaseModel.train_step`` with the update through
        ``checked_update`` when set: mmengine has no hook between the backward
        and the optimizer step, where the finite check must sit.

        ``ddp``: the :class:`TrainStepDistributedDataParallel` wrapping this
        model; the forward runs through it, so its reducer averages the
        gradients."""
        forward = self if ddp is None else ddp
        with optim_wrapper.optim_context(forward):
            data = self.data_preprocessor(data, True)
            losses = forward._run_forward(data, mode='loss')
        parsed_losses, log_vars = self.parse_losses(losses)
        if self.checked_update is None:
            optim_wrapper.update_params(parsed_losses)
        else:
            self.checked_update(self, parsed_losses, optim_wrapper)
        return log_vars

    # ------------------------------------------------------------------ #
    def loss(self, inputs: List[torch.Tensor], data_samples=None, **kwargs) -> Dict[str, torch.Tensor]:
        """L_M(x1, x2) + alpha * L_M(x1, x1_adv): eq. 16 with the method's loss."""
        view1, view2 = two_views(inputs)
        adversary = self.active_adversary()
        losses, anchor = self.clean_loss(view1, view2, need_anchor=adversary is not None)
        if adversary is None:
            return losses
        with self.held_back():
            view1_adv, stats = self.adversarial_views(view1, adversary,
                                                      anchor=self.attack_anchor(anchor))
            with self.adversarial_routing():
                loss_adv = self.pair_loss(anchor, self.adversarial_embedding(view1_adv))
        losses['loss_adv'] = adversary.alpha * loss_adv
        losses.update(stats)
        return losses

    def active_adversary(self) -> Optional[AdversarialAugmentation]:
        """The hook's adversary when it attacks (eps > 0, alpha > 0), else None."""
        adversary = self.adversary if self.adversary is not None and self.adversary.active else None
        if adversary is not None and not has_dual_bn(self.online_network()):
            raise RuntimeError('CLAE with eps > 0 needs dual BNs: use a DualBNResNet '
                               'backbone or set dual_bn=dict(adv_bn_momentum=0.01)')
        return adversary

    def online_network(self) -> nn.Module:
        """The modules of ``dual_bn_modules`` as one container (not registered)."""
        return nn.Sequential(*[getattr(self, name) for name in self.dual_bn_modules
                               if getattr(self, name, None) is not None])

    def adversarial_routing(self):
        """Route the online network's forwards through the adversarial BNs."""
        return adversarial_bn(self.online_network())

    @contextmanager
    def held_back(self):
        """The BN buffers of ``held_back_modules()`` stay as they were."""
        with ExitStack() as stack:
            for module in self.held_back_modules():
                stack.enter_context(repeated_bn_update(module, 0))
            yield

    # ------------------------------------------------------------------ #
    def adversarial_views(self, view: torch.Tensor, adversary: AdversarialAugmentation,
                          anchor=None):
        """Adversarial augmentations of ``view`` (eq. 15) and attack statistics.

        The attacked loss is ``pair_loss(anchor, f_adv(x + delta))``: the
        anchor is fixed (no input gradient), the perturbation acts on the
        branch of ``adversarial_embedding`` through the adversarial BNs.
        ``anchor=None`` is the authors' ``gen_adv``: the anchor is the view
        itself through the adversarial BNs, f_adv(x). Parameter gradients
        never leave this method.
        """
        x = view.detach()
        to_model, to_attack, lower, upper = self.attack_space(adversary.space)
        project = linf_projection(adversary.eps, lower, upper)
        reference = self.schedule == 'reference'
        online = self.online_network()
        query = anchor
        if query is None and (reference or adversary.attack not in STARTS_AT_VIEW):
            with self.adversarial_routing(), (nullcontext() if reference else torch.no_grad()):
                query = self.adversarial_embedding(x)

        def input_gradient(candidate: torch.Tensor):
            nonlocal query
            candidate = candidate.detach().requires_grad_(True)
            # Fast FGSM with the authors' anchor: anchor and perturbed view
            # are the same batch at the view, so one forward serves both; it
            # updates the adversarial BN statistics twice, like the authors'
            # two forwards.
            shared = query is None
            with self.adversarial_routing(), repeated_bn_update(online, 2 if shared else 1):
                key = self.adversarial_embedding(to_model(candidate))
                if shared:
                    query = detached(key)
                attack_loss = self.pair_loss(query, key)
            if reference:  # the authors' backward, into the parameters too
                attack_loss.backward(retain_graph=True)
                grad = candidate.grad
            else:
                grad, = torch.autograd.grad(attack_loss, candidate)
            return attack_loss.detach(), grad

        with self.parameter_gradients_set_aside() if reference else nullcontext():
            attacked = ATTACKS[adversary.attack](to_attack(x), input_gradient, adversary.eps,
                                                 project, **adversary.attack_cfg)
        view_adv = to_model(attacked).detach()
        stats = {}
        if adversary.measure_gain:
            before = self.attack_loss(x, x, query)
            after = self.attack_loss(x, view_adv, query)
            stats['attack_gain'] = after - before
        return view_adv, stats

    @contextmanager
    def parameter_gradients_set_aside(self):
        """The reference schedule's attack: the authors' backward runs into the
        parameters (their next ``zero_grad`` drops it). Backward accumulates
        into an existing ``.grad`` in place, so the caller's gradients are set
        aside inside the block and the attack's go to fresh tensors, dropped
        after: the caller's come back untouched. One process only."""
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            raise RuntimeError("schedule='reference' backpropagates inside the forward and "
                               "cannot run under DistributedDataParallel: use schedule='fast'")
        saved_grads = [p.grad for p in self.parameters()]
        for p in self.parameters():
            p.grad = None
        try:
            yield
        finally:
            for p, grad in zip(self.parameters(), saved_grads):
                p.grad = grad

    @torch.no_grad()
    def attack_loss(self, view: torch.Tensor, perturbed: torch.Tensor, query=None) -> torch.Tensor:
        """``pair_loss(anchor, f_adv(perturbed))`` without gradients and without
        touching any BN running statistic (for logging and Fig. 3a); the anchor
        defaults to f_adv(view), the authors'."""
        with self.adversarial_routing(), repeated_bn_update(self.online_network(), 0), self.held_back():
            if query is None:
                query = self.adversarial_embedding(view)
            key = self.adversarial_embedding(perturbed)
            return self.pair_loss(detached(query), key).detach()

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

    # ------------------------------------------------------------------ #
    def embedding(self, x: torch.Tensor) -> torch.Tensor:
        """The online network's embedding of ``x``: the neck's last output
        (CLAE's normalised projection; the zoo's projector output)."""
        return self.neck(self.backbone(x))[-1]

    def extract_feat(self, inputs: torch.Tensor, stage: str = 'backbone') -> torch.Tensor:
        """Features for evaluation, through the clean BNs.

        Args:
            inputs (Tensor): normalised images.
            stage (str): 'backbone' (the default, as mmpretrain's
                ``extract_feat``: the last stage, average-pooled), 'embedding'
                (:meth:`embedding`) or 'pixels' (the input, flattened: the
                raw-pixel floor a learned representation should beat). The
                configs' metrics name theirs.
        """
        if stage == 'pixels':
            return inputs.flatten(1)
        if stage == 'embedding':
            return self.embedding(inputs)
        if stage == 'backbone':
            last = self.backbone(inputs)[-1]
            return torch.flatten(F.adaptive_avg_pool2d(last, 1), 1) if last.dim() == 4 else last
        raise ValueError(f"stage must be 'backbone', 'embedding' or 'pixels', got {stage!r}")
