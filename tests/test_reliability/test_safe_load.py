"""A checkpoint that smuggles a callable is refused and nothing of it runs."""
import ast
import codecs
import collections
import glob
import os
import os.path as osp
import pickle

import pytest
import torch
from mmengine.runner import CheckpointLoader

from clae_mm.utils import CLAEError
from clae_mm.utils.safe_load import (UnsafeCheckpointError, load_from_local_weights_only,
                                     safe_load_checkpoint)
from tests.conftest import REPO, run_tool
from .conftest import train_args


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


def test_resume_refuses_the_payload(tmp_path, cifar10_root, capfd, monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'ran'
    path = crafted_checkpoint(str(tmp_path / 'evil.pth'), str(marker))
    assert run_tool('train.py', *train_args(str(tmp_path / 'work'), cifar10_root,
                                            flags=['--resume', path])) == 2
    captured = capfd.readouterr()
    error_lines = [line for line in captured.err.splitlines() if line.startswith('error:')]
    assert len(error_lines) == 1
    assert 'refused' in error_lines[0] and 'posix.system' in error_lines[0]
    assert 'Traceback' not in captured.err
    assert 'Epoch(train)' not in captured.out  # refused before the first iteration
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


class CallAllowed:
    """Unpickling this calls one of the weights-only unpickler's own allowed
    globals with arguments it cannot take."""

    def __init__(self, function, args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


@pytest.mark.parametrize('function, args', [
    (set, (5,)), (collections.Counter, (5,)), (torch.Size, (5,)), (complex, ('zz',)),
    (torch.device, ('nowhere',)), (codecs.encode, ('x', 'no-such-codec')),
    (torch._utils._rebuild_tensor_v2, (1, 2, 3, 4, 5, 6)),
])
def test_allowed_globals_with_odd_arguments_are_one_line_refusals(tmp_path, function, args):
    path = str(tmp_path / 'odd.pth')
    torch.save({'state_dict': {'w': torch.zeros(1)}, 'meta': CallAllowed(function, args)}, path)
    with pytest.raises(CLAEError) as info:
        safe_load_checkpoint(path)
    message = str(info.value)
    assert '\n' not in message and 'odd.pth' in message
    assert 'damaged' in message and 'nothing from it was executed' in message


@pytest.mark.parametrize('content', [b'plain text\n', pickle.dumps({'w': [1.0]}),
                                     b'import os\nos.system("true")\n', b''])
def test_a_file_that_is_not_a_torch_checkpoint_says_so(tmp_path, content):
    path = tmp_path / 'x.pth'
    path.write_bytes(content)
    with pytest.raises(CLAEError) as info:
        safe_load_checkpoint(str(path))
    assert '\n' not in str(info.value)
    assert 'is not a torch checkpoint' in str(info.value)
    assert 'file an issue' not in str(info.value)


def test_truncated_checkpoint_is_one_line(tmp_path):
    path = tmp_path / 'cut.pth'
    torch.save({'state_dict': {'w': torch.zeros(1000)}}, str(path))
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(CLAEError, match='cut.pth is truncated, damaged or not a torch checkpoint'):
        safe_load_checkpoint(str(path))


# Calls that run code a file chooses: config text evaluated, or unrestricted
# unpickling. The project reads config files the user names (Config.fromfile
# of a --config argument) and nothing else that way.
_EXECUTING_CALLS = {('Config', 'fromstring'), ('pickle', 'load'), ('pickle', 'loads'),
                    ('yaml', 'load'), ('yaml', 'unsafe_load'), ('np', 'load'),
                    ('numpy', 'load'), ('marshal', 'loads'), ('hub', 'load_state_dict_from_url'),
                    ('torch.hub', 'load_state_dict_from_url'), (None, 'eval'), (None, 'exec')}


def executing_calls(path: str) -> list:
    with open(path) as f:
        tree = ast.parse(f.read())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name):
            key = (None, func.id)
        elif isinstance(func, ast.Attribute):
            key = (ast.unparse(func.value), func.attr)
        else:
            continue
        if key in _EXECUTING_CALLS:
            found.append(f'{osp.relpath(path, REPO)}:{node.lineno} {ast.unparse(func)}')
    return found


def test_nothing_evaluates_config_text_or_unpickles_freely():
    files = glob.glob(osp.join(REPO, 'clae_mm', '**', '*.py'), recursive=True) + \
        glob.glob(osp.join(REPO, 'tools', '**', '*.py'), recursive=True)
    assert [call for path in files for call in executing_calls(path)] == []
    # The one unpickler of dataset files is restricted to numpy arrays.
    with open(osp.join(REPO, 'clae_mm/datasets/safe_pickle.py')) as f:
        assert 'def find_class' in f.read()
