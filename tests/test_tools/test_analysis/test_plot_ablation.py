import csv
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from clae_mm.evaluation.result_file import describe_run
from clae_mm.utils import safe_load_checkpoint

from .tool_loader import load_tool, read_png

plot_ablation = load_tool('plot_ablation')


def training(batch_size=256, embed_dim=64, depth=18, eps=0.03, alpha=1.0, attack='fgsm'):
    """The settings a checkpoint records (``meta['training_settings']``)."""
    return dict(method='simclr', dataset='CIFAR100', batch_size=batch_size, embed_dim=embed_dim,
                arch=f'ResNet-{depth}', eps=eps if alpha else 0.0, alpha=alpha,
                attack=attack if eps and alpha else 'none', max_epochs=100)


def write_result(path, settings, eps, seed, top1, result_type='linear_eval', epoch=100,
                 checkpoint='/not/here/epoch_100.pth', dataset='CIFAR100', feature='backbone'):
    """The layout of tools/benchmarks/{knn,linear}_eval.py results."""
    with open(path, 'w') as f:
        json.dump(dict(result_type=result_type, config='/not/here/config.py',
                       checkpoint=checkpoint, method='simclr', eps=eps, dataset=dataset,
                       pretrain_dataset=dataset, feature=feature, seed=seed, epoch=epoch,
                       training=settings, training_source='checkpoint',
                       last_epoch=dict(epoch=1000, top1=top1, top5=90.0),
                       best_over_epochs=dict(epoch=900, top1=top1 + 1, top5=90.0)), f)


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_batch_size_bars_with_std_over_seeds(tmp_path):
    scores = {(64, 0.0): [50.0, 51.0], (256, 0.0): [53.0, 54.0],
              (64, 0.03): [54.0, 55.0], (256, 0.03): [55.0, 57.0]}
    for (batch_size, eps), values in scores.items():
        settings = training(batch_size=batch_size, eps=eps)
        for seed, top1 in enumerate(values):
            write_result(tmp_path / f'r_{batch_size}_{eps}_{seed}.json', settings, eps, seed, top1)
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path), '--x', 'batch_size', '--out-dir', out]) == 0
    assert read_png(osp.join(out, 'ablation_batch_size.png')).shape[:2] == (500, 800)
    got = {(r['group'], int(r['x'])): (float(r['mean']), float(r['std']), int(r['n']))
           for r in rows(osp.join(out, 'ablation_batch_size.csv'))}
    assert got[('baseline (eps=0)', 64)] == pytest.approx((50.5, 0.5 ** 0.5, 2))
    assert got[('CLAE (eps=0.03)', 256)] == pytest.approx((56.0, 2 ** 0.5, 2))
    assert len(got) == 4
    numbers = json.load(open(osp.join(out, 'ablation_batch_size.json')))
    assert numbers['score'] == 'last_epoch' and numbers['classifier'] == 'linear probe'

    # --score best reads best_over_epochs instead.
    assert plot_ablation.main([str(tmp_path), '--x', 'batch_size', '--score', 'best',
                               '--out-dir', out]) == 0
    got = {(r['group'], int(r['x'])): float(r['mean'])
           for r in rows(osp.join(out, 'ablation_batch_size.csv'))}
    assert got[('baseline (eps=0)', 64)] == pytest.approx(51.5)


def test_eps_and_alpha_lines_against_the_baseline(tmp_path):
    for alpha, eps, values in ((0.0, 0.0, [50.0, 50.4]), (0.5, 0.03, [51.0, 51.2]),
                               (1.0, 0.03, [52.0, 52.2])):
        settings = training(eps=0.03, alpha=alpha)
        for seed, top1 in enumerate(values):
            write_result(tmp_path / f'r_{alpha}_{seed}.json', settings, eps, seed, top1)
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path), '--x', 'alpha', '--out-dir', out]) == 0
    read_png(osp.join(out, 'ablation_alpha.png'))
    got = [(r['group'], float(r['x']), float(r['mean'])) for r in rows(osp.join(out, 'ablation_alpha.csv'))]
    assert got == [('baseline (eps=0)', 0.0, pytest.approx(50.2)),
                   ('CLAE (eps=0.03)', 0.5, pytest.approx(51.1)),
                   ('CLAE (eps=0.03)', 1.0, pytest.approx(52.1))]


def test_settings_come_from_the_checkpoint_with_its_cfg_options(simclr_run, tmp_path):
    # The fixture trained with train_dataloader.batch_size=8 given as
    # --cfg-options; the config file alone says 256. The checkpoint recorded
    # the settings as run, and describe_run (knn_eval / linear_eval) copies them.
    cfg = Config.fromfile(simclr_run['config'])
    assert cfg.train_dataloader.batch_size == 256
    run = describe_run(cfg, safe_load_checkpoint(simclr_run['checkpoint']))
    assert run['training_source'] == 'checkpoint'
    assert run['training']['batch_size'] == 8 and run['training']['arch'] == 'ResNet-18'
    with open(tmp_path / 'r.json', 'w') as f:
        json.dump(dict(result_type='knn_eval', feature='backbone', **run,
                       last_epoch=dict(epoch=2, top1=40.0, top5=90.0)), f)
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path / 'r.json'), '--x', 'batch_size', '--out-dir', out]) == 0
    (row,) = rows(osp.join(out, 'ablation_batch_size.csv'))
    assert (row['group'], row['x'], row['n'], row['std']) == ('CLAE (eps=0.03)', '8', '1', '')
    assert plot_ablation.main([str(tmp_path / 'r.json'), '--x', 'arch', '--out-dir', out]) == 0
    assert rows(osp.join(out, 'ablation_arch.csv'))[0]['x'] == 'ResNet-18'


def test_config_text_from_a_checkpoint_or_work_dir_is_never_executed(tmp_path, capsys):
    marker = tmp_path / 'ran'
    payload = f"__import__('os').system('touch {marker}')\nmodel = dict()\n"
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    torch.save(dict(meta=dict(epoch=1, cfg=payload), state_dict={}),
               str(work_dir / 'epoch_1.pth'))
    (work_dir / 'cfg.py').write_text(payload)  # where the Runner dumps the config
    # A result written before the settings were recorded: the old tool ran
    # meta['cfg'] (or the dumped config) to find them.
    with open(tmp_path / 'old.json', 'w') as f:
        json.dump(dict(result_type='linear_eval', config=str(work_dir / 'cfg.py'),
                       checkpoint=str(work_dir / 'epoch_1.pth'), method='simclr', eps=0.03,
                       seed=0, epoch=1, last_epoch=dict(epoch=1, top1=50.0)), f)
    out = str(tmp_path / 'out')
    for x in ('batch_size', 'arch', 'alpha', 'attack', 'embed_dim'):
        assert plot_ablation.main([str(tmp_path / 'old.json'), '--x', x, '--out-dir', out]) == 2
        error = capsys.readouterr().err.strip()
        assert error.count('\n') == 0 and 'records no training settings' in error
        assert 'run the evaluation tool on its checkpoint again' in error
    assert not marker.exists()
    # eps and epochs are in the result itself, so old results still plot them.
    assert plot_ablation.main([str(tmp_path / 'old.json'), '--x', 'eps', '--out-dir', out]) == 0
    assert not marker.exists()
    Config.fromstring(payload, '.py')  # the payload is live: mmengine's parser runs it
    assert marker.exists()


def test_results_of_other_datasets_or_features_are_never_averaged(tmp_path, capsys):
    for dataset, feature, top1 in (('CIFAR100', 'backbone', 60.0),
                                   ('FashionMNIST', 'backbone', 85.0), ('CIFAR100', 'neck', 50.0)):
        for seed in (0, 1):
            write_result(tmp_path / f'r_{dataset}_{feature}_{seed}.json', training(), 0.03, seed,
                         top1 + seed, dataset=dataset, feature=feature)
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path), '--x', 'batch_size', '--out-dir', out]) == 0
    got = {r['group']: (float(r['mean']), int(r['n']))
           for r in rows(osp.join(out, 'ablation_batch_size.csv'))}
    assert got == {
        'pretrained on CIFAR100: CIFAR100 backbone features CLAE (eps=0.03)': (60.5, 2),
        'pretrained on FashionMNIST: FashionMNIST backbone features CLAE (eps=0.03)': (85.5, 2),
        'pretrained on CIFAR100: CIFAR100 neck features CLAE (eps=0.03)': (50.5, 2)}
    read_png(osp.join(out, 'ablation_batch_size.png'))


def test_attack_bars_against_the_baseline_level(tmp_path):
    for attack, eps, values in (('fgsm', 0.0, [50.0, 51.0]), ('fgsm', 0.03, [53.0, 54.0]),
                                ('pgd', 0.03, [52.0, 52.0])):
        settings = training(eps=eps, attack=attack)
        for seed, top1 in enumerate(values):
            write_result(tmp_path / f'r_{attack}_{eps}_{seed}.json', settings, eps, seed, top1)
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path), '--x', 'attack', '--out-dir', out]) == 0
    read_png(osp.join(out, 'ablation_attack.png'))
    got = [(r['group'], r['x'], float(r['mean'])) for r in rows(osp.join(out, 'ablation_attack.csv'))]
    assert got == [('baseline (eps=0)', 'none', 50.5), ('CLAE (eps=0.03)', 'fgsm', 53.5),
                   ('CLAE (eps=0.03)', 'pgd', 52.0)]


def test_mixed_classifiers_default_to_the_linear_probe(tmp_path, capsys):
    settings = training()
    write_result(tmp_path / 'knn.json', settings, 0.03, 0, 40.0, result_type='knn_eval')
    write_result(tmp_path / 'lr.json', settings, 0.03, 0, 50.0)
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path), '--x', 'embed_dim', '--out-dir', out]) == 0
    assert 'plotting the linear probe' in capsys.readouterr().out
    (row,) = rows(osp.join(out, 'ablation_embed_dim.csv'))
    assert (row['x'], float(row['mean'])) == ('64', 50.0)
    assert plot_ablation.main([str(tmp_path), '--x', 'embed_dim', '--classifier', 'knn',
                               '--out-dir', out]) == 0
    (row,) = rows(osp.join(out, 'ablation_embed_dim.csv'))
    assert (row['x'], float(row['mean'])) == ('64', 40.0)
    assert plot_ablation.main([str(tmp_path / 'none.json'), '--x', 'eps', '--out-dir', out]) == 2
    assert 'none.json not found' in capsys.readouterr().err
