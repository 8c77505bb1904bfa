"""What the benchmark tools share: process groups, devices, checkpoint lists."""
import glob
import os.path as osp
import re
from typing import List

import torch
import torch.distributed as dist
from mmengine.dist import init_dist

from clae_mm.utils.distributed import setup_cpu_distributed
from clae_mm.utils.errors import CLAEError


def init_distributed(cfg, launcher: str) -> None:
    """Join the process group of ``torchrun``/slurm: gloo on CPU-only machines
    (``setup_cpu_distributed``), mmengine's ``init_dist`` (nccl) on GPUs."""
    if launcher == 'none':
        return
    setup_cpu_distributed(cfg, launcher)
    if not dist.is_initialized():
        init_dist(launcher, **dict(cfg.get('env_cfg', {}).get('dist_cfg', {})))


def default_device() -> torch.device:
    """The current GPU (one per rank after ``init_dist``) or the CPU."""
    if torch.cuda.is_available():
        return torch.device('cuda', torch.cuda.current_device())
    return torch.device('cpu')


def checkpoint_epoch(path: str) -> int:
    match = re.search(r'epoch_(\d+)\.pth$', osp.basename(path))
    return int(match.group(1)) if match else -1


def list_checkpoints(path: str) -> List[str]:
    """``[path]`` for a file; for a work dir its ``epoch_N.pth`` files by epoch."""
    if osp.isfile(path):
        return [path]
    if osp.isdir(path):
        found = sorted(glob.glob(osp.join(path, 'epoch_*.pth')), key=checkpoint_epoch)
        if found:
            return found
        raise CLAEError(f'no epoch_N.pth checkpoint in {path}; pass a checkpoint file or '
                        'the work dir of a training run')
    raise CLAEError(f'checkpoint {path} not found; pass a .pth file or a work dir')


def default_output(checkpoint: str, prefix: str) -> str:
    """``<dir>/<prefix>_<stem>.json`` beside a checkpoint file, or
    ``<work dir>/<prefix>_all_epochs.json`` for a work dir."""
    if osp.isdir(checkpoint):
        return osp.join(checkpoint, f'{prefix}_all_epochs.json')
    stem = osp.splitext(osp.basename(checkpoint))[0]
    return osp.join(osp.dirname(osp.abspath(checkpoint)), f'{prefix}_{stem}.json')
