"""Adversarial (eq. 15) vs random perturbations of the same size (Section 4.2).

The adversarial views come from the model's own attack,
:meth:`CLAE.adversarial_views`, with the adversary of the config's
``ContrastiveAdversarialHook`` (attack, space, attack_cfg) at the asked eps.
The random views are ``x + eps * s`` with ``s`` uniform in {-1, +1}: the
same L-inf size as an FGSM step, in the same space and clamped the same way.
"""
from contextlib import contextmanager
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from clae_mm.evaluation.feature_extractor import frozen_eval_mode
from clae_mm.models.utils.adversarial_augmentation import AdversarialAugmentation
from clae_mm.models.utils.attacks import linf_projection
from clae_mm.models.utils.dual_bn import has_dual_bn
from clae_mm.utils import CLAEError
from clae_mm.utils.training_settings import adversarial_hook_cfg

BN_MODES = ('train', 'eval')


def adversary_from_config(cfg, eps: Optional[float] = None,
                          attack: Optional[str] = None) -> AdversarialAugmentation:
    """The training adversary of ``cfg`` (attack, space, attack_cfg), with
    ``eps`` and ``attack`` replaced when given."""
    hook = adversarial_hook_cfg(cfg)
    try:
        return AdversarialAugmentation(
            eps=float(hook.get('eps', 0.03) if eps is None else eps), alpha=1.0,
            attack=attack or hook.get('attack', 'fgsm'), space=hook.get('space', 'normalized'),
            attack_cfg=dict(hook.get('attack_cfg') or {}))
    except ValueError as exc:
        raise CLAEError(f"{exc}: check --eps / --attack and the config's adversarial hook") from None


def check_attackable(model: nn.Module) -> None:
    if not has_dual_bn(model):
        raise CLAEError('the model has no adversarial batch norms (a baseline run with a '
                        'plain-BN backbone?); the attack of eq. 15 runs through them: '
                        'analyse a checkpoint of a CLAE config')


@contextmanager
def preserved_buffers(model: nn.Module):
    """Give every buffer (BN running statistics above all) its value back on
    exit: train-mode forwards of the analysis leave the checkpoint's model as loaded."""
    saved = [(buffer, buffer.detach().clone()) for buffer in model.buffers()]
    try:
        yield model
    finally:
        with torch.no_grad():
            for buffer, value in saved:
                buffer.copy_(value)


@contextmanager
def bn_mode(model: nn.Module, mode: str):
    """'train': batch statistics in every BN, as in a training step (the
    running statistics are restored afterwards); 'eval': the running ones."""
    if mode not in BN_MODES:
        raise ValueError(f'bn mode must be one of {BN_MODES}, got {mode!r}')
    modes = [(module, module.training) for module in model.modules()]
    model.train(mode == 'train')
    try:
        with preserved_buffers(model):
            yield model
    finally:
        for module, training in modes:
            module.training = training


def random_sign_views(model, view: torch.Tensor, adversary: AdversarialAugmentation,
                      generator: torch.Generator) -> torch.Tensor:
    """``view + eps * s``, s uniform in {-1, +1}, in the adversary's space."""
    # CLAE.attack_space maps model inputs to the attacked variable and back
    # (identity for the authors' 'normalized' space); reused so both kinds of
    # perturbation live in the same space under the same clamp.
    to_model, to_attack, lower, upper = model.attack_space(adversary.space)
    project = linf_projection(adversary.eps, lower, upper)
    x = to_attack(view.detach())
    sign = torch.randint(0, 2, x.shape, generator=generator).to(x) * 2 - 1
    return to_model(project(x, x + adversary.eps * sign)).detach()


def adversarial_views(model, view: torch.Tensor, adversary: AdversarialAugmentation,
                      mode: str = 'train') -> torch.Tensor:
    """:meth:`CLAE.adversarial_views` with BNs in ``mode``; no buffer changes."""
    with bn_mode(model, mode):
        return model.adversarial_views(view, adversary)[0]


def adversarial_query(model, view: torch.Tensor, mode: str = 'train') -> torch.Tensor:
    """f_adv(view), the query side of the attacked loss (eq. 12)."""
    with bn_mode(model, mode), torch.no_grad(), model.adversarial_routing():
        return model.adversarial_embedding(view)


def attack_loss(model, view: torch.Tensor, perturbed: torch.Tensor, mode: str = 'train',
                query: Optional[torch.Tensor] = None) -> float:
    """L_cl(f_adv(view), f_adv(perturbed)), the loss the attack ascends (eq. 12);
    ``query`` (:func:`adversarial_query`) saves recomputing f_adv(view)."""
    with bn_mode(model, mode):
        return model.attack_loss(view, perturbed, query).item()


def probe_scores(model, probe: nn.Module, inputs: torch.Tensor, labels: torch.Tensor,
                 stage: str) -> Dict[str, float]:
    """Cross-entropy and top-1 (%) of the downstream linear probe on ``inputs``,
    through the clean encoder in eval mode (as in evaluation)."""
    with frozen_eval_mode(model):
        logits = probe(model.extract_feat(inputs, stage=stage).float())
    labels = labels.to(logits.device)
    return dict(cross_entropy=F.cross_entropy(logits, labels).item(),
                top1=100.0 * (logits.argmax(1) == labels).float().mean().item())


def amplified(delta: np.ndarray, amplify: str = 'auto'):
    """(images in [0, 1], factor per image) showing ``delta`` ((B, H, W, C), in
    [0, 1] pixel units) as ``0.5 + factor * delta`` around mid-grey; 'auto'
    scales each image's largest |delta| to 0.5, else ``amplify`` is the factor."""
    if amplify == 'auto':
        largest = np.abs(delta).reshape(len(delta), -1).max(1)
        factors = 0.5 / np.maximum(largest, 1e-12)
    else:
        try:
            factors = np.full(len(delta), float(amplify))
        except ValueError:
            raise CLAEError(f"--amplify must be 'auto' or a number, got {amplify!r}") from None
    return (0.5 + factors[:, None, None, None] * delta).clip(0, 1), factors


def mean_std(values: Sequence[float]) -> Dict[str, float]:
    """Mean and standard deviation (ddof=1; 0 for a single value)."""
    values = np.asarray(values, dtype=float)
    std = float(values.std(ddof=1)) if values.size > 1 else 0.0
    return dict(mean=float(values.mean()), std=std)


def measure_perturbations(model, batches, eps_values: Sequence[float],
                          make_adversary: Callable[[float], AdversarialAugmentation],
                          probe: Optional[nn.Module] = None, stage: str = 'backbone',
                          mode: str = 'train', seed: int = 0) -> List[dict]:
    """Fig. 3 numbers: for every eps and batch, the attack loss of the
    adversarial and the random views (3a) and, with a probe and labels, the
    probe's cross-entropy and top-1 on them and on the clean views (3b).

    The attacked view is the first view x^q of each batch (Algorithm 1, line 4).

    Returns:
        One dict per eps: ``eps`` and, per measure, the per-batch values and
        their mean/std.
    """
    check_attackable(model)
    generator = torch.Generator().manual_seed(seed)
    with_probe = probe is not None and all(batch.labels is not None for batch in batches)
    # Neither depends on eps: once per batch.
    queries = [adversarial_query(model, batch.views[0], mode) for batch in batches]
    clean_scores = [probe_scores(model, probe, batch.views[0], batch.labels, stage)
                    for batch in batches] if with_probe else []
    results = []
    for eps in eps_values:
        adversary = make_adversary(eps)
        per_batch = {key: [] for key in ('adversarial_loss', 'random_loss')}
        for index, (batch, query) in enumerate(zip(batches, queries)):
            view = batch.views[0]
            perturbed = dict(adversarial=adversarial_views(model, view, adversary, mode),
                             random=random_sign_views(model, view, adversary, generator))
            for kind, inputs in perturbed.items():
                per_batch[f'{kind}_loss'].append(attack_loss(model, view, inputs, mode, query))
            if with_probe:
                scores = dict(clean=clean_scores[index], **{
                    kind: probe_scores(model, probe, inputs, batch.labels, stage)
                    for kind, inputs in perturbed.items()})
                for kind, measures in scores.items():
                    for name, value in measures.items():
                        per_batch.setdefault(f'{kind}_{name}', []).append(value)
        entry = dict(eps=float(eps))
        for key, values in per_batch.items():
            entry[key] = dict(mean_std(values), per_batch=values)
        results.append(entry)
    return results
