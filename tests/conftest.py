"""Shared fixtures: tiny datasets and one short training run reused by many tests."""
import atexit
import gc
import os
import os.path as osp
import shutil
import subprocess
import sys
import tempfile

import pytest

from tests.data_utils import make_cifar
from tests.memo_config_format import memoize_config_formatting

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))

# A narrow ResNet-18 (8 stem/base channels -> 64-d pooled feature): the
# encoder stays the paper's architecture, only thinner, so tests run on 2 cores.
TINY_ENCODER = [
    'model.backbone.base_channels=8', 'model.backbone.stem_channels=8',
    'model.neck.in_channels=64', 'model.neck.hid_channels=64',
]
# No loader workers: forking the test process for 8 images costs more than loading them.
TINY_LOADER = ['train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
               'val_dataloader.num_workers=0', 'val_cfg.bank.num_workers=0',
               'default_hooks.logger.interval=1']


# One thread: tiny models gain nothing from more, and OpenMP threads that spin against other
# processes on 2 cores slowed steps from 0.1 s to 10 s.
SINGLE_THREAD_ENV = dict(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')


def tool_env(**extra: str) -> dict:
    """The environment of a tool run: on the CPU, one thread, the checkout on the import
    path."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', PYTHONPATH=REPO, **SINGLE_THREAD_ENV)
    env.update(extra)
    return env


_TOOL_PYTHON = []


def tool_python() -> str:
    """An executable to use as ``python`` for the tools: ``tool_python() SCRIPT ARGS`` runs
    SCRIPT in a fork of a server that has imported torch, mmengine, mmpretrain and clae_mm
    (tests/tool_server.py), not in a new interpreter that imports them again; anything it
    cannot reproduce runs the real interpreter. One server per test process, started at the
    first call; ``CLAE_TOOL_SERVER=0`` turns it off (every run then starts an interpreter)."""
    if os.environ.get('CLAE_TOOL_SERVER') == '0':
        return sys.executable
    if not _TOOL_PYTHON:
        folder = tempfile.mkdtemp(prefix='clae_tools_')
        socket_path = osp.join(folder, 'socket')
        log = open(osp.join(folder, 'server.log'), 'w')
        server = subprocess.Popen([sys.executable, '-m', 'tests.tool_server', socket_path],
                                  cwd=REPO, env=tool_env(), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=log, text=True)
        if server.stdout.readline().strip() != 'ready':
            server.kill()
            raise RuntimeError(f'the tool server did not start; see {log.name}')

        def stop():
            server.kill()
            server.wait()
            shutil.rmtree(folder, ignore_errors=True)
        atexit.register(stop)
        wrapper = osp.join(folder, 'python')
        with open(wrapper, 'w') as f:
            f.write(f'#!/bin/sh\nexec "{sys.executable}" -S -E "{REPO}/tests/tool_client.py" '
                    f'"{sys.executable}" "{socket_path}" "$0" "$@"\n')
        os.chmod(wrapper, 0o755)
        _TOOL_PYTHON.append(wrapper)
    return _TOOL_PYTHON[0]


def run_tool(script: str, *args: str, check: bool = True, timeout: int = 600,
             env: dict = None) -> subprocess.CompletedProcess:
    """Run ``python tools/<script> args`` from the repository root on the CPU
    (through the tool server: ``tool_python``)."""
    full_env = tool_env(**(env or {}))
    proc = subprocess.run([tool_python(), osp.join(REPO, 'tools', script), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, env=full_env)
    if check and proc.returncode != 0:
        raise AssertionError(f'{script} {" ".join(args)} exited {proc.returncode}\n'
                             f'--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-6000:]}')
    return proc


def pytest_collection_finish(session):
    """mmengine's datasets call gc.collect() when they serialize, six times in a tiny training
    run: with torch, mmpretrain and the test modules in the heap each took 0.5 s. Frozen once
    collected, these objects are not walked again. And each run formats its config once, not
    five times (tests/memo_config_format.py). tests/tool_server.py does the same."""
    memoize_config_formatting()
    gc.freeze()


@pytest.fixture(scope='session')
def cifar10_root(tmp_path_factory) -> str:
    """CIFAR-10 python batches: 5 x 8 training images, 8 test images."""
    return make_cifar(str(tmp_path_factory.mktemp('cifar10')), num_per_file=8)


@pytest.fixture(scope='session')
def simclr_run(tmp_path_factory, cifar10_root) -> dict:
    """CLAE-SimCLR trained for 2 epochs (10 iterations) by tools/train.py; its
    work dir holds ``epoch_1.pth`` and ``epoch_2.pth``."""
    work_dir = str(tmp_path_factory.mktemp('simclr_run'))
    config = osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py')
    run_tool('train.py', config, '--work-dir', work_dir, '--data-root', cifar10_root,
             '--cfg-options', *TINY_ENCODER, *TINY_LOADER, 'train_cfg.max_epochs=2',
             'default_hooks.checkpoint.interval=1', 'randomness.seed=0')
    return dict(config=config, work_dir=work_dir, data_root=cifar10_root,
                checkpoint=osp.join(work_dir, 'epoch_2.pth'),
                cfg_options=list(TINY_ENCODER))
