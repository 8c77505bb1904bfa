from typing import Dict, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.models.selfsup import MoCo
from mmpretrain.models.utils import batch_shuffle_ddp, batch_unshuffle_ddp

from clae_mm.models.utils.dual_bn import repeated_bn_update
from clae_mm.registry import MODELS
from .adversarial_training import AdversarialTrainingMixin


@MODELS.register_module()
class CLAEMoCo(AdversarialTrainingMixin, MoCo):
    """MoCo (v2 with ``MoCoV2Neck``) with CLAE: mmpretrain's :class:`MoCo`
    (encoders, momentum encoder, queue, ``ContrastiveHead``) and the shared
    adversarial step of :class:`AdversarialTrainingMixin`.

    L_M(a, b) is MoCo's InfoNCE of the query f_q(a) against the momentum key
    f_k(b) and the queue. Per iteration the momentum encoder is updated once
    and the queue advances by one batch (the keys of x2), both in
    :meth:`clean_loss`; L_adv and the attack read the queue as L_aug saw it,
    before this batch was enqueued (the keys of x1's own second view would
    otherwise be negatives of x1).

    Args:
        adversarial_branch (str): which side sees x1_adv (docs/algorithm.md):
            'online' (default): the query side, through the online encoder's
            adversarial BNs, against the momentum key of the clean x1
            (L_adv = InfoNCE(f_q,adv(x1_adv), f_k(x1), queue); the key of x1
            is one more momentum forward without gradients, whose BN buffer
            update is held back); 'target': the key side, the paper's
            perturbed W (L_adv = InfoNCE(f_q(x1), f_k(x1_adv), queue)): the
            momentum encoder sees x1_adv through its clean BNs (its
            adversarial copies hold untrained parameters in this mode),
            without shuffle BN (a cross-GPU gather would cut the attack's
            input gradient) and with its BN buffers held back; no gradient
            reaches an adversarial BN.
        dual_bn, schedule: see :class:`AdversarialTrainingMixin`.
        Other arguments: mmpretrain's :class:`MoCo`.
    """

    adversarial_branches = ('online', 'target')

    @torch.no_grad()
    def momentum_key(self, x: torch.Tensor) -> torch.Tensor:
        """f_k(x) with MoCo's shuffle BN, as in :meth:`MoCo.loss`."""
        x, idx_unshuffle = batch_shuffle_ddp(x)
        key = F.normalize(self.encoder_k(x)[0], dim=1)
        return batch_unshuffle_ddp(key, idx_unshuffle)

    def info_nce(self, query: torch.Tensor, key: torch.Tensor, queue: torch.Tensor) -> torch.Tensor:
        """MoCo's loss: the positive logit q.k against the negatives q.queue
        (:meth:`MoCo.loss` computes it inline: no method of theirs to call)."""
        positive = torch.einsum('nc,nc->n', [query, key]).unsqueeze(-1)
        negative = torch.einsum('nc,ck->nk', [query, queue])
        return self.head.loss(positive, negative)

    # ------------------------------------------------------------------ #
    def clean_loss(self, view1: torch.Tensor, view2: torch.Tensor,
                   need_anchor: bool) -> Tuple[Dict[str, torch.Tensor], tuple]:
        """:meth:`MoCo.loss` (x1 the query, x2 the key) and x1's anchor, with
        the queue as that loss read it (before it enqueued this batch)."""
        queue = self.queue.clone().detach()
        losses, projection = super().clean_loss(view1, view2, need_anchor)
        anchor = None
        if need_anchor and self.adversarial_branch == 'online':
            with repeated_bn_update(self.encoder_k, 0):  # its BN buffers see x2 only, as in MoCo
                anchor = (self.momentum_key(view1), queue)
        elif need_anchor:  # the query f_q(x1) of that loss
            anchor = (F.normalize(projection, dim=1), queue)
        return losses, anchor

    def adversarial_embedding(self, x: torch.Tensor) -> torch.Tensor:
        if self.adversarial_branch == 'online':
            return F.normalize(self.embedding(x), dim=1)  # the query f_q(x)
        return F.normalize(self.encoder_k(x)[0], dim=1)  # the key f_k(x), not shuffled

    def pair_loss(self, anchor: tuple, perturbed: torch.Tensor) -> torch.Tensor:
        fixed, queue = anchor
        if self.adversarial_branch == 'online':
            return self.info_nce(perturbed, fixed, queue)
        return self.info_nce(fixed, perturbed, queue)

    def held_back_modules(self):
        return (self.encoder_k, ) if self.adversarial_branch == 'target' else ()
