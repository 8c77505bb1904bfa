"""Bad input stops tools/train.py with one line, 'error: ...', exit 2, before
the first iteration."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from clae_mm.engine.hooks.checkpoint_compatibility_hook import state_dict_mismatch
from clae_mm.registry import MODELS
from clae_mm.utils import register_all_modules
from .conftest import CONFIG, train_args


def expect_error(train_tool, capsys, work_dir, data_root, *options, flags=()):
    code = train_tool.main(train_args(work_dir, data_root, *options, flags=flags))
    err = capsys.readouterr().err
    assert code == 2, err[-3000:]
    errors = [line for line in err.splitlines() if line.startswith('error:')]
    assert len(errors) == 1 and 'Traceback' not in err, err[-3000:]
    assert not glob.glob(osp.join(work_dir, '*.pth'))  # nothing was trained
    return errors[0]


def checkpoint_of_wider_model(path: str) -> str:
    """A checkpoint of the same method with a 16-channel (not 8) ResNet-18."""
    register_all_modules()
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict({'model.backbone.base_channels': 16, 'model.backbone.stem_channels': 16,
                         'model.neck.in_channels': 128, 'model.neck.hid_channels': 64})
    state_dict = MODELS.build(cfg.model).state_dict()
    torch.save({'meta': {'epoch': 1, 'iter': 5}, 'state_dict': state_dict}, path)
    return path


def test_missing_dataset(train_tool, capsys, tmp_path):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), str(tmp_path / 'empty'))
    assert 'CIFAR10 not found under' in error and 'data_batch_1' in error and '--data-root' in error


def test_malformed_dataset(train_tool, capsys, tmp_path, cifar10_root):
    broken = tmp_path / 'broken' / 'cifar-10-batches-py'
    broken.mkdir(parents=True)
    for name in glob.glob(osp.join(cifar10_root, 'cifar-10-batches-py', '*')):
        (broken / osp.basename(name)).write_bytes(open(name, 'rb').read())
    (broken / 'data_batch_3').write_bytes(b'not a pickle')
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), str(tmp_path / 'broken'))
    assert 'data_batch_3 is malformed' in error


@pytest.mark.parametrize('option, expected', [
    ('model.backbone.type=NoSuchNet', "unknown type 'NoSuchNet' in the clae_mm::model registry"),
    ('default_hooks.adversarial.eps=-0.03', 'eps must be >= 0, got -0.03'),
    ('default_hooks.adversarial.alpha=-1', 'alpha must be >= 0, got -1'),
    ('default_hooks.adversarial.attack=fgsmm', "unknown attack 'fgsmm'"),
    ('train_dataloader.batch_size=1', 'at least 2 images per batch'),
])
def test_bad_config_value(train_tool, capsys, tmp_path, cifar10_root, option, expected):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root, option)
    assert expected in error
    if 'adversarial' in option:
        assert 'default_hooks.adversarial' in error  # names the key to fix


@pytest.mark.parametrize('how', ['load_from', 'resume'])
def test_checkpoint_of_another_architecture(train_tool, capsys, tmp_path, cifar10_root, how):
    path = checkpoint_of_wider_model(str(tmp_path / 'wide.pth'))
    if how == 'load_from':
        error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                             f'load_from={path}')
    else:
        error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                             flags=['--resume', path])
    assert f'checkpoint {path} does not fit the model' in error
    assert ('shape mismatches (backbone.conv1.weight: checkpoint (16, 3, 3, 3) '
            'vs model (8, 3, 3, 3)') in error


def test_mismatch_names_missing_unexpected_and_reshaped_keys():
    model = {'backbone.conv1.weight': torch.zeros(8, 3),
             'neck.bn.adversarial.running_mean': torch.zeros(8)}
    checkpoint = {'backbone.conv1.weight': torch.zeros(16, 3), 'head.queue': torch.zeros(4)}
    assert state_dict_mismatch(model, checkpoint) == dict(
        missing=['neck.bn.adversarial.running_mean'], unexpected=['head.queue'],
        shape_mismatch=['backbone.conv1.weight: checkpoint (16, 3) vs model (8, 3)'])


def test_missing_checkpoint(train_tool, capsys, tmp_path, cifar10_root):
    missing = str(tmp_path / 'nowhere.pth')
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                         flags=['--resume', missing])
    assert error == f'error: checkpoint {missing} not found; pass the path of an existing .pth file'
