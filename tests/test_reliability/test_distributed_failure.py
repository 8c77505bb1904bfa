"""Two CPU workers (torchrun, gloo): when one dies the run ends, promptly."""
import glob
import os
import os.path as osp
import signal
import socket
import subprocess
import sys
import time

from tests.conftest import REPO, TINY_ENCODER
from .conftest import CONFIG, SINGLE_THREAD_ENV

STARTUP_LIMIT_S = 240  # two interpreters importing torch on 2 shared cores
EXIT_LIMIT_S = 60      # torchrun notices within a second; SIGKILL after its 30 s grace


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def children(pid: int) -> list:
    with open(f'/proc/{pid}/task/{pid}/children') as f:
        return [int(p) for p in f.read().split()]


def rank_of(pid: int) -> int:
    with open(f'/proc/{pid}/environ', 'rb') as f:
        env = dict(item.split(b'=', 1) for item in f.read().split(b'\0') if b'=' in item)
    return int(env[b'RANK'])


def alive(pid: int) -> bool:
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().split(')')[-1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


def logged_iterations(work_dir: str) -> int:
    count = 0
    for log in glob.glob(osp.join(work_dir, '*', '*.log')):
        with open(log) as f:
            count += sum('Epoch(train)' in line for line in f)
    return count


def test_killing_one_worker_ends_the_run(tmp_path, cifar10_root):
    work_dir = str(tmp_path / 'work')
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', PYTHON=sys.executable,
               PORT=str(free_port()), **SINGLE_THREAD_ENV)
    command = ['bash', osp.join(REPO, 'tools/dist_train.sh'), CONFIG, '2', '--work-dir', work_dir,
               '--data-root', cifar10_root, '--cfg-options', *TINY_ENCODER,
               'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
               'default_hooks.logger.interval=1', 'train_cfg.max_epochs=1000']
    launcher = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while logged_iterations(work_dir) < 2:  # both ranks are in the training loop
            assert launcher.poll() is None, launcher.stderr.read()[-3000:]
            assert time.monotonic() < deadline, 'training did not start'
            time.sleep(0.5)
        workers = {rank_of(pid): pid for pid in children(launcher.pid)}
        assert sorted(workers) == [0, 1]

        os.kill(workers[1], signal.SIGKILL)
        killed_at = time.monotonic()
        returncode = launcher.wait(timeout=EXIT_LIMIT_S)
        elapsed = time.monotonic() - killed_at
        stderr = launcher.stderr.read()
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
    assert returncode != 0
    assert elapsed < EXIT_LIMIT_S
    assert not alive(workers[0])  # the surviving worker was stopped, not left hanging
    assert 'rank      : 1' in stderr and 'SIGKILL' in stderr  # torchrun names the root cause
