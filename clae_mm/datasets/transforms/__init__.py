from .contrastive_augment import AUGMENT_PRESETS, ContrastiveAugment, ToRGB

__all__ = ['AUGMENT_PRESETS', 'ContrastiveAugment', 'ToRGB']
