"""An unwritable work dir fails at start; a failed checkpoint write (disk
full) fails with one line and leaves the previous checkpoint intact."""
import errno
import glob
import os
import os.path as osp
import subprocess

import pytest
import torch
from mmengine.fileio import LocalBackend

from clae_mm.utils import CLAEError, check_work_dir_writable, safe_load_checkpoint
from .conftest import train_args


def test_unwritable_work_dir_fails_before_training(tmp_path, cifar10_root, train_tool, capsys):
    not_a_dir = tmp_path / 'file'
    not_a_dir.write_text('')
    work_dir = str(not_a_dir / 'work')
    with pytest.raises(CLAEError, match=f'work dir {work_dir} is not writable .*--work-dir'):
        check_work_dir_writable(work_dir)
    assert train_tool.main(train_args(work_dir, cifar10_root)) == 2
    assert capsys.readouterr().err.strip() == (
        f'error: work dir {work_dir} is not writable (Not a directory); pass a writable --work-dir')


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KiB tmpfs filled to the last block (mounting needs root and the right
    to mount, as in this project's test container; skipped elsewhere)."""
    mount_point = tmp_path / 'full'
    mount_point.mkdir()
    if subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', str(mount_point)],
                      capture_output=True).returncode != 0:
        pytest.skip('cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)')
    try:
        with open(mount_point / 'filler', 'wb') as f:
            try:
                f.write(bytes(1 << 20))
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        yield mount_point
    finally:
        subprocess.run(['umount', '-l', str(mount_point)], check=True)  # -l: a log left open


def test_full_disk_at_start_is_one_line(full_disk, cifar10_root, train_tool, capsys):
    work_dir = str(full_disk / 'work')
    (full_disk / 'empty').touch()  # what the old check wrote: an empty file still fits
    assert train_tool.main(train_args(work_dir, cifar10_root)) == 2
    assert capsys.readouterr().err == (
        f'error: work dir {work_dir} has no space left (No space left on device); free disk '
        'space or pass a --work-dir on another disk\n')


def test_no_space_reported_at_fsync_is_one_line(tmp_path, monkeypatch):
    """File systems that reserve blocks late (NFS, quotas) report ENOSPC at fsync."""
    def fsync(fd):
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr('clae_mm.utils.work_dir.os.fsync', fsync)
    with pytest.raises(CLAEError, match=r'^work dir .* has no space left \(No space left on '
                       r'device\); free disk space or pass a --work-dir on another disk$'):
        check_work_dir_writable(str(tmp_path / 'work'))
    assert os.listdir(tmp_path / 'work') == []  # the probe is removed


def fill_disk_at_second_checkpoint(monkeypatch):
    """Checkpoint writes: the first succeeds, the second writes half its bytes
    and fails with ENOSPC, as on a full disk."""
    write = LocalBackend.put
    writes = []

    def put(self, obj, filepath):
        if '.pth' not in str(filepath):
            return write(self, obj, filepath)
        writes.append(filepath)
        if len(writes) == 2:
            with open(filepath, 'wb') as f:
                f.write(obj[:len(obj) // 2])
            raise OSError(errno.ENOSPC, 'No space left on device')
        return write(self, obj, filepath)

    monkeypatch.setattr(LocalBackend, 'put', put)


def test_disk_full_during_run_keeps_the_previous_checkpoint(tmp_path, cifar10_root, train_tool,
                                                            capsys, monkeypatch):
    work_dir = str(tmp_path)
    first, second = osp.join(work_dir, 'epoch_1.pth'), osp.join(work_dir, 'epoch_2.pth')
    fill_disk_at_second_checkpoint(monkeypatch)
    assert train_tool.main(train_args(work_dir, cifar10_root, 'train_cfg.max_epochs=3',
                                      'default_hooks.checkpoint.max_keep_ckpts=1')) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f'error: could not write checkpoint {second} (No space left on device); the last '
        f'complete checkpoint, {first}, is intact. Free disk space or pass a writable '
        '--work-dir, then --resume')
    assert torch.load(first, weights_only=True)['meta']['epoch'] == 1
    assert not osp.exists(second) and not glob.glob(osp.join(work_dir, '.*.partial'))
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == first


def test_mmengine_checkpoint_hook_loses_the_checkpoint_here(tmp_path, cifar10_root, train_tool,
                                                            monkeypatch):
    # Control: with mmengine's own CheckpointHook the same failure deletes the
    # only complete checkpoint and leaves a truncated one at the final path.
    work_dir = str(tmp_path)
    fill_disk_at_second_checkpoint(monkeypatch)
    with pytest.raises(OSError):
        train_tool.main(train_args(work_dir, cifar10_root, 'train_cfg.max_epochs=3',
                                   'default_hooks.checkpoint.type=CheckpointHook',
                                   'default_hooks.checkpoint.max_keep_ckpts=1'))
    assert not osp.exists(osp.join(work_dir, 'epoch_1.pth'))
    with pytest.raises(CLAEError, match='truncated'):
        safe_load_checkpoint(osp.join(work_dir, 'epoch_2.pth'))
