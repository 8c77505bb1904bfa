from .autocast_optim_wrapper import AutocastOptimWrapper
from .mixed_precision import mixed_precision_optim_wrapper

__all__ = ['AutocastOptimWrapper', 'mixed_precision_optim_wrapper']
