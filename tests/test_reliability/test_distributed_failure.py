"""Two CPU workers (torchrun, gloo): when one dies the run ends, promptly; when
the launcher dies the workers end."""
import glob
import os
import os.path as osp
import signal
import subprocess
import sys
import time

from clae_mm.utils import safe_load_checkpoint
from tests.conftest import REPO, SINGLE_THREAD_ENV, TINY_ENCODER, free_port
from .conftest import CONFIG

STARTUP_LIMIT_S = 240  # two interpreters importing torch on 2 shared cores
EXIT_LIMIT_S = 60      # torchrun notices within a second; SIGKILL after its 30 s grace
ORPHAN_LIMIT_S = 10    # workers poll their parent every second


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


def start_run(work_dir: str, data_root: str) -> subprocess.Popen:
    """tools/dist_train.sh CONFIG 2 (torchrun, two CPU/gloo workers) on a
    1000-epoch run, returned once both ranks are in the training loop. Its
    stderr (the workers' too) goes to ``work_dir + '.stderr'``: a pipe would
    block the reader for as long as an orphaned worker holds it open."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', PYTHON=sys.executable,
               PORT=str(free_port()), **SINGLE_THREAD_ENV)
    command = ['bash', osp.join(REPO, 'tools/dist_train.sh'), CONFIG, '2', '--work-dir', work_dir,
               '--data-root', data_root, '--cfg-options', *TINY_ENCODER,
               'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
               'default_hooks.logger.interval=1', 'train_cfg.max_epochs=1000',
               'default_hooks.checkpoint.interval=1']
    with open(work_dir + '.stderr', 'w') as stderr:
        launcher = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                    stderr=stderr, start_new_session=True)
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while logged_iterations(work_dir) < 2:  # both ranks are in the training loop
        if launcher.poll() is not None:
            raise AssertionError(read_stderr(work_dir)[-3000:])
        if time.monotonic() > deadline:
            os.killpg(launcher.pid, signal.SIGKILL)
            raise AssertionError('training did not start')
        time.sleep(0.5)
    return launcher


def read_stderr(work_dir: str) -> str:
    with open(work_dir + '.stderr') as f:
        return f.read()


def test_killing_one_worker_ends_the_run(tmp_path, cifar10_root):
    work_dir = str(tmp_path / 'work')
    launcher = start_run(work_dir, cifar10_root)
    try:
        workers = {rank_of(pid): pid for pid in children(launcher.pid)}
        assert sorted(workers) == [0, 1]

        os.kill(workers[1], signal.SIGKILL)
        killed_at = time.monotonic()
        returncode = launcher.wait(timeout=EXIT_LIMIT_S)
        elapsed = time.monotonic() - killed_at
        stderr = read_stderr(work_dir)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
    assert returncode != 0
    assert elapsed < EXIT_LIMIT_S
    assert not alive(workers[0])  # the surviving worker was stopped, not left hanging
    assert 'rank      : 1' in stderr and 'SIGKILL' in stderr  # torchrun names the root cause


def test_killing_the_launcher_ends_the_workers(tmp_path, cifar10_root):
    """torchrun SIGKILLed (it cannot stop its workers): each worker notices it
    lost its parent and exits within seconds; the checkpoints stay whole."""
    work_dir = str(tmp_path / 'work')
    launcher = start_run(work_dir, cifar10_root)
    workers = children(launcher.pid)
    try:
        assert len(workers) == 2
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while not glob.glob(osp.join(work_dir, 'epoch_*.pth')):  # a checkpoint to protect
            assert time.monotonic() < deadline, 'no checkpoint was written'
            time.sleep(0.2)
        os.kill(launcher.pid, signal.SIGKILL)
        launcher.wait()
        killed_at = time.monotonic()
        while any(alive(pid) for pid in workers) and time.monotonic() - killed_at < ORPHAN_LIMIT_S:
            time.sleep(0.1)
        elapsed = time.monotonic() - killed_at
        stderr = read_stderr(work_dir)
    finally:
        for pid in workers:  # never leave them behind, whatever failed
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert elapsed < ORPHAN_LIMIT_S, f'workers still alive {elapsed:.0f} s after the launcher died'
    # The first to notice exits; its peer may then fail its next collective first.
    assert 'error: the launcher (pid' in stderr, stderr[-3000:]
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        latest = f.read()
    checkpoint = safe_load_checkpoint(latest)  # complete: it loads
    assert checkpoint['meta']['epoch'] >= 1


def test_killing_the_launcher_ends_the_evaluation_workers(tmp_path, simclr_run):
    """tools/dist_test.sh (the evaluation tools' --launcher pytorch): the same
    exit as training's workers, not workers scoring on for minutes."""
    work_dir = str(tmp_path / 'work')
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', PYTHON=sys.executable,
               PORT=str(free_port()), **SINGLE_THREAD_ENV)
    command = ['bash', osp.join(REPO, 'tools/dist_test.sh'), simclr_run['config'],
               simclr_run['checkpoint'], '2', '--work-dir', work_dir, '--data-root',
               simclr_run['data_root'], '--cfg-options', *TINY_ENCODER,
               'test_dataloader.num_workers=0', 'test_cfg.bank.num_workers=0',
               'test_evaluator.1.epochs=1000000']  # a linear probe that runs for hours
    with open(work_dir + '.stderr', 'w') as stderr:
        # cwd: mmengine collects the workers' results in ./.dist_test, which a kill leaves
        launcher = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                                    stderr=stderr, start_new_session=True)
    workers = []
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while not any('Load checkpoint from' in open(log).read()  # the runner is built
                      for log in glob.glob(osp.join(work_dir, '*', '*.log'))):
            assert launcher.poll() is None, read_stderr(work_dir)[-3000:]
            assert time.monotonic() < deadline, 'the evaluation did not start'
            time.sleep(0.5)
        workers = children(launcher.pid)
        assert len(workers) == 2
        os.kill(launcher.pid, signal.SIGKILL)
        launcher.wait()
        killed_at = time.monotonic()
        while any(alive(pid) for pid in workers) and time.monotonic() - killed_at < ORPHAN_LIMIT_S:
            time.sleep(0.1)
        elapsed = time.monotonic() - killed_at
        stderr = read_stderr(work_dir)
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
    assert elapsed < ORPHAN_LIMIT_S, f'workers still alive {elapsed:.0f} s after the launcher died'
    assert 'stops now. No result was written: run the evaluation again' in stderr, stderr[-3000:]
