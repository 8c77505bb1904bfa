"""A run resumed with another eps says so, and records every epoch's eps, so
no analysis tool labels it with one eps."""
import glob
import json
import os.path as osp

from mmengine.config import Config

from clae_mm.evaluation.result_file import describe_run
from clae_mm.utils import safe_load_checkpoint
from tests.test_tools.test_analysis.tool_loader import load_tool
from .conftest import CONFIG, train_args

WARNING = 'resumed with another adversary than the checkpoint trained with'


def newest_log(work_dir: str) -> str:
    with open(max(glob.glob(osp.join(work_dir, '*', '*.log')))) as f:
        return f.read()


def settings(path: str) -> dict:
    return safe_load_checkpoint(path)['meta']['training_settings']


def test_resume_with_another_eps_warns_and_records_each_epoch(train_tool, tmp_path, cifar10_root,
                                                              capsys):
    work_dir = str(tmp_path / 'work')
    assert train_tool.main(train_args(work_dir, cifar10_root, 'train_cfg.max_epochs=1',
                                      'default_hooks.knn=None', 'val_cfg=None',
                                      'val_evaluator=None', 'val_dataloader=None')) == 0
    first = osp.join(work_dir, 'epoch_1.pth')
    assert settings(first)['eps_history'] == [0.03]
    assert WARNING not in newest_log(work_dir)

    assert train_tool.main(train_args(
        work_dir, cifar10_root, 'train_cfg.max_epochs=2', 'default_hooks.adversarial.eps=0.1',
        'default_hooks.knn=None', 'val_cfg=None', 'val_evaluator=None', 'val_dataloader=None',
        flags=['--resume', first])) == 0
    (line,) = [line for line in newest_log(work_dir).splitlines() if WARNING in line]
    assert line.endswith(
        f'{WARNING} (eps 0.03 -> 0.1): epoch 1 trained at eps=0.03, epoch 2 trains at eps=0.1. '
        "The checkpoints record every epoch's eps (eps_history) and plot_ablation.py "
        'refuses the run as a point of one eps; to go on as trained, resume with --cfg-options '
        'default_hooks.adversarial.eps=0.03'), line
    second = osp.join(work_dir, 'epoch_2.pth')
    recorded = settings(second)
    assert recorded['eps_history'] == [0.03, 0.1] and recorded['eps'] == 0.1

    # plot_ablation refuses to place it at either eps, in one line
    run = describe_run(Config.fromfile(CONFIG), safe_load_checkpoint(second))
    result = tmp_path / 'knn_eval_epoch_2.json'
    result.write_text(json.dumps(dict(result_type='knn_eval', feature='embedding', **run,
                                      last_epoch=dict(epoch=2, top1=40.0, top5=90.0))))
    capsys.readouterr()
    out = str(tmp_path / 'plots')
    assert load_tool('plot_ablation').main([str(result), '--x', 'eps', '--out-dir', out]) == 2
    refusal = (f'error: {result} was trained at more than one eps (epoch 1 at eps 0.03, epoch 2 '
               'at eps 0.1: resumed with another eps), so no one eps describes it; leave it out')
    assert capsys.readouterr().err == \
        f'{refusal}, or add the eps to plot it at under "settings"\n'
    # the summary table would label its row with one eps too
    assert load_tool('summarize_results').main([str(result)]) == 2
    assert capsys.readouterr().err == f'{refusal}\n'
