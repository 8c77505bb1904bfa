"""Helpers for the reliability tests: tools/train.py's ``main`` called in this
process (no interpreter start-up per run), single-threaded torch."""
import itertools
import os
import os.path as osp

import pytest
import torch

from tests.conftest import REPO, TINY_ENCODER, TINY_LOADER, load_tool

CONFIG = osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py')
_run_ids = itertools.count()


@pytest.fixture(scope='module', autouse=True)
def single_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def load_train_tool():
    return load_tool('train.py')


@pytest.fixture(scope='session')
def train_tool():
    """tools/train.py as a module (``main``, ``parse_args``, ``merge_args``)."""
    return load_train_tool()


def train_args(work_dir: str, data_root: str, *options: str, config: str = CONFIG,
               flags=()) -> list:
    """The command line of a tiny tools/train.py run (40 images, batch 8: 5
    iterations per epoch, one checkpoint per epoch). A unique experiment name
    keeps mmengine's per-name logger and message hub apart between runs."""
    return [config, '--work-dir', work_dir, '--data-root', data_root, *flags, '--cfg-options',
            *TINY_ENCODER, *TINY_LOADER, 'randomness.seed=0', 'default_hooks.checkpoint.interval=1',
            f'experiment_name=reliability_{os.getpid()}_{next(_run_ids)}', *options]
