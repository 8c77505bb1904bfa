import mmpretrain.datasets  # noqa: F401  (our child registry does not run the parent's imports)

from .cifar import CIFAR10, CIFAR100
from .fashion_mnist import FashionMNIST
from .imagenet100 import ImageNet100
from .tiny_imagenet import TinyImageNet
from .transfer import DTD, Caltech101, FGVCAircraft, Flowers102, OxfordIIITPet, StanfordCars
from .transforms import *  # noqa: F401,F403

__all__ = ['CIFAR10', 'CIFAR100', 'FashionMNIST', 'ImageNet100', 'TinyImageNet', 'DTD', 'Caltech101',
           'FGVCAircraft', 'Flowers102', 'OxfordIIITPet', 'StanfordCars']
