"""A validation set carved from the training set, for model selection that
never looks at the test set."""
from typing import Tuple

import torch


def validation_size(num_samples: int, fraction: float) -> int:
    """How many of ``num_samples`` images a validation ``fraction`` holds out
    (at least one; 0 for fraction 0)."""
    if not fraction:
        return 0
    if not 0.0 < fraction < 1.0:
        raise ValueError(f'validation fraction must be in (0, 1), got {fraction}')
    num_val = max(1, round(fraction * num_samples))
    if num_val >= num_samples:
        raise ValueError(f'a validation fraction of {fraction} leaves no training image '
                         f'out of {num_samples}; use a smaller fraction')
    return num_val


def carve_validation_split(num_samples: int, fraction: float,
                           seed: int = 0) -> Tuple[torch.Tensor, torch.Tensor]:
    """(train indices, validation indices): a seeded random ``fraction`` of
    ``range(num_samples)`` (at least one image) is held out, both sorted.

    The held-out images leave the kNN bank and the probe's training set, and
    the epoch with the best validation score selects the reported test score.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f'validation fraction must be in (0, 1), got {fraction}')
    num_val = validation_size(num_samples, fraction)
    order = torch.randperm(num_samples, generator=torch.Generator().manual_seed(seed))
    return order[num_val:].sort().values, order[:num_val].sort().values
