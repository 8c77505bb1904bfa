import csv
import json
import os.path as osp

import pytest

from .tool_loader import load_tool, read_png

plot_ablation = load_tool('plot_ablation')


def write_config(path, batch_size=256, embed_dim=64, depth=18, eps=0.03, alpha=1.0,
                 attack='fgsm'):
    """A training config reduced to the keys an ablation reads."""
    with open(path, 'w') as f:
        f.write(f"model = dict(backbone=dict(type='DualBNResNet_CIFAR', depth={depth}),\n"
                f"             neck=dict(type='ContrastiveProjection', out_channels={embed_dim}))\n"
                f"train_dataloader = dict(batch_size={batch_size})\n"
                "default_hooks = dict(adversarial=dict(type='ContrastiveAdversarialHook', "
                f"eps={eps}, alpha={alpha}, attack={attack!r}))\ntrain_cfg = dict(max_epochs=100)\n")
    return str(path)


def write_result(path, config, eps, seed, top1, result_type='linear_eval', epoch=100,
                 checkpoint='/not/here/epoch_100.pth'):
    """The layout of tools/benchmarks/{knn,linear}_eval.py results."""
    with open(path, 'w') as f:
        json.dump(dict(result_type=result_type, config=config, checkpoint=checkpoint,
                       method='simclr', eps=eps, dataset='CIFAR100', seed=seed, epoch=epoch,
                       last_epoch=dict(epoch=1000, top1=top1, top5=90.0),
                       best_over_epochs=dict(epoch=900, top1=top1 + 1, top5=90.0)), f)


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def test_batch_size_bars_with_std_over_seeds(tmp_path):
    scores = {(64, 0.0): [50.0, 51.0], (256, 0.0): [53.0, 54.0],
              (64, 0.03): [54.0, 55.0], (256, 0.03): [55.0, 57.0]}
    for (batch_size, eps), values in scores.items():
        config = write_config(tmp_path / f'cfg_{batch_size}_{eps}.py', batch_size=batch_size, eps=eps)
        for seed, top1 in enumerate(values):
            write_result(tmp_path / f'r_{batch_size}_{eps}_{seed}.json', config, eps, seed, top1)
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
        config = write_config(tmp_path / f'cfg_{alpha}.py', eps=0.03, alpha=alpha)
        for seed, top1 in enumerate(values):
            write_result(tmp_path / f'r_{alpha}_{seed}.json', config, eps, seed, top1)
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path), '--x', 'alpha', '--out-dir', out]) == 0
    read_png(osp.join(out, 'ablation_alpha.png'))
    got = [(r['group'], float(r['x']), float(r['mean'])) for r in rows(osp.join(out, 'ablation_alpha.csv'))]
    assert got == [('baseline (eps=0)', 0.0, pytest.approx(50.2)),
                   ('CLAE (eps=0.03)', 0.5, pytest.approx(51.1)),
                   ('CLAE (eps=0.03)', 1.0, pytest.approx(52.1))]


def test_settings_come_from_the_checkpoint_config_with_its_cfg_options(simclr_run, tmp_path):
    # The fixture trained with train_dataloader.batch_size=8 and a 64-d
    # projection given as --cfg-options; the config file alone says 256.
    write_result(tmp_path / 'r.json', simclr_run['config'], 0.03, 0, 40.0, result_type='knn_eval',
                 checkpoint=simclr_run['checkpoint'])
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path / 'r.json'), '--x', 'batch_size', '--out-dir', out]) == 0
    (row,) = rows(osp.join(out, 'ablation_batch_size.csv'))
    assert (row['group'], row['x'], row['n'], row['std']) == ('CLAE (eps=0.03)', '8', '1', '')
    assert plot_ablation.main([str(tmp_path / 'r.json'), '--x', 'arch', '--out-dir', out]) == 0
    assert rows(osp.join(out, 'ablation_arch.csv'))[0]['x'] == 'ResNet-18'


def test_attack_bars_against_the_baseline_level(tmp_path):
    for attack, eps, values in (('fgsm', 0.0, [50.0, 51.0]), ('fgsm', 0.03, [53.0, 54.0]),
                                ('pgd', 0.03, [52.0, 52.0])):
        config = write_config(tmp_path / f'cfg_{attack}_{eps}.py', eps=eps, attack=attack)
        for seed, top1 in enumerate(values):
            write_result(tmp_path / f'r_{attack}_{eps}_{seed}.json', config, eps, seed, top1)
    out = str(tmp_path / 'out')
    assert plot_ablation.main([str(tmp_path), '--x', 'attack', '--out-dir', out]) == 0
    read_png(osp.join(out, 'ablation_attack.png'))
    got = [(r['group'], r['x'], float(r['mean'])) for r in rows(osp.join(out, 'ablation_attack.csv'))]
    assert got == [('baseline (eps=0)', 'none', 50.5), ('CLAE (eps=0.03)', 'fgsm', 53.5),
                   ('CLAE (eps=0.03)', 'pgd', 52.0)]


def test_mixed_classifiers_default_to_the_linear_probe(tmp_path, capsys):
    config = write_config(tmp_path / 'cfg.py')
    write_result(tmp_path / 'knn.json', config, 0.03, 0, 40.0, result_type='knn_eval')
    write_result(tmp_path / 'lr.json', config, 0.03, 0, 50.0)
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
