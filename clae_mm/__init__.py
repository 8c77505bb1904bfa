"""clae_mm: Contrastive Learning with Adversarial Examples (Ho & Vasconcelos,
NeurIPS 2020) as an OpenMMLab toolkit."""
__version__ = '0.1.0'
