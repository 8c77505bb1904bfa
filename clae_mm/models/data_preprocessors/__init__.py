from .batch_contrastive_augment import augment_batch
from .contrastive_augment_data_preprocessor import ContrastiveAugmentDataPreprocessor

__all__ = ['augment_batch', 'ContrastiveAugmentDataPreprocessor']
