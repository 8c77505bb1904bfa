"""A process killed while writing a checkpoint leaves the previous one intact,
and --resume continues from it."""
import glob
import os
import os.path as osp
import signal
import subprocess
import sys

import torch

from tests.conftest import REPO, tool_env
from .conftest import CONFIG, train_args

KILLING_CONFIG = f'''_base_ = [{CONFIG!r}]
custom_imports = dict(imports=['tests.test_reliability.killed_mid_write'],
                      allow_failed_imports=False)
'''
OPTIONS = ('train_cfg.max_epochs=2', 'default_hooks.checkpoint.max_keep_ckpts=1')


def test_kill_during_checkpoint_write_then_resume(tmp_path, cifar10_root, train_tool):
    work_dir = str(tmp_path / 'work')
    config = tmp_path / 'killed_at_second_checkpoint.py'
    config.write_text(KILLING_CONFIG)
    # a process of its own: the kill is the subject
    proc = subprocess.run([sys.executable, osp.join(REPO, 'tools/train.py'),
                           *train_args(work_dir, cifar10_root, *OPTIONS, config=str(config))],
                          cwd=REPO, env=tool_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-3000:]

    # Killed half-way through epoch 2's checkpoint: the half-written bytes are
    # in the hidden temporary file, never at the final path; epoch 1 (which
    # max_keep_ckpts=1 makes mmengine delete *before* writing epoch 2) is
    # complete and is what last_checkpoint names.
    first = osp.join(work_dir, 'epoch_1.pth')
    (partial,) = glob.glob(osp.join(work_dir, '.epoch_2.pth.partial'))
    assert 0 < os.path.getsize(partial) < os.path.getsize(first)
    assert not osp.exists(osp.join(work_dir, 'epoch_2.pth'))
    assert torch.load(first, weights_only=True)['meta']['epoch'] == 1
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == first

    # --resume (no path) picks epoch 1 and finishes the run.
    assert train_tool.main(train_args(work_dir, cifar10_root, *OPTIONS, flags=['--resume'])) == 0
    final = torch.load(osp.join(work_dir, 'epoch_2.pth'), weights_only=True)
    assert (final['meta']['epoch'], final['meta']['iter']) == (2, 10)
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.log')))
    with open(logs[-1]) as f:
        assert 'resumed epoch: 1, iter: 5' in f.read()
    assert not osp.exists(first)  # pruned only once epoch 2 was complete
    assert not glob.glob(osp.join(work_dir, '.*.partial'))  # leftover cleaned up
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read() == osp.join(work_dir, 'epoch_2.pth')
