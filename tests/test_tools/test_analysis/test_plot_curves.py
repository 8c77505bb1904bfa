import csv
import json
import os
import os.path as osp
import shutil

from clae_mm.analysis.training_scalars import knn_step_unit

from .tool_loader import load_tool, read_png

plot_curves = load_tool('plot_curves')


def series(csv_path):
    out = {}
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            out.setdefault((row['run'], row['series']), []).append((int(row['step']), float(row['value'])))
    return out


def test_two_runs_overlaid(simclr_run, tmp_path):
    out = str(tmp_path / 'out')
    assert plot_curves.main([simclr_run['work_dir'], simclr_run['work_dir'],
                             '--labels', 'a', 'b', '--out-dir', out]) == 0
    assert read_png(osp.join(out, 'training_curves.png')).shape[:2] == (900, 1200)
    got = series(osp.join(out, 'training_curves.csv'))
    for run in ('a', 'b'):
        assert [step for step, _ in got[(run, 'loss_aug')]] == list(range(1, 11))
        assert len(got[(run, 'loss_adv')]) == 10
        assert [step for step, _ in got[(run, 'knn/top1')]] == [1, 2]  # per epoch
        assert (run, 'attack_gain') in got
    numbers = json.load(open(osp.join(out, 'training_curves.json')))
    assert numbers['runs']['a']['knn_step'] == 'epoch'
    assert numbers['runs']['a']['loss_aug']['points'] == 10


def test_resumed_run_keeps_the_latest_value_of_a_step(tmp_path, capsys):
    work_dir = tmp_path / 'baseline_run'
    for stamp, records in (('20240101_000000', [dict(loss_aug=3.0, iter=1, step=1),
                                                 dict(loss_aug=2.9, iter=2, step=2),
                                                 {'knn/top1': 10.0, 'step': 1}]),
                           ('20240102_000000', [dict(loss_aug=2.8, iter=2, step=2),
                                                 dict(loss_aug=2.7, iter=3, step=3)])):
        os.makedirs(work_dir / stamp / 'vis_data')
        with open(work_dir / stamp / 'vis_data' / 'scalars.json', 'w') as f:
            f.write(''.join(json.dumps(r) + '\n' for r in records))
    out = str(tmp_path / 'out')
    assert plot_curves.main([str(work_dir), '--out-dir', out]) == 0
    read_png(osp.join(out, 'training_curves.png'))
    got = series(osp.join(out, 'training_curves.csv'))
    assert got[('baseline_run', 'loss_aug')] == [(1, 3.0), (2, 2.8), (3, 2.7)]
    assert ('baseline_run', 'loss_adv') not in got  # a baseline logs no L_adv

    shutil.rmtree(work_dir / '20240101_000000')
    shutil.rmtree(work_dir / '20240102_000000')
    assert plot_curves.main([str(work_dir), '--out-dir', out]) == 2
    assert 'no */vis_data/scalars.json' in capsys.readouterr().err


def test_the_dumped_config_is_read_never_executed(tmp_path):
    # A work dir is not a config the user named: its vis_data/config.py is
    # parsed for the kNN hook's step unit, and its code does not run.
    marker = tmp_path / 'ran'
    work_dir = tmp_path / 'run'
    os.makedirs(work_dir / '20240101_000000' / 'vis_data')
    dumped = work_dir / '20240101_000000' / 'vis_data' / 'config.py'
    for by_epoch, unit in ((False, 'iteration'), (True, 'epoch')):
        dumped.write_text(f"__import__('os').system('touch {marker}')\n"
                          f"default_hooks = dict(\n    knn=dict(by_epoch={by_epoch}, interval=1,"
                          " type='KNNEvalHook'),\n    logger=dict(interval=10))\n")
        assert knn_step_unit(str(work_dir)) == unit
    dumped.write_text(f"default_hooks = __import__('os').system('touch {marker}')\n")
    assert knn_step_unit(str(work_dir)) == 'epoch'  # not literal: the default
    assert not marker.exists()
