"""Checkpoints written by stock mmengine (a message hub of HistoryBuffers,
numpy values in meta) load weights-only; the few globals they need open no
way to run code."""
import collections
import os.path as osp
import re

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import save_checkpoint

from clae_mm.utils.safe_load import UnsafeCheckpointError, safe_load_checkpoint
from .conftest import train_args
from .test_remote_checkpoint import served  # noqa: F401 -- fixture


def stock_checkpoint(path: str) -> dict:
    """What mmengine's Runner.save_checkpoint stores, without our
    PlainCheckpointStateHook: message hub state and numpy meta values."""
    hub = MessageHub.get_instance(f'stock_{osp.basename(path)}')
    for step in range(3):
        hub.update_scalar('train/loss', np.float32(2.0 - step))
        hub.update_scalar('train/lr', 0.1, count=2)
    hub.update_info('iter', 3)
    hub.update_info('epoch', np.int64(1))
    meta = dict(epoch=1, iter=3, seed=np.int64(7), time=np.float64(1.5), flag=np.bool_(True),
                counts=np.arange(4, dtype=np.int32), half=np.ones(2, np.float16),
                cfg="model = dict(type='X')", mmengine_version='0.10.7')
    checkpoint = dict(meta=meta, state_dict=collections.OrderedDict(w=torch.arange(3.)),
                      message_hub=hub.state_dict())
    save_checkpoint(checkpoint, path)
    return checkpoint


def test_stock_mmengine_checkpoint_loads(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    path = str(tmp_path / 'stock.pth')
    saved = stock_checkpoint(path)
    with pytest.raises(Exception):  # torch's defaults alone refuse it
        torch.load(path, weights_only=True)
    loaded = safe_load_checkpoint(path)
    meta = loaded['meta']
    assert meta['seed'] == 7 and isinstance(meta['seed'], np.int64)
    assert meta['time'] == 1.5 and bool(meta['flag']) is True
    assert np.array_equal(meta['counts'], saved['meta']['counts'])
    assert meta['counts'].dtype == np.int32
    assert meta['half'].dtype == np.float16
    buffers = loaded['message_hub']['log_scalars']
    assert isinstance(buffers['train/loss'], HistoryBuffer)
    assert buffers['train/loss'].mean() == pytest.approx(1.0)
    assert buffers['train/lr'].statistics('mean') == pytest.approx(0.3 / 6)  # sum / count
    assert loaded['message_hub']['runtime_info']['epoch'] == 1
    assert torch.equal(loaded['state_dict']['w'], torch.arange(3.))
    # ...and the message hub takes it back, as on --resume.
    hub = MessageHub.get_instance('stock_reloaded')
    hub.load_state_dict(loaded['message_hub'])
    assert hub.get_scalar('train/loss').current() == pytest.approx(0.0)


class Reduce:
    def __init__(self, function, args):
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


@pytest.mark.parametrize('owner, name', [(HistoryBuffer, '__init__'), (HistoryBuffer, 'update'),
                                         (torch.Tensor, 'add_'), (getattr, '__self__')])
def test_getattr_answers_only_history_buffer_statistics(tmp_path, owner, name):
    path = str(tmp_path / 'getattr.pth')
    torch.save({'meta': Reduce(getattr, (owner, name))}, path)
    with pytest.raises(UnsafeCheckpointError) as info:
        safe_load_checkpoint(path)
    assert 'builtins.getattr' in str(info.value) and '\n' not in str(info.value)


def test_a_loaded_history_buffer_cannot_replace_a_statistic(tmp_path):
    buffer = HistoryBuffer([1.0, 3.0], [1, 1])
    # A crafted state maps 'mean' and a new name to another allowed callable.
    registry = HistoryBuffer._statistics_methods
    genuine = dict(registry)
    registry.update(mean=collections.Counter, extra=collections.Counter)
    try:
        torch.save({'message_hub': {'log_scalars': {'loss': buffer}}}, str(tmp_path / 'h.pth'))
    finally:
        registry.clear()
        registry.update(genuine)
    loaded = safe_load_checkpoint(str(tmp_path / 'h.pth'))
    assert HistoryBuffer._statistics_methods == genuine
    assert loaded['message_hub']['log_scalars']['loss'].statistics('mean') == 2.0


class ObjectArray:
    """Pickles as an ndarray of dtype object holding an allowed callable,
    its dtype made by ``np.dtype('O')`` (no BUILD of the dtype to refuse)."""

    def __reduce__(self):
        dtype = Reduce(np.dtype, ('O',))
        return (np.ndarray, ((0,), 'b'), (1, (2,), dtype, False,
                                          [collections.Counter, 'text']))


def test_an_object_array_is_refused(tmp_path):
    path = str(tmp_path / 'objects.pth')
    torch.save({'state_dict': {'w': torch.zeros(1)}, 'meta': {'counts': ObjectArray()}}, path)
    with pytest.raises(UnsafeCheckpointError) as info:
        safe_load_checkpoint(path)
    message = str(info.value)
    assert '\n' not in message and 'objects.pth refused' in message
    assert 'numpy value of dtype object' in message


def test_a_history_buffer_with_its_own_statistics_is_refused(tmp_path):
    """An instance's own ``_statistics_methods`` would shadow the class-wide
    registry: ``statistics('mean')`` would call what the file put there."""
    buffer = HistoryBuffer([1.0, 3.0], [1, 1])
    buffer._statistics_methods = {'mean': collections.Counter}
    path = str(tmp_path / 'own.pth')
    torch.save({'message_hub': {'log_scalars': {'loss': buffer}}}, path)
    with pytest.raises(UnsafeCheckpointError) as info:
        safe_load_checkpoint(path)
    message = str(info.value)
    assert '\n' not in message and 'own.pth refused' in message
    assert "a HistoryBuffer state must hold ['_count_history', '_log_history', 'max_length'], " \
        "this one holds ['_count_history', '_log_history', '_statistics_methods', " \
        "'max_length']" in message


def test_train_resumes_and_loads_from_a_stock_checkpoint(tmp_path, cifar10_root, train_tool,
                                                         capsys, served):  # noqa: F811
    # One epoch saved the way stock mmengine saves (our plain-data hook off)...
    stock_dir = tmp_path / 'stock'
    assert train_tool.main(train_args(str(stock_dir), cifar10_root, 'train_cfg.max_epochs=1',
                                      'default_hooks.plain_checkpoint_state=None')) == 0
    checkpoint = safe_load_checkpoint(str(stock_dir / 'epoch_1.pth'))
    assert any(isinstance(value, HistoryBuffer)
               for value in checkpoint['message_hub']['log_scalars'].values())
    # ...resumes with our default hooks...
    assert train_tool.main(train_args(str(tmp_path / 'resumed'), cifar10_root,
                                      'train_cfg.max_epochs=2',
                                      flags=['--resume', str(stock_dir / 'epoch_1.pth')])) == 0
    assert 'resumed epoch: 1, iter: 5' in capsys.readouterr().out
    resumed = safe_load_checkpoint(str(tmp_path / 'resumed' / 'epoch_2.pth'))
    assert resumed['meta']['epoch'] == 2 and resumed['meta']['iter'] == 10
    # ...and initialises a run when served by URL.
    folder, url = served
    (folder / 'stock.pth').write_bytes((stock_dir / 'epoch_1.pth').read_bytes())
    assert train_tool.main(train_args(str(tmp_path / 'from_url'), cifar10_root,
                                      'train_cfg.max_epochs=1', f'load_from={url}/stock.pth')) == 0
    log = capsys.readouterr().out
    assert re.search(r'Load checkpoint from http://127\.0\.0\.1:\d+/stock\.pth', log)
    assert osp.isfile(tmp_path / 'from_url' / 'epoch_1.pth')
