from .contrastive_projection import ContrastiveProjection

__all__ = ['ContrastiveProjection']
