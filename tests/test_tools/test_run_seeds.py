"""tools/benchmarks/run_seeds.sh end to end on a tiny encoder: one seed,
probing the checkpoint of best kNN accuracy (PROBE_CHECKPOINT=best-knn)."""
import glob
import json
import os
import os.path as osp
import subprocess

from tests.conftest import REPO, TINY_ENCODER, TINY_LOADER, tool_env


def test_best_knn_probe_checkpoint(tmp_path, cifar10_root):
    work_root = str(tmp_path / 'runs')
    env = tool_env(DATA_ROOT=cifar10_root, WORK_ROOT=work_root, PROBE_CHECKPOINT='best-knn',
                   # checkpoints every 2 epochs, only 1 kept: best-knn overrides both
                   CFG_OPTIONS=' '.join(TINY_ENCODER + TINY_LOADER + [
                       'train_cfg.max_epochs=3', 'default_hooks.checkpoint.interval=2',
                       'default_hooks.checkpoint.max_keep_ckpts=1']),
                   PROBE_ARGS='--epochs 2 --num-workers 0 --no-progress')
    proc = subprocess.run(['bash', osp.join(REPO, 'tools/benchmarks/run_seeds.sh'),
                           osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py'), '1'],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    work_dir = osp.join(work_root, 'seed_0')
    with open(osp.join(work_dir, 'linear_eval.json')) as f:
        probe = json.load(f)
    with open(osp.join(work_dir, 'knn_history.json')) as f:  # every validation of the training
        history = json.load(f)
    assert [e['step'] for e in history] == [1, 2, 3]
    best = max((e for e in history if e['step'] >= 1), key=lambda e: (e['knn/top1'], e['step']))
    assert probe['checkpoint_selection'] == 'best-knn'
    assert probe['checkpoint'] == osp.abspath(osp.join(work_dir, f"epoch_{best['step']}.pth"))
    # a checkpoint at every kNN evaluation (every epoch) while training; then the best and
    # the last remain
    log, = glob.glob(osp.join(work_dir, '*', '*.log'))
    with open(log) as f:
        saved = [line.split('Saving checkpoint at ')[1].split()[0] for line in f
                 if 'Saving checkpoint at ' in line]
    assert saved == ['1', '2', '3']
    kept = sorted(name for name in os.listdir(work_dir) if name.endswith('.pth'))
    assert kept == sorted({f"epoch_{best['step']}.pth", 'epoch_3.pth'})
    with open(osp.join(work_dir, 'knn_eval.json')) as f:
        assert json.load(f)['epoch'] == 3  # kNN still scores the last checkpoint
    assert '| LR backbone CIFAR10 (best-kNN checkpoint) |' in proc.stdout
    with open(osp.join(work_dir, 'run_time.json')) as f:
        run_time = json.load(f)
    assert run_time['result_type'] == 'run_time' and run_time['seed'] == 0
    assert run_time['threads'] == 1 and run_time['host_cpus'] == os.cpu_count()
    assert 0 < run_time['train_s'] and 0 < run_time['score_s']
    assert run_time['provenance']['commit'] and 'run_seeds.sh' in run_time['provenance']['command']
    with open(osp.join(work_dir, 'linear_eval.json')) as f:
        assert json.load(f)['provenance']['config_sha256']
    # three figures rounded to 0.1 s each
    assert abs(run_time['total_s'] - run_time['train_s'] - run_time['score_s']) < 0.11
