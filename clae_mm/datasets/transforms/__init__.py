from clae_mm.utils.augment_presets import AUGMENT_PRESETS

from .contrastive_augment import ContrastiveAugment, ToRGB
from .loading import LoadRGBImageFromFile

__all__ = ['AUGMENT_PRESETS', 'ContrastiveAugment', 'ToRGB', 'LoadRGBImageFromFile']
