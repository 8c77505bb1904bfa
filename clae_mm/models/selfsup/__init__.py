from .adversarial_training import AdversarialTrainingMixin
from .clae import CLAE
from .clae_barlowtwins import CLAEBarlowTwins
from .clae_byol import CLAEBYOL
from .clae_moco import CLAEMoCo
from .clae_simsiam import CLAESimSiam

__all__ = ['AdversarialTrainingMixin', 'CLAE', 'CLAEMoCo', 'CLAEBYOL', 'CLAESimSiam',
           'CLAEBarlowTwins']
