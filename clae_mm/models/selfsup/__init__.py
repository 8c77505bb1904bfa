from .adversarial_training import AdversarialTrainingMixin
from .clae import CLAE

__all__ = ['AdversarialTrainingMixin', 'CLAE']
