"""What the benchmark tools share: process groups, devices, checkpoint lists,
the model to evaluate, and the run-and-report ending of ``main``."""
import argparse
import glob
import os
import os.path as osp
import re
import sys
from typing import Callable, List

import torch
import torch.distributed as dist
from mmengine.dist import get_dist_info, init_dist

from clae_mm.utils.checkpoint import build_model_from_checkpoint
from clae_mm.utils.distributed import setup_cpu_distributed
from clae_mm.utils.errors import CLAEError

from .result_file import write_result


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


def add_launcher_arguments(parser: argparse.ArgumentParser) -> None:
    """--launcher and the --local_rank that torch.distributed.launch passes."""
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_tool_args(parser: argparse.ArgumentParser, argv=None) -> argparse.Namespace:
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def model_to_evaluate(args, checkpoint: str):
    """``(model, cfg, loaded checkpoint, device)``: the model of ``checkpoint``
    (strictly loaded) on ``args.device`` or the default device, after joining
    the process group of ``args.launcher``. Refuses a config without the
    ``eval_bank`` / ``eval_query`` datasets the evaluation needs."""
    model, cfg, loaded = build_model_from_checkpoint(
        args.config, checkpoint, args.cfg_options, args.data_root, return_checkpoint=True)
    init_distributed(cfg, args.launcher)
    device = args.device or default_device()
    model.to(device)
    if cfg.get('eval_bank') is None or cfg.get('eval_query') is None:
        raise CLAEError(f'{args.config} defines no eval_bank / eval_query datasets; '
                        'use a config built on configs/_base_/datasets')
    return model, cfg, loaded, device


def run_and_report(run: Callable, args, prefix: str, summary: Callable[[dict], str]) -> int:
    """The end of an evaluation tool's ``main``: ``run(args)``, a CLAEError as
    one line on stderr (exit 2), and on rank 0 the JSON result (``--out`` or
    beside the checkpoint) and ``summary(result)`` on stdout."""
    try:
        result = run(args)
    except CLAEError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    if get_dist_info()[0] == 0:
        out = args.out or default_output(args.checkpoint, prefix)
        write_result(out, result)
        print(f'{summary(result)}\nresult written to {out}')
    return 0
