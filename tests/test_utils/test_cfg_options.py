"""--cfg-options: the visualiser backends can be overridden from the command line
(TensorBoard in one switch), in both places the config holds them."""
import argparse
import glob
import os.path as osp

import pytest
from mmengine.config import Config, DictAction

from clae_mm.utils.cfg_options import merge_cfg_options
from clae_mm.utils.config_check import ConfigError
from tests.conftest import REPO, load_tool

TENSORBOARD_SWITCH = 'vis_backends=[dict(type="LocalVisBackend"),dict(type="TensorboardVisBackend")]'


def command_line(*options: str) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def runtime() -> Config:
    return Config.fromfile(osp.join(REPO, 'configs/_base_/default_runtime.py'))


def test_the_list_of_dicts_reaches_the_visualiser():
    cfg = merge_cfg_options(runtime(), command_line(TENSORBOARD_SWITCH))
    expected = [dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')]
    assert cfg.vis_backends == expected
    assert cfg.visualizer.vis_backends == expected


def test_type_names_and_either_key_work_too():
    cfg = merge_cfg_options(runtime(), command_line(
        'visualizer.vis_backends=LocalVisBackend,TensorboardVisBackend'))
    expected = [dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')]
    assert cfg.visualizer.vis_backends == cfg.vis_backends == expected


def test_backend_arguments_are_kept():
    # DictAction cannot split dict(a=1,b=2) (mmengine recurses on it); the text
    # form with several arguments comes from Python, or as a dict.
    cfg = merge_cfg_options(runtime(), {'vis_backends': [
        'dict(type="TensorboardVisBackend", save_dir="tb")', dict(type='LocalVisBackend')]})
    assert cfg.visualizer.vis_backends == [dict(type='TensorboardVisBackend', save_dir='tb'),
                                           dict(type='LocalVisBackend')]


def test_other_options_merge_as_mmengine_merges_them():
    cfg = merge_cfg_options(runtime(), command_line('log_level=DEBUG', 'default_hooks.logger.interval=3'))
    assert cfg.log_level == 'DEBUG' and cfg.default_hooks.logger.interval == 3
    assert cfg.visualizer.vis_backends == [dict(type='LocalVisBackend')]


@pytest.mark.parametrize('item', ['dict(__import__("os"))', 'dict(save_dir="x")', 'print(1)'])
def test_an_unreadable_backend_is_a_one_line_error(item):
    with pytest.raises(ConfigError, match='vis_backends'):
        merge_cfg_options(runtime(), {'vis_backends': [item]})


def test_train_py_applies_the_switch_and_tensorboard_writes_events(tmp_path):
    train = load_tool('train.py')
    config = osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py')
    cfg = train.merge_args(train.load_config(config),
                           train.parse_args([config, '--cfg-options', TENSORBOARD_SWITCH]))
    from clae_mm.registry import VISUALIZERS
    from clae_mm.utils import register_all_modules
    register_all_modules()
    visualizer = VISUALIZERS.build(dict(cfg.visualizer, name='tensorboard_switch_test',
                                        save_dir=str(tmp_path)))
    visualizer.add_scalars(dict(loss=1.5), step=1)
    visualizer.close()
    assert glob.glob(str(tmp_path / 'vis_data' / 'events.out.tfevents.*'))  # TensorBoard's file
    assert osp.isfile(tmp_path / 'vis_data' / 'scalars.json')  # the local backend's
