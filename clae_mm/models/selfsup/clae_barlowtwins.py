import torch
from mmpretrain.models.selfsup import BarlowTwins

from clae_mm.registry import MODELS
from .adversarial_training import AdversarialTrainingMixin


@MODELS.register_module()
class CLAEBarlowTwins(AdversarialTrainingMixin, BarlowTwins):
    """Barlow Twins with CLAE: mmpretrain's :class:`BarlowTwins` (encoder,
    projector, ``LatentCrossCorrelationHead``) and the shared adversarial
    step of :class:`AdversarialTrainingMixin`.

    L_M(a, b) = sum_i (1 - C_ii)^2 + lambda sum_{i != j} C_ij^2 with C the
    cross-correlation of the batch-standardised projections of a and b;
    L_aug is :meth:`BarlowTwins.loss` itself (the mixin's default
    ``clean_loss``). Both sides are the online network, with
    gradients, so L_adv is L_M(x1, x1_adv) whole: the clean projection of
    x1 (the one L_aug computed) against the projection of x1_adv through the
    adversarial BNs; the attack maximises the same loss.

    The BNs of the backbone and projector are dual. The head's BN is not: it
    is the loss's batch standardisation (affine-free, its running statistics
    read by nothing, the head is not used at evaluation) and standardises
    both sides of one cross-correlation in one call, so it stays single and
    the attack and L_adv hold back its buffer updates: they follow the
    baseline's batches.
    """

    dual_bn_modules = ('backbone', 'neck')

    def pair_loss(self, anchor: torch.Tensor, perturbed: torch.Tensor) -> torch.Tensor:
        return self.head.loss(anchor, perturbed)

    def held_back_modules(self):
        return (self.head, )
