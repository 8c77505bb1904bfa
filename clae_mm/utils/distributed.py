import argparse
import os
import sys
import threading
import time

import torch
import torch.distributed as dist
from mmengine.config import Config


def add_launcher_arguments(parser: argparse.ArgumentParser) -> None:
    """``--launcher`` and the ``--local_rank`` that torch.distributed.launch
    passes (torchrun sets ``LOCAL_RANK`` instead): what every tool that runs
    under tools/dist_*.sh or slurm_*.sh takes."""
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher (pytorch: torchrun, as '
                        'tools/dist_train.sh runs it)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0,
                        help=argparse.SUPPRESS)


def export_local_rank(args: argparse.Namespace) -> None:
    """``LOCAL_RANK`` for mmengine, from ``--local_rank`` unless the launcher set it."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))


def setup_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Make ``--launcher pytorch|slurm`` work on machines without a GPU.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` and its default
    wrapper passes ``device_ids=[LOCAL_RANK]`` to DDP; both fail on CPU. Here
    the process group is created with gloo first (the runner then skips its
    own ``init_dist``) and DDP is built with ``device_ids=None``. On a GPU
    machine this does nothing and mmengine's own path runs.
    """
    if launcher == 'none' or torch.cuda.is_available() or dist.is_initialized():
        return
    if launcher == 'slurm':
        os.environ.setdefault('RANK', os.environ['SLURM_PROCID'])
        os.environ.setdefault('WORLD_SIZE', os.environ['SLURM_NTASKS'])
        os.environ.setdefault('LOCAL_RANK', os.environ['SLURM_LOCALID'])
        os.environ.setdefault('MASTER_PORT', '29500')
        if 'MASTER_ADDR' not in os.environ:
            import subprocess
            node = os.environ['SLURM_NODELIST']
            os.environ['MASTER_ADDR'] = subprocess.getoutput(
                f'scontrol show hostname {node} | head -n1')
    timeout = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('timeout', 1800)
    import datetime
    dist.init_process_group(backend='gloo', timeout=datetime.timedelta(seconds=timeout))
    # The config the runner prints and saves says what runs: gloo, not the
    # base runtime's 'nccl' (which a GPU machine uses).
    env_cfg = cfg.setdefault('env_cfg', {})
    env_cfg.setdefault('dist_cfg', {})['backend'] = dist.get_backend()
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper.setdefault('broadcast_buffers', False)
    wrapper.setdefault('find_unused_parameters', cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    # mmpretrain-style necks default to SyncBN, which refuses CPU modules.
    cfg.pop('sync_bn', None)


TRAINING_ADVICE = 'The last complete checkpoint is intact: --resume from it'


def exit_when_launcher_dies(poll_seconds: float = 1.0,
                            advice: str = TRAINING_ADVICE) -> threading.Thread:
    """End this worker within ``poll_seconds`` of its launcher's death.

    torchrun stops its workers when it exits normally or on SIGTERM/SIGINT,
    but a launcher killed with SIGKILL (or by the OOM killer) cannot: its
    workers were left training and writing checkpoints. A daemon thread
    here polls ``os.getppid()``; once the launcher is gone the worker has
    been re-parented, and it exits at once (``os._exit``: no collective,
    no exit handler can hang on the peers). A checkpoint being written then
    is a ``.partial`` file that the next run removes; the last complete one
    is untouched (AtomicCheckpointHook). ``PR_SET_PDEATHSIG`` was not used:
    it fires when the launcher *thread* that forked the worker ends, which
    is not the launcher's death. ``advice`` ends the one line it prints.
    """
    launcher = os.getppid()

    def watch():
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != launcher:
                sys.stderr.write(
                    f'error: the launcher (pid {launcher}) is gone; worker rank '
                    f'{os.environ.get("RANK", "?")} stops now. {advice}\n')
                sys.stderr.flush()
                os._exit(1)

    thread = threading.Thread(target=watch, name='exit-when-launcher-dies', daemon=True)
    thread.start()
    return thread
