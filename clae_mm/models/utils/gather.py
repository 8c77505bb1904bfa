import torch
import torch.distributed as dist
from mmengine.dist import get_world_size


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` from every rank along dim 0, keeping gradients right.

    ``torch.distributed.nn.functional.all_gather`` sums the incoming gradients
    across ranks in its backward, so a loss computed on the gathered batch
    gives every rank's samples the gradient they would get in one big batch.
    (mmpretrain's ``GatherLayer`` returns only the local slice without the
    all-reduce.) A no-op on one process.
    """
    if get_world_size() == 1 or not dist.is_initialized():
        return x
    from torch.distributed.nn.functional import all_gather
    return torch.cat(all_gather(x.contiguous()), dim=0)
