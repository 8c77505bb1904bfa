from typing import Optional

import torch
from mmengine.model import BaseModule

from clae_mm.models.losses import CONTRASTIVE_LOSSES
from clae_mm.models.utils.gather import gather_with_grad
from clae_mm.registry import MODELS

DEFAULT_TEMPERATURE = {'plain': 0.1, 'uel': 0.1, 'simclr': 0.5}


@MODELS.register_module()
class CLAELoss(BaseModule):
    """The contrastive loss of one method, used for both terms of eq. 16.

    A thin shell over the loss functions of :mod:`clae_mm.models.losses`:
    ``method='plain'`` (eq. 5), ``'uel'`` (Ye et al.) or ``'simclr'``
    (NT-Xent). Under several processes the embeddings of all ranks are
    gathered first (with a gradient-correct all-gather), so every rank computes
    the loss of the whole global batch, as the authors' single-process
    ``DataParallel`` runs did.

    Args:
        method (str): 'plain', 'uel' or 'simclr'.
        temperature (float, optional): Defaults to the authors' (0.1, 0.1, 0.5).
    """

    def __init__(self, method: str, temperature: Optional[float] = None, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if method not in CONTRASTIVE_LOSSES:
            raise ValueError(f'unknown contrastive method {method!r}: '
                             f'choose one of {sorted(CONTRASTIVE_LOSSES)}')
        self.method = method
        self.loss_fn = CONTRASTIVE_LOSSES[method]
        self.temperature = DEFAULT_TEMPERATURE[method] if temperature is None else temperature

    def loss(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        """L_cl(query, key): query = f(x^p) (anchors), key = f(x^q) (eq. 10's W)."""
        query, key = gather_with_grad(query), gather_with_grad(key)
        if query.shape[0] < 2:
            raise ValueError('a contrastive loss needs a batch of at least 2 '
                             f'images, got {query.shape[0]}: raise batch_size')
        # In float32 even under autocast (--amp): the exponentials and the
        # sums over the batch of eq. 5 / NT-Xent lose the loss's last digits
        # in bfloat16 (UEL's loss came out rounded to 1/8), and they cost
        # nothing next to the encoder.
        with torch.autocast(query.device.type, enabled=False):
            return self.loss_fn(query.float(), key.float(), self.temperature)

    def extra_repr(self) -> str:
        return f'method={self.method}, temperature={self.temperature}'
