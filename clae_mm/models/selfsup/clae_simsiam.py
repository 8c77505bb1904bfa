import torch
from mmpretrain.models.selfsup import SimSiam

from clae_mm.registry import MODELS
from .adversarial_training import AdversarialTrainingMixin


@MODELS.register_module()
class CLAESimSiam(AdversarialTrainingMixin, SimSiam):
    """SimSiam with CLAE: mmpretrain's :class:`SimSiam` (encoder, projector,
    ``LatentPredictHead``) and the shared adversarial step of
    :class:`AdversarialTrainingMixin`.

    L_M(a, b) = (D(h(f(a)), sg f(b)) + D(h(f(b)), sg f(a))) / 2 (as
    :meth:`SimSiam.loss`: the head's predictor h on one side, a stop-gradient
    on the other); L_aug is that loss itself (the mixin's default
    ``clean_loss``). The BNs of the backbone, projector and predictor are dual.

    L_adv is the term of L_M(x1, x1_adv) with x1_adv on the predictor side,
    against the clean projection of x1 behind the stop-gradient, with
    SimSiam's weight 1/2 per term: L_adv = D(h_adv(f_adv(x1_adv)), sg f(x1)) / 2.
    The stop-gradient side is SimSiam's counterpart of BYOL's target
    ("BYOL without the momentum encoder"): putting x1_adv there would send
    no gradient through any adversarial BN, so it sees only clean views. The
    attack maximises the same term through the adversarial BNs. No extra
    forward: f(x1) is the one L_aug computed.
    """

    def pair_loss(self, anchor: torch.Tensor, perturbed: torch.Tensor) -> torch.Tensor:
        # LatentPredictHead.loss(input, target) predicts from input and
        # detaches target: the stop-gradient of SimSiam.
        return 0.5 * self.head.loss(perturbed, anchor)
