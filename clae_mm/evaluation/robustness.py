"""Robust accuracy of a frozen encoder and its linear probe under L-inf attacks.

The attacked model is the whole classifier on images in [0, 1]: the
normalisation of the encoder's data preprocessor, the encoder (clean BNs,
eval mode) and the probe, so an attack perturbs pixels, as a user's input
would be. The attacks are torchattacks' PGD and AutoAttack.
"""
from typing import Dict, Sequence

import torch
from torch import nn
from tqdm import tqdm

from clae_mm.models.utils.dual_bn import adversarial_bn


class PixelSpaceClassifier(nn.Module):
    """``probe(encoder.extract_feat(normalise(x), stage))`` for ``x`` in [0, 1].

    Args:
        model: the self-supervised model (its ``data_preprocessor`` gives the
            channel order and the mean and std, in the 0-255 scale).
        probe: the linear classifier trained on the ``stage`` features.
        stage: 'backbone', 'embedding' or 'pixels'.
    """

    def __init__(self, model: nn.Module, probe: nn.Module, stage: str):
        super().__init__()
        self.model, self.probe, self.stage = model, probe, stage
        preprocessor = model.data_preprocessor
        self.channel_conversion = bool(getattr(preprocessor, '_channel_conversion', False))
        if getattr(preprocessor, '_enable_normalize', False):
            self.register_buffer('mean', preprocessor.mean.detach().float() / 255.0)
            self.register_buffer('std', preprocessor.std.detach().float() / 255.0)
        else:
            self.mean = self.std = None
        self.requires_grad_(False)
        self.eval()

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if self.channel_conversion:
            images = images[:, [2, 1, 0], ...]
        if self.mean is not None:
            images = (images - self.mean) / self.std
        with adversarial_bn(self.model, enabled=False):
            return self.probe(self.model.extract_feat(images, stage=self.stage).float())


@torch.no_grad()
def _correct(classifier: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return classifier(images).argmax(dim=1) == labels


def pgd_robust_accuracy(classifier: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                        eps: Sequence[float], steps: int = 20, step_size: float = 2.5,
                        batch_size: int = 256, seed: int = 0,
                        progress: bool = False) -> Dict[str, object]:
    """Clean accuracy and robust accuracy (%) under L-inf PGD at each ``eps``.

    PGD (Madry et al.): a uniform random start in the eps-ball, ``steps``
    signed-gradient steps of ``step_size * eps / steps`` on the cross-entropy,
    each projected onto the eps-ball and [0, 1]. An image counts as robust at
    an eps only when the attack failed at that eps and at every smaller one:
    the balls are nested, so an adversarial example at a smaller eps is one at
    a larger eps too, and robust accuracy never rises with eps. At eps 0 the
    images are not moved: robust accuracy equals clean accuracy exactly.

    Args:
        classifier: maps (N, C, H, W) images in [0, 1] to logits.
        images, labels: the whole evaluation set (CPU tensors are moved to
            the classifier's device batch by batch).
        eps: the radii, in [0, 1] pixel units (e.g. 2/255).

    Returns:
        ``dict(clean=..., pgd={eps: accuracy}, num_images=N)``.
    """
    import torchattacks
    eps = sorted(float(e) for e in eps)
    if any(e < 0 for e in eps) or steps < 1:
        raise ValueError(f'need eps >= 0 and steps >= 1, got eps {eps}, steps {steps}')
    device = next(classifier.parameters()).device
    clean = torch.zeros(len(labels), dtype=torch.bool)
    robust = {e: torch.zeros(len(labels), dtype=torch.bool) for e in eps}
    with torch.random.fork_rng(devices=[] if device.type == 'cpu' else [device]):
        torch.manual_seed(seed)
        batches = range(0, len(labels), batch_size)
        for start in tqdm(batches, desc='PGD', disable=not progress):
            x = images[start:start + batch_size].to(device)
            y = labels[start:start + batch_size].to(device)
            still = _correct(classifier, x, y)
            clean[start:start + len(y)] = still.cpu()
            for e in eps:
                if e > 0 and still.any():
                    attack = torchattacks.PGD(classifier, eps=e, alpha=step_size * e / steps,
                                              steps=steps, random_start=True)
                    still = still & _correct(classifier, attack(x, y), y)
                robust[e][start:start + len(y)] = still.cpu()
    percent = 100.0 / max(len(labels), 1)
    return dict(clean=clean.sum().item() * percent,
                pgd={e: robust[e].sum().item() * percent for e in eps},
                num_images=len(labels))


def autoattack_accuracy(classifier: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                        eps: float, num_classes: int, batch_size: int = 256, seed: int = 0,
                        progress: bool = False) -> float:
    """Robust accuracy (%) under AutoAttack (standard: APGD-CE, APGD-T, FAB-T,
    Square; Croce and Hein, 2020) at L-inf ``eps``, torchattacks' version."""
    import torchattacks
    device = next(classifier.parameters()).device
    attack = torchattacks.AutoAttack(classifier, norm='Linf', eps=eps, version='standard',
                                     n_classes=num_classes, seed=seed)
    correct = 0
    for start in tqdm(range(0, len(labels), batch_size), desc='AutoAttack', disable=not progress):
        x = images[start:start + batch_size].to(device)
        y = labels[start:start + batch_size].to(device)
        correct += _correct(classifier, attack(x, y), y).sum().item()
    return 100.0 * correct / max(len(labels), 1)


def fixed_subset(num_images: int, size: int, seed: int = 0) -> torch.Tensor:
    """The sorted indices of a seeded random subset of ``size`` images (all
    of them when ``size`` >= ``num_images``)."""
    if size >= num_images:
        return torch.arange(num_images)
    generator = torch.Generator().manual_seed(seed)
    return torch.randperm(num_images, generator=generator)[:size].sort().values
