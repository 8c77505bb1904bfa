from .nt_xent_loss import nt_xent_loss
from .plain_contrastive_loss import plain_contrastive_loss
from .uel_loss import uel_loss

CONTRASTIVE_LOSSES = {
    'plain': plain_contrastive_loss,
    'uel': uel_loss,
    'simclr': nt_xent_loss,
}

__all__ = ['plain_contrastive_loss', 'uel_loss', 'nt_xent_loss', 'CONTRASTIVE_LOSSES']
