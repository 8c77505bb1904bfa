"""AtomicLocalBackend (the storage backend AtomicCheckpointHook hands mmengine)
and the checkpoint --resume picks when last_checkpoint is empty."""
import os
import os.path as osp
import time

import pytest
from mmengine.fileio import get_file_backend

from clae_mm.engine.hooks import AtomicCheckpointHook
from clae_mm.engine.hooks.atomic_checkpoint_hook import latest_checkpoint


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path, monkeypatch):
    backend = get_file_backend(str(tmp_path), backend_args=dict(backend='atomic_local'))
    target = tmp_path / 'epoch_1.pth'
    backend.put(b'complete', str(target))
    assert target.read_bytes() == b'complete'
    assert sorted(os.listdir(tmp_path)) == ['epoch_1.pth', 'epoch_1.pth.sha256']

    def full_disk(written, final):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr('clae_mm.engine.hooks.atomic_checkpoint_hook.commit_file', full_disk)
    with pytest.raises(OSError):
        backend.put(b'new but never complete', str(target))
    # the old record went before the rename that failed: the old file loads unchecked
    assert target.read_bytes() == b'complete' and os.listdir(tmp_path) == ['epoch_1.pth']


def test_the_hook_hands_mmengine_the_atomic_backend_and_keeps_remote_ones():
    local = AtomicCheckpointHook(interval=1, max_keep_ckpts=2)
    assert local.backend_args == dict(backend='atomic_local') and local.max_keep_ckpts == -1
    assert local.keep == 2  # pruned by the hook once the new checkpoint is complete
    remote = AtomicCheckpointHook(interval=1, max_keep_ckpts=2, out_dir='s3://bucket/runs')
    assert remote.backend_args is None and remote.max_keep_ckpts == 2


def test_resume_takes_the_checkpoint_written_last_when_last_checkpoint_is_empty(tmp_path):
    for epoch in (1, 3, 2):  # epoch 2 of a run resumed from 1 is newer than a stale epoch 3
        (tmp_path / f'epoch_{epoch}.pth').write_bytes(b'x')
        time.sleep(0.01)
    (tmp_path / 'best_knn_top1_epoch_3.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text('')
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_2.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_1.pth'))
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_1.pth')
    assert latest_checkpoint(str(tmp_path / 'new_run')) is None
    assert osp.isfile(tmp_path / 'epoch_3.pth')
