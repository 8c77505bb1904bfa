"""Shared fixtures: tiny datasets and one short training run reused by many tests."""
import functools
import gc
import importlib.util
import itertools
import os
import os.path as osp
import socket
import sys

import pytest

from tests.data_utils import make_cifar

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
    """The environment of a tool run as a process (launchers, signals): on the CPU, one
    thread, this interpreter (``PYTHON`` for the shell scripts), the checkout on the import
    path."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', PYTHONPATH=REPO, PYTHON=sys.executable,
               **SINGLE_THREAD_ENV)
    env.update(extra)
    return env


def free_port() -> int:
    """A TCP port free now, for a launcher's rendezvous (a fixed one clashes with another run
    of the suite on the machine)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@functools.lru_cache(maxsize=None)
def load_tool(path: str):
    """``tools/<path>`` as a module, to call its ``main(argv)`` in the test process."""
    name = 'tool_' + osp.splitext(path)[0].replace('/', '_')
    spec = importlib.util.spec_from_file_location(name, osp.join(REPO, 'tools', path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_tool(path: str, *argv: str) -> int:
    """``python tools/<path> ARGV`` in this process: the exit code of its ``main(argv)``.
    A tool that builds a Runner logs through mmengine's logger of the run's experiment name,
    bound to the output stream of the first run of that name: a test that reads the output
    passes a fresh ``experiment_name()`` and captures with capfd."""
    return load_tool(path).main(list(argv))


_experiments = itertools.count()


def experiment_name() -> str:
    """A ``--cfg-options`` item naming a run uniquely: mmengine keeps one logger, message
    hub and visualizer per experiment name (by default the config name and the second it
    started)."""
    return f'experiment_name=test_{os.getpid()}_{next(_experiments)}'


def pytest_collection_finish(session):
    """mmengine's datasets call gc.collect() when they serialize, six times in a tiny training
    run: with torch, mmpretrain and the test modules in the heap each took 0.5 s. Frozen once
    collected, these objects are not walked again."""
    gc.freeze()


@pytest.fixture(scope='session')
def cifar10_root(tmp_path_factory) -> str:
    """CIFAR-10 python batches: 5 x 8 training images, 8 test images."""
    return make_cifar(str(tmp_path_factory.mktemp('cifar10')), num_per_file=8)


@pytest.fixture(scope='session')
def simclr_run(tmp_path_factory, cifar10_root) -> dict:
    """CLAE-SimCLR trained for 2 epochs (10 iterations) by tools/train.py (in this
    process); its work dir holds ``epoch_1.pth`` and ``epoch_2.pth``."""
    work_dir = str(tmp_path_factory.mktemp('simclr_run'))
    config = osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py')
    # mmengine's own experiment name (<config name>_<start time>), as a user's run records it:
    # tools/test.py names the test's work dir after it
    assert run_tool('train.py', config, '--work-dir', work_dir, '--data-root', cifar10_root,
                    '--cfg-options', *TINY_ENCODER, *TINY_LOADER, 'train_cfg.max_epochs=2',
                    'default_hooks.checkpoint.interval=1', 'randomness.seed=0') == 0
    return dict(config=config, work_dir=work_dir, data_root=cifar10_root,
                checkpoint=osp.join(work_dir, 'epoch_2.pth'),
                cfg_options=list(TINY_ENCODER))
