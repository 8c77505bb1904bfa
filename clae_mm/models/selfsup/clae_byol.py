from typing import Dict, Tuple

import torch
from mmpretrain.models.selfsup import BYOL

from clae_mm.registry import MODELS
from .adversarial_training import AdversarialTrainingMixin, recorded_outputs


@MODELS.register_module()
class CLAEBYOL(AdversarialTrainingMixin, BYOL):
    """BYOL with CLAE: mmpretrain's :class:`BYOL` (online network,
    ``CosineEMA`` target, ``LatentPredictHead``) and the shared adversarial
    step of :class:`AdversarialTrainingMixin`.

    L_M(a, b) = 2 * (d(h(f(a)), g(b)) + d(h(f(b)), g(a))), d the head's
    ``CosineSimilarityLoss``, f the online backbone and projector, h the
    predictor, g the target (as :meth:`BYOL.loss`). The target network is
    updated once per iteration, in :meth:`clean_loss`. The BNs of the
    backbone, projector and predictor are dual; the target copies follow the
    online ones (mmpretrain's ``CosineEMA`` copies every online buffer).

    L_adv is the term of L_M(x1, x1_adv) with x1_adv on the side chosen by
    ``adversarial_branch``, with BYOL's weight 2 per term (so alpha = 1 weighs
    the adversarial pair like one direction of the symmetrised clean loss):

    - 'online' (default): L_adv = 2 d(h_adv(f_adv(x1_adv)), g(x1)); the
      attack maximises it through the adversarial BNs of the backbone,
      projector and predictor; the target sees only clean views and g(x1)
      is the one L_aug computed (no extra forward).
    - 'target': L_adv = 2 d(h(f(x1)), g(x1_adv)): the target network sees
      x1_adv (through its clean BNs: its adversarial copies would hold the
      EMA of online adversarial parameters that no loss trains in this mode;
      its BN buffers are held back), the online branch learns from the clean
      x1 only. Spelled out with the head's loss module, since
      ``LatentPredictHead.loss`` detaches the target and the attack must
      differentiate through it.

    Args:
        adversarial_branch (str): 'online' or 'target' (see above).
        dual_bn, schedule: see :class:`AdversarialTrainingMixin`.
        Other arguments: mmpretrain's :class:`BYOL`.
    """

    adversarial_branches = ('online', 'target')

    def clean_loss(self, view1: torch.Tensor, view2: torch.Tensor,
                   need_anchor: bool) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
        """:meth:`BYOL.loss` and x1's anchor, read from its forwards: g(x1), the
        target's first projection, when the online branch sees the adversary;
        h(f(x1)), the predictor's first output, when the target does."""
        with recorded_outputs(self.target_net) as targets, \
                recorded_outputs(self.head.predictor) as predictions:
            losses, _ = super().clean_loss(view1, view2, need_anchor)
        anchor = targets[0][0] if self.adversarial_branch == 'online' else predictions[0][0]
        return losses, anchor

    def adversarial_embedding(self, x: torch.Tensor) -> torch.Tensor:
        if self.adversarial_branch == 'online':
            return self.embedding(x)
        return self.target_net(x)[0]

    def pair_loss(self, anchor: torch.Tensor, perturbed: torch.Tensor) -> torch.Tensor:
        if self.adversarial_branch == 'online':
            # LatentPredictHead.loss: predict from the perturbed side, detach the target.
            return 2. * self.head.loss(perturbed, anchor)
        # It would detach the perturbed target, whose input gradient the attack needs.
        return 2. * self.head.loss_module(anchor, perturbed)

    def held_back_modules(self):
        return (self.target_net, ) if self.adversarial_branch == 'target' else ()
