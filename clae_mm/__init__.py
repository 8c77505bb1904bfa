"""clae_mm: Contrastive Learning with Adversarial Examples (Ho & Vasconcelos,
NeurIPS 2020) as an OpenMMLab toolkit."""
import warnings

# mmpretrain imports mmcv.cnn.bricks.transformer, which tries to import
# MultiScaleDeformableAttention (a compiled op of the full mmcv) and warns on
# every import under mmcv-lite, the mmcv we install (requirements/runtime.txt:
# the full one has no wheel for this torch). clae_mm never uses that module,
# so this one message is silenced here, before any mmpretrain import; every
# other warning of mmcv is kept.
warnings.filterwarnings('ignore', message='Fail to import ``MultiScaleDeformableAttention``',
                        category=UserWarning, module=r'mmcv\.cnn\.bricks\.transformer')

__version__ = '0.1.0'
