"""tools/test.py and tools/dist_test.sh: runner.test() of a saved checkpoint
with the config's test evaluation (the paper's kNN and linear probe)."""
import json
import os
import os.path as osp
import subprocess

from tests.conftest import REPO, TINY_ENCODER, load_tool
from tests.test_tools.test_knn_eval import training_history

FAST = ['test_evaluator.1.epochs=2', 'test_dataloader.num_workers=0', 'test_cfg.bank.num_workers=0']


def read(path):
    with open(path) as f:
        return json.load(f)


def test_scores_the_checkpoint_as_the_validation_during_training(simclr_run, tmp_path):
    tool = load_tool('test.py')
    out = tmp_path / 'metrics.json'
    assert tool.main([simclr_run['config'], simclr_run['checkpoint'], '--work-dir',
                      str(tmp_path / 'work'), '--data-root', simclr_run['data_root'],
                      '--out', str(out), '--cfg-options', *TINY_ENCODER, *FAST]) == 0
    metrics = read(out)['metrics']
    assert set(metrics) == {'knn/top1', 'knn/top5', 'linear/top1', 'linear/top5',
                            'linear/best_top1'}
    validated = training_history(simclr_run['work_dir'])[2]  # epoch 2, scored while training
    assert (metrics['knn/top1'], metrics['knn/top5']) == \
        (validated['knn/top1'], validated['knn/top5'])
    assert metrics['linear/best_top1'] >= metrics['linear/top1']
    # logged as any mmengine test: the metrics in the work dir's log folder
    (log_dir,) = [d for d in os.listdir(tmp_path / 'work') if osp.isdir(tmp_path / 'work' / d)]
    assert read(tmp_path / 'work' / log_dir / f'{log_dir}.json')['knn/top1'] == metrics['knn/top1']


def test_checkpoint_of_another_architecture_is_a_one_line_error(simclr_run, tmp_path, capsys):
    tool = load_tool('test.py')
    assert tool.main([simclr_run['checkpoint'], '--work-dir', str(tmp_path), '--cfg-options',
                      'model.backbone.type=ResNet_CIFAR']) == 2  # plain BNs: keys missing
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith('error: checkpoint')
    assert 'does not fit the model' in error[0]


def test_the_checkpoint_alone_rebuilds_its_run(simclr_run, tmp_path, monkeypatch, capfd):
    """No CONFIG, no --cfg-options: the model (narrow encoder), the data and the evaluation
    are the ones the training recorded in the checkpoint; the score is the training's. The
    logs go to work_dirs/<config name>/test, and the training run's files stay as they were.
    A CONFIG of another run's evaluation still scores the checkpoint's own model."""
    tool = load_tool('test.py')
    monkeypatch.chdir(tmp_path)
    before = {name: os.path.getmtime(osp.join(simclr_run['work_dir'], name))
              for name in os.listdir(simclr_run['work_dir'])}
    assert tool.main([simclr_run['checkpoint'], '--out', 'alone.json', '--cfg-options',
                      *FAST]) == 0
    assert 'config: as recorded in epoch_2.pth' in capfd.readouterr().out
    validated = training_history(simclr_run['work_dir'])[2]
    metrics = read(tmp_path / 'alone.json')['metrics']
    assert (metrics['knn/top1'], metrics['knn/top5']) == (validated['knn/top1'],
                                                          validated['knn/top5'])
    assert osp.isdir(tmp_path / 'work_dirs' / 'simclr_r18_cifar10' / 'test')
    assert before == {name: os.path.getmtime(osp.join(simclr_run['work_dir'], name))
                      for name in os.listdir(simclr_run['work_dir'])}
    # the eps-0 baseline's config has plain BNs; the model still comes from the checkpoint
    config = osp.join(REPO, 'configs/clae/simclr_r18_cifar10_eps0.py')
    assert tool.main([config, simclr_run['checkpoint'], '--data-root', simclr_run['data_root'],
                      '--out', 'with_config.json', '--cfg-options', *FAST]) == 0
    assert 'model: as recorded in epoch_2.pth; data and evaluation: ' in capfd.readouterr().out
    assert read(tmp_path / 'with_config.json')['metrics']['knn/top1'] == metrics['knn/top1']


def test_an_earlier_result_is_never_overwritten(simclr_run, tmp_path, capsys):
    tool = load_tool('test.py')
    out = tmp_path / 'metrics.json'
    out.write_text('{"earlier": true}\n')
    assert tool.main([simclr_run['checkpoint'], '--work-dir', str(tmp_path / 'work'),
                      '--out', str(out)]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and 'exists (an earlier result)' in error[0] and '--overwrite' in error[0]
    assert read(out) == {'earlier': True} and not osp.exists(tmp_path / 'work')


def test_slurm_test_sh_passes_config_and_checkpoint_as_given(tmp_path):
    """tools/slurm_test.sh PARTITION JOB [CONFIG] CHECKPOINT [ARGS]: srun (a stand-in that
    prints its arguments) runs tools/test.py with the paths, the slurm launcher and the rest."""
    srun = tmp_path / 'srun'
    srun.write_text('#!/bin/sh\necho "$@"\n')
    srun.chmod(0o755)
    env = dict(os.environ, PATH=f"{tmp_path}:{os.environ['PATH']}")

    def command(*args):
        proc = subprocess.run(['bash', osp.join(REPO, 'tools/slurm_test.sh'), 'part', 'job', *args],
                              env=env, capture_output=True, text=True, check=True)
        return proc.stdout.split('tools/test.py ')[1].split()

    assert command('ckpt.pth', '--out', 'm.json') == ['ckpt.pth', '--launcher=slurm', '--out',
                                                      'm.json']
    assert command('cfg.py', 'ckpt.pth') == ['cfg.py', 'ckpt.pth', '--launcher=slurm']
