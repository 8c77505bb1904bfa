from .adversarial_augmentation import AdversarialAugmentation
from .attacks import ATTACKS, fgsm, ffgsm, linf_projection, pgd, rfgsm
from .dual_bn import (DualBatchNorm, adversarial_bn, clean_state_dict,
                      convert_dual_bn, has_dual_bn, repeated_bn_update)
from .gather import gather_with_grad

__all__ = [
    'AdversarialAugmentation', 'ATTACKS', 'fgsm', 'rfgsm', 'ffgsm', 'pgd',
    'linf_projection', 'DualBatchNorm', 'adversarial_bn', 'clean_state_dict',
    'convert_dual_bn', 'has_dual_bn', 'repeated_bn_update', 'gather_with_grad'
]
