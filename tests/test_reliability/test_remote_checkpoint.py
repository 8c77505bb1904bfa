"""A checkpoint named by URL or model-zoo name is read weights-only: a payload
served over HTTP does not run, and the tools stop with one line."""
import functools
import http.server
import os.path as osp
import sys
import threading
import types

import pytest
import torch
from mmengine.model import BaseModule
from mmengine.runner import CheckpointLoader
from mmengine.runner import checkpoint as mmengine_checkpoint

from clae_mm.utils import remote_checkpoint
from clae_mm.utils.remote_checkpoint import CheckpointDownloadError
from clae_mm.utils.safe_load import UnsafeCheckpointError, load_from_local_weights_only
from tests.conftest import run_tool
from .conftest import train_args
from .test_safe_load import crafted_checkpoint

OURS = {'clae_mm.utils.safe_load', 'clae_mm.utils.remote_checkpoint'}
# Every scheme mmengine 0.10.7 resolves, and a path for each.
SCHEME_EXAMPLES = ['http://host/x.pth', 'https://host/x.pth', 'torchvision://resnet18',
                   'modelzoo://resnet18', 'open-mmlab://resnet50_caffe',
                   'openmmlab://resnet50_caffe', 'mmcls://resnet50', 'pavi://model/x.pth',
                   's3://bucket/x.pth', 'petrel://bucket/x.pth', 'open-mmlab:s3://bucket/x.pth',
                   '/local/epoch_1.pth', 'relative/epoch_1.pth']


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A folder served on 127.0.0.1 (no internet needed) and an empty torch
    hub cache: ``(folder, base URL)``."""
    folder = tmp_path / 'served'
    folder.mkdir()
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    server = http.server.ThreadingHTTPServer(
        ('127.0.0.1', 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f'http://127.0.0.1:{server.server_address[1]}'
    server.shutdown()
    server.server_close()


def evil(folder, tmp_path, name='evil.pth'):
    """The payload checkpoint in the served folder and the marker it would create."""
    marker = tmp_path / f'ran_{name}'
    crafted_checkpoint(str(folder / name), str(marker))
    return marker


def benign(folder, name='good.pth'):
    state_dict = {'backbone.weight': torch.arange(6.).reshape(2, 3), 'head.bias': torch.ones(2)}
    torch.save(dict(meta=dict(epoch=3), state_dict=state_dict), str(folder / name))
    return state_dict


def assert_refused(error, marker):
    message = str(error.value)
    assert '\n' not in message
    assert 'refused' in message and 'posix.system' in message
    assert not marker.exists()


def test_every_scheme_ends_in_the_weights_only_loader():
    assert {loader.__module__ for loader in CheckpointLoader._schemes.values()} <= OURS
    for path in SCHEME_EXAMPLES:
        assert CheckpointLoader._get_checkpoint_loader(path).__module__ in OURS, path
    assert CheckpointLoader._get_checkpoint_loader('/x.pth') is load_from_local_weights_only


def test_mmengine_http_loader_runs_the_payload(served, tmp_path):
    # The hole this closes: mmengine's own loader (torch.hub with
    # weights_only=False) runs the payload. Keeps the tests below honest.
    folder, url = served
    marker = evil(folder, tmp_path)
    mmengine_checkpoint.load_from_http(f'{url}/evil.pth', map_location='cpu')
    assert marker.exists()


def test_http_payload_is_refused(served, tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')  # explicit True wins
    folder, url = served
    marker = evil(folder, tmp_path)
    with pytest.raises(UnsafeCheckpointError) as error:
        CheckpointLoader.load_checkpoint(f'{url}/evil.pth', map_location='cpu')
    assert_refused(error, marker)
    assert f'{url}/evil.pth' in str(error.value)


def test_benign_url_checkpoint_loads_and_is_cached(served, tmp_path):
    folder, url = served
    state_dict = benign(folder)
    loaded = CheckpointLoader.load_checkpoint(f'{url}/good.pth', map_location='cpu')
    assert loaded['meta'] == dict(epoch=3)
    assert all(torch.equal(loaded['state_dict'][k], v) for k, v in state_dict.items())
    assert osp.isfile(tmp_path / 'torch_home' / 'hub' / 'checkpoints' / 'good.pth')


class Tiny(BaseModule):
    def __init__(self, init_cfg=None):
        super().__init__(init_cfg)
        self.weight = torch.nn.Parameter(torch.zeros(2, 3))


def test_pretrained_init_cfg_url(served, tmp_path):
    folder, url = served
    marker = evil(folder, tmp_path)
    with pytest.raises(UnsafeCheckpointError) as error:
        Tiny(dict(type='Pretrained', checkpoint=f'{url}/evil.pth')).init_weights()
    assert_refused(error, marker)

    state_dict = benign(folder)
    model = Tiny(dict(type='Pretrained', checkpoint=f'{url}/good.pth', prefix='backbone.'))
    model.init_weights()
    assert torch.equal(model.weight.data, state_dict['backbone.weight'])


def test_model_zoo_names_are_downloaded_and_read_weights_only(served, tmp_path, monkeypatch):
    folder, url = served
    markers = {name: evil(folder, tmp_path, f'{name}.pth')
               for name in ('torchvision', 'mmcls', 'openmmlab')}
    state_dict = benign(folder)
    monkeypatch.setattr(remote_checkpoint, 'get_torchvision_models',
                        lambda: {'net': f'{url}/torchvision.pth'})
    monkeypatch.setattr(remote_checkpoint, 'get_mmcls_models',
                        lambda: {'net': f'{url}/mmcls.pth', 'good': f'{url}/good.pth'})
    monkeypatch.setattr(remote_checkpoint, 'get_external_models',
                        lambda: {'net': f'{url}/openmmlab.pth', 'local': 'evil_local.pth'})
    for path, marker in (('torchvision://net', markers['torchvision']),
                         ('modelzoo://net', markers['torchvision']),
                         ('mmcls://net', markers['mmcls']),
                         ('open-mmlab://net', markers['openmmlab'])):
        with pytest.raises(UnsafeCheckpointError) as error:
            CheckpointLoader.load_checkpoint(path, map_location='cpu')
        assert_refused(error, marker)
    # open-mmlab:// names may also be files under $MMENGINE_HOME.
    monkeypatch.setenv('MMENGINE_HOME', str(folder))
    marker = evil(folder, tmp_path, 'evil_local.pth')
    with pytest.raises(UnsafeCheckpointError) as error:
        CheckpointLoader.load_checkpoint('openmmlab://local', map_location='cpu')
    assert_refused(error, marker)
    # mmcls:// keeps the backbone's tensors, unprefixed, as mmengine does.
    loaded = CheckpointLoader.load_checkpoint('mmcls://good', map_location='cpu')
    assert list(loaded['state_dict']) == ['weight']
    assert torch.equal(loaded['state_dict']['weight'], state_dict['backbone.weight'])
    with pytest.raises(remote_checkpoint.CLAEError, match="no model named 'nope'"):
        CheckpointLoader.load_checkpoint('mmcls://nope')


def test_pavi_and_s3_bytes_are_read_weights_only(tmp_path, monkeypatch):
    source = tmp_path / 'evil.pth'
    marker = tmp_path / 'ran'
    crafted_checkpoint(str(source), str(marker))

    class Model:  # the two calls mmengine's pavi loader makes
        name = 'evil.pth'

        def download(self, path):
            with open(path, 'wb') as f:
                f.write(source.read_bytes())

    pavi = types.ModuleType('pavi')
    pavi.modelcloud = types.SimpleNamespace(get=lambda name: Model())
    monkeypatch.setitem(sys.modules, 'pavi', pavi)
    with pytest.raises(UnsafeCheckpointError) as error:
        CheckpointLoader.load_checkpoint('pavi://project/evil.pth')
    assert_refused(error, marker)

    backend = types.SimpleNamespace(get=lambda name: source.read_bytes())
    monkeypatch.setattr(remote_checkpoint, 'get_file_backend', lambda *args, **kwargs: backend)
    for path in ('s3://bucket/evil.pth', 'open-mmlab:s3://bucket/evil.pth'):
        with pytest.raises(UnsafeCheckpointError) as error:
            CheckpointLoader.load_checkpoint(path)
        assert_refused(error, marker)


def test_unreachable_url_is_one_line(served, tmp_path):
    _, url = served
    with pytest.raises(CheckpointDownloadError) as error:
        CheckpointLoader.load_checkpoint(f'{url}/missing.pth')
    message = str(error.value)
    assert '\n' not in message and 'missing.pth' in message and '404' in message
    assert 'download it yourself and pass the local path' in message
    # Nothing listens on the port of a closed server.
    closed = http.server.ThreadingHTTPServer(('127.0.0.1', 0), QuietHandler)
    port = closed.server_address[1]
    closed.server_close()
    with pytest.raises(CheckpointDownloadError, match='could not download checkpoint'):
        CheckpointLoader.load_checkpoint(f'http://127.0.0.1:{port}/x.pth')
    assert not list((tmp_path / 'torch_home' / 'hub' / 'checkpoints').iterdir())  # no partials


def test_train_load_from_url_refuses_the_payload(served, tmp_path, cifar10_root, train_tool,
                                                 capsys, monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    folder, url = served
    marker = evil(folder, tmp_path)
    assert train_tool.main(train_args(str(tmp_path / 'work'), cifar10_root,
                                      f'load_from={url}/evil.pth')) == 2
    captured = capsys.readouterr()
    error_lines = [line for line in captured.err.splitlines() if line.startswith('error:')]
    assert len(error_lines) == 1
    assert 'refused' in error_lines[0] and 'posix.system' in error_lines[0]
    assert 'Epoch(train)' not in captured.out
    assert not marker.exists()
    assert not osp.exists(tmp_path / 'work' / 'epoch_1.pth')


def test_train_resume_url_refuses_the_payload(served, tmp_path, cifar10_root, capfd,
                                             monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    folder, url = served
    marker = evil(folder, tmp_path)
    assert run_tool('train.py', *train_args(str(tmp_path / 'work'), cifar10_root,
                                            flags=['--resume', f'{url}/evil.pth'])) == 2
    captured = capfd.readouterr()
    error_lines = [line for line in captured.err.splitlines() if line.startswith('error:')]
    assert len(error_lines) == 1
    assert 'refused' in error_lines[0] and 'posix.system' in error_lines[0]
    assert 'Traceback' not in captured.err
    assert 'Epoch(train)' not in captured.out
    assert not marker.exists()
