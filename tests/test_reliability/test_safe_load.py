"""A checkpoint that smuggles a callable is refused and nothing of it runs."""
import ast
import glob
import os
import os.path as osp
import pickle

import pytest
import torch
from mmengine.runner import CheckpointLoader

from clae_mm.utils.safe_load import (UnsafeCheckpointError, load_from_local_weights_only,
                                     safe_load_checkpoint)
from tests.conftest import REPO, run_tool
from .conftest import SINGLE_THREAD_ENV, train_args


class CreateMarker:
    """Unpickling this calls ``os.system('touch MARKER')``."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}',)


def crafted_checkpoint(path: str, marker: str) -> str:
    """An mmengine-looking checkpoint with the payload next to real tensors."""
    torch.save({'meta': {'epoch': 1, 'iter': 5}, 'state_dict': {'w': torch.zeros(3)},
                'message_hub': CreateMarker(marker)}, path)
    return path


def test_payload_is_live_under_plain_pickle(tmp_path):
    # The test below is only meaningful if the payload really runs when
    # unpickled without restrictions.
    marker = tmp_path / 'ran'
    pickle.loads(pickle.dumps(CreateMarker(str(marker))))
    assert marker.exists()


def test_safe_load_refuses_the_payload(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')  # explicit True wins
    marker = tmp_path / 'ran'
    path = crafted_checkpoint(str(tmp_path / 'evil.pth'), str(marker))
    with pytest.raises(UnsafeCheckpointError) as info:
        safe_load_checkpoint(path)
    message = str(info.value)
    assert '\n' not in message
    assert 'posix.system' in message and 'evil.pth' in message
    assert not marker.exists()


def test_resume_refuses_the_payload(tmp_path, cifar10_root):
    marker = tmp_path / 'ran'
    path = crafted_checkpoint(str(tmp_path / 'evil.pth'), str(marker))
    proc = run_tool('train.py', *train_args(str(tmp_path / 'work'), cifar10_root,
                                            flags=['--resume', path]),
                    check=False, env=dict(SINGLE_THREAD_ENV, TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1'))
    assert proc.returncode == 2, proc.stderr[-3000:]
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert len(error_lines) == 1
    assert 'refused' in error_lines[0] and 'posix.system' in error_lines[0]
    assert 'Traceback' not in proc.stderr
    assert 'Epoch(train)' not in proc.stdout  # refused before the first iteration
    assert not marker.exists()


def test_load_from_refuses_the_payload(tmp_path, cifar10_root, train_tool, capsys):
    marker = tmp_path / 'ran'
    path = crafted_checkpoint(str(tmp_path / 'evil.pth'), str(marker))
    assert train_tool.main(train_args(str(tmp_path / 'work'), cifar10_root,
                                      f'load_from={path}')) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith('error: checkpoint') and 'refused' in error
    assert not marker.exists()
    assert not osp.exists(tmp_path / 'work' / 'epoch_1.pth')


def torch_load_calls(path: str) -> list:
    """(file, line, passes weights_only=True) of every ``torch.load`` call in a file."""
    with open(path) as f:
        tree = ast.parse(f.read())
    return [(osp.relpath(path, REPO), node.lineno,
             any(k.arg == 'weights_only' and getattr(k.value, 'value', None) is True
                 for k in node.keywords))
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == 'load' and isinstance(node.func.value, ast.Name)
            and node.func.value.id == 'torch']


def test_every_load_goes_through_the_weights_only_loader():
    # mmengine's loader for local paths (resume, load_from, Pretrained
    # init_cfg, mmengine.runner.load_checkpoint) is ours...
    assert CheckpointLoader._get_checkpoint_loader('/any/epoch_1.pth') \
        is load_from_local_weights_only
    # ...and no other code of the project calls torch.load itself.
    files = glob.glob(osp.join(REPO, 'clae_mm', '**', '*.py'), recursive=True) + \
        glob.glob(osp.join(REPO, 'tools', '**', '*.py'), recursive=True)
    calls = [call for path in files for call in torch_load_calls(path)]
    assert [(path, explicit) for path, _, explicit in calls] == \
        [('clae_mm/utils/safe_load.py', True)]
