"""Gather rows that each rank holds in different numbers, without duplicates."""
from typing import Tuple

import torch
from mmengine.dist import all_gather, get_dist_info


def shard_bounds(num_samples: int, rank: int, world_size: int) -> Tuple[int, int]:
    """``[start, end)`` of the contiguous shard of ``rank``: shards differ in
    size by at most one and cover every index exactly once (no sampler
    padding, so no image is counted twice)."""
    return num_samples * rank // world_size, num_samples * (rank + 1) // world_size


def gather_rows(local: torch.Tensor) -> torch.Tensor:
    """Concatenate every rank's ``local`` (rank order) along dim 0.

    Ranks may hold different numbers of rows: each pads to the largest count
    for the collective and the padding is cut off again. A no-op on one
    process.
    """
    _, world_size = get_dist_info()
    if world_size == 1:
        return local
    count = torch.tensor([local.shape[0]], dtype=torch.long, device=local.device)
    counts = [int(c.item()) for c in all_gather(count)]
    padded = local.new_zeros((max(counts), *local.shape[1:]))
    padded[:local.shape[0]] = local
    parts = all_gather(padded)
    return torch.cat([part[:n].to(local.device) for part, n in zip(parts, counts)], dim=0)
