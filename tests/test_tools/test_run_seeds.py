"""tools/benchmarks/run_seeds.sh with PROBE_CHECKPOINT=best-knn: what each step is given, in
which order, and the run-time record it writes. The script's interpreter is a stand-in that
records each call and plays the tool's part in the files the script reads (the tools
themselves are tested through their main(argv): test_train.py, test_knn_eval.py,
test_linear_eval.py's --best-knn, test_best_knn_checkpoint.py's --training-options and
--prune, test_summarize_results.py); the script's own Python (`-c`: run_time.json) runs for
real."""
import json
import os
import os.path as osp
import subprocess
import sys

from tests.conftest import REPO, tool_env

CONFIG = osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py')
# best_knn_checkpoint.py --training-options for this config (kNN every epoch)
KEEP = ['default_hooks.checkpoint.interval=1', 'default_hooks.checkpoint.by_epoch=True',
        'default_hooks.checkpoint.max_keep_ckpts=-1']
STAND_IN = '''#!/usr/bin/env bash
{{ printf '%s\\037' "$@"; printf '\\036'; }} >> "$(dirname "$0")/calls"
case "$1" in
    -c) exec {python} "$@" ;;
    */best_knn_checkpoint.py) if [[ "$*" == *--training-options* ]]; then echo {keep}; fi ;;
    */train.py)
        while [[ "$1" != --work-dir ]]; do shift; done
        mkdir -p "$2" && echo "$2/epoch_3.pth" > "$2/last_checkpoint"
        sleep 0.3 ;;
    */knn_eval.py|*/linear_eval.py) sleep 0.3 ;;
esac
'''


def test_best_knn_seed_run(tmp_path):
    python = tmp_path / 'python'
    python.write_text(STAND_IN.format(python=sys.executable, keep=' '.join(KEEP)))
    python.chmod(0o755)
    work_root, data_root = str(tmp_path / 'runs'), str(tmp_path / 'data')
    # checkpoints every 2 epochs, only 1 kept: best-knn's options come later and win
    options = ['train_cfg.max_epochs=3', 'default_hooks.checkpoint.interval=2',
               'default_hooks.checkpoint.max_keep_ckpts=1']
    env = tool_env(PYTHON=str(python), DATA_ROOT=data_root, WORK_ROOT=work_root,
                   PROBE_CHECKPOINT='best-knn', CFG_OPTIONS=' '.join(options),
                   PROBE_ARGS='--epochs 2 --no-progress')
    script = osp.join(REPO, 'tools/benchmarks/run_seeds.sh')
    proc = subprocess.run(['bash', script, CONFIG, '1'], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]

    calls = [call.split('\x1f')[:-1]
             for call in (tmp_path / 'calls').read_text().split('\x1e')[:-1]]
    work_dir = osp.join(work_root, 'seed_0')
    benchmarks, data = osp.join(REPO, 'tools', 'benchmarks'), ['--data-root', data_root]
    evaluation = [*data, '--cfg-options', *options, '--work-dir', osp.join(work_dir, 'eval')]
    assert calls[:5] + calls[6:] == [
        [osp.join(benchmarks, 'best_knn_checkpoint.py'), CONFIG, '--training-options',
         '--cfg-options', *options],
        [osp.join(REPO, 'tools', 'train.py'), CONFIG, '--work-dir', work_dir, *data,
         '--cfg-options', 'randomness.seed=0', *options, *KEEP],
        [osp.join(benchmarks, 'knn_eval.py'), CONFIG, osp.join(work_dir, 'epoch_3.pth'),
         *evaluation, '--out', osp.join(work_dir, 'knn_eval.json'), '--overwrite'],
        [osp.join(benchmarks, 'linear_eval.py'), CONFIG, work_dir, '--best-knn', *evaluation,
         '--out', osp.join(work_dir, 'linear_eval.json'), '--overwrite', '--epochs', '2',
         '--no-progress'],
        [osp.join(benchmarks, 'best_knn_checkpoint.py'), work_dir, '--prune'],
        [osp.join(REPO, 'tools', 'analysis', 'summarize_results.py'), work_root]]
    assert calls[5][0] == '-c' and len(calls) == 7

    with open(osp.join(work_dir, 'run_time.json')) as f:
        run_time = json.load(f)
    assert run_time['result_type'] == 'run_time' and run_time['seed'] == 0
    assert run_time['config'] == 'simclr_r18_cifar10'
    assert run_time['threads'] == 1 and run_time['host_cpus'] == os.cpu_count()
    # the stand-in's training takes 0.3 s, its two scores 0.6 s
    assert run_time['train_s'] >= 0.3 and run_time['score_s'] >= 0.6
    # three figures rounded to 0.1 s each
    assert abs(run_time['total_s'] - run_time['train_s'] - run_time['score_s']) < 0.11
    made = run_time['provenance']
    assert made['commit'] and made['config'] == 'configs/clae/simclr_r18_cifar10.py'
    assert made['command'] == f'{script} {CONFIG} 1'
