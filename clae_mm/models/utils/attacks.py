"""Adversarial augmentation of a batch of views (paper eqs. 12-15, Fig. 7).

Each attack is a function of the clean input ``x`` and ``input_gradient``, a
callable that returns (loss, d loss / d x') at a perturbed input x' (the model
computes it with ``torch.autograd.grad`` with respect to the input only, so
no parameter gradient is ever formed). ``project`` maps a candidate back into
the attack's valid set (the eps-ball, and the pixel range when attacking in
pixel space). Every attack returns the adversarial input, detached.
"""
from typing import Callable, Tuple

import torch

InputGradient = Callable[[torch.Tensor], Tuple[torch.Tensor, torch.Tensor]]
Projection = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def fgsm(x: torch.Tensor, input_gradient: InputGradient, eps: float,
         project: Projection, **unused) -> torch.Tensor:
    """FGSM from the view itself (eq. 15): x + eps * sign(grad), as the authors."""
    _, grad = input_gradient(x)
    return project(x, x + eps * grad.sign()).detach()


def rfgsm(x: torch.Tensor, input_gradient: InputGradient, eps: float,
          project: Projection, random_step: float = None,
          **unused) -> torch.Tensor:
    """R-FGSM (Tramer et al. 2018): a random sign step of size ``random_step``
    (eps/2 by default), then an FGSM step of eps - random_step."""
    random_step = eps / 2 if random_step is None else random_step
    start = project(x, x + random_step * torch.randn_like(x).sign())
    _, grad = input_gradient(start)
    return project(x, start + (eps - random_step) * grad.sign()).detach()


def ffgsm(x: torch.Tensor, input_gradient: InputGradient, eps: float,
          project: Projection, step_size: float = None,
          **unused) -> torch.Tensor:
    """F-FGSM (Wong et al. 2020, "fast is better than free"): uniform random
    start in the eps-ball, one sign step of ``step_size`` (1.25 eps by default),
    projected back into the ball."""
    step_size = 1.25 * eps if step_size is None else step_size
    start = project(x, x + torch.empty_like(x).uniform_(-eps, eps))
    _, grad = input_gradient(start)
    return project(x, start + step_size * grad.sign()).detach()


def pgd(x: torch.Tensor, input_gradient: InputGradient, eps: float,
        project: Projection, steps: int = 7, step_size: float = None,
        random_start: bool = True, **unused) -> torch.Tensor:
    """PGD (Madry et al. 2018): ``steps`` sign steps of ``step_size``
    (2.5 eps / steps by default), each projected onto the eps-ball."""
    step_size = 2.5 * eps / steps if step_size is None else step_size
    adv = x
    if random_start:
        adv = project(x, x + torch.empty_like(x).uniform_(-eps, eps))
    for _ in range(steps):
        _, grad = input_gradient(adv)
        adv = project(x, adv + step_size * grad.sign()).detach()
    return adv.detach()


ATTACKS = {'fgsm': fgsm, 'rfgsm': rfgsm, 'ffgsm': ffgsm, 'pgd': pgd}
# Attacks whose first gradient is taken at the view itself: the query
# embedding f_adv(x) can then come from that same forward (the fast schedule).
STARTS_AT_VIEW = {'fgsm'}


def linf_projection(eps: float, lower=None, upper=None) -> Projection:
    """Clip a candidate into the L-inf ball of radius eps around the view and,
    if given, into [lower, upper] (per-channel tensors broadcastable to x)."""

    def project(x: torch.Tensor, candidate: torch.Tensor) -> torch.Tensor:
        out = torch.max(torch.min(candidate, x + eps), x - eps)
        if lower is not None:
            out = torch.max(torch.min(out, upper), lower)
        return out

    return project
