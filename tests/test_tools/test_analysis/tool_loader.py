"""Run a tools/analysis (or tools/visualization) script in this process (no
interpreter start-up per call, which costs more than the analysis itself on a
tiny checkpoint)."""
import os.path as osp

import matplotlib.image

from tests import conftest


def load_tool(name: str, folder: str = 'analysis'):
    return conftest.load_tool(f'{folder}/{name}.py')


def read_png(path: str):
    """The PNG as an (H, W, channels) array; fails on a missing or broken file."""
    assert osp.getsize(path) > 0
    image = matplotlib.image.imread(path)
    assert image.std() > 0, f'{path} is a blank image'
    return image


def checkpoint_args(run: dict, out_dir: str) -> list:
    return [run['config'], run['checkpoint'], '--data-root', run['data_root'],
            '--cfg-options', *run['cfg_options'], '--out-dir', out_dir]
