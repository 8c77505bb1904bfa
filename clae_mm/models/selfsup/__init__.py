from .clae import CLAE

__all__ = ['CLAE']
