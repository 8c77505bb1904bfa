from .contrastive_augment import AUGMENT_PRESETS, ContrastiveAugment, ToRGB
from .loading import LoadRGBImageFromFile

__all__ = ['AUGMENT_PRESETS', 'ContrastiveAugment', 'ToRGB', 'LoadRGBImageFromFile']
