from .clae_loss import CLAELoss

__all__ = ['CLAELoss']
