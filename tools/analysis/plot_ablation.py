"""Figs. 5-7: an ablation axis, baseline vs CLAE, mean ± std over seeds.

    python tools/analysis/plot_ablation.py RESULTS... --x batch_size|embed_dim|arch|alpha|eps|epochs|attack
        [--score last|best|val] [--metric top1|top5] [--classifier knn|linear] [--out-dir DIR]

RESULTS are the JSON files of tools/benchmarks/{knn_eval,linear_eval}.py, or
folders searched for them. Each x value comes from the result: the training
settings its checkpoint recorded as plain data (no config is executed; see
``clae_mm/analysis/ablation_results.py``). Results with eps = 0 are the
baseline, the others CLAE (one line per eps, or one CLAE line when
``--x eps``); results of different datasets, methods or features are
separate lines, never averaged. Numeric axes (alpha, eps, epochs) are lines with error bars,
a group measured at a single x (the baseline of Fig. 6a/b) a dashed
reference line; categorical axes (batch size, embedding dim, architecture,
attack) are grouped bars. std is the sample std over seeds (none for one).
Writes ``ablation_<x>.png`` (800 x 500) and ``ablation_<x>.{json,csv}``.
"""
import argparse
import os.path as osp
import sys

from clae_mm.analysis.ablation_results import (CATEGORICAL, SCORES, X_KEYS,
                                               collect_points, sort_key)
from clae_mm.analysis.command_line import run_main
from clae_mm.analysis.figures import new_figure, save_figure, write_csv, write_json
from clae_mm.evaluation.result_file import load_results
from clae_mm.utils import CLAEError

WIDTH_PX, HEIGHT_PX = 800, 500
CLASSIFIERS = {'knn': 'knn_eval', 'linear': 'linear_eval'}
AXIS_LABELS = dict(batch_size='batch size', embed_dim='embedding dimension', arch='architecture',
                   alpha='alpha (weight of L_adv, eq. 16)', eps='eps (attack strength)',
                   epochs='pretext training epochs', attack='attack')


def build_parser():
    parser = argparse.ArgumentParser(description='Ablation plot from evaluation result files')
    parser.add_argument('results', nargs='+', help='knn_eval / linear_eval JSON files or folders')
    parser.add_argument('--x', required=True, choices=X_KEYS, help='the ablated setting')
    parser.add_argument('--score', choices=list(SCORES), default='last',
                        help='last epoch (default), best over epochs (selected on the test '
                        'set) or val (selected on a validation split)')
    parser.add_argument('--metric', choices=['top1', 'top5'], default='top1')
    parser.add_argument('--classifier', choices=list(CLASSIFIERS),
                        help='which results to plot when both kinds are given')
    parser.add_argument('--out-dir', default='analysis', help='default: ./analysis')
    return parser


def select(results, classifier):
    """The results of one classifier: ``classifier``, the only kind given, or
    the linear probe when both are (the paper's ablations are SimCLR + LR)."""
    kinds = {result['result_type'] for result in results}
    if not classifier and len(kinds) > 1:
        classifier = 'linear'
        print('note: kNN and linear-probe results given; plotting the linear probe '
              '(--classifier knn for the other)')
    if classifier:
        results = [r for r in results if r['result_type'] == CLASSIFIERS[classifier]]
        if not results:
            raise CLAEError(f'no {CLASSIFIERS[classifier]} result among the given files')
    return results


def group_colors(groups):
    """Baselines green, CLAE red then other colours (Fig. 5c's convention)."""
    palettes = dict(baseline=['tab:green', 'tab:olive', 'tab:cyan', 'tab:gray'],
                    clae=['tab:red', 'tab:blue', 'tab:purple', 'tab:orange', 'tab:brown', 'tab:pink'])
    colors, used = {}, dict(baseline=0, clae=0)
    for group in groups:
        kind = 'baseline' if 'baseline' in group else 'clae'
        colors[group] = palettes[kind][used[kind] % len(palettes[kind])]
        used[kind] += 1
    return colors


def reference_level(ax, point, color, label):
    """A group measured at one x only (the baseline of Figs. 6a/b and 7): a
    dashed level with its std band across the plot."""
    std = point['std'] or 0
    ax.axhline(point['mean'], ls='--', color=color, label=label, zorder=3)
    ax.axhspan(point['mean'] - std, point['mean'] + std, color=color, alpha=0.15)


def plot(points, x: str, ylabel: str, title: str):
    fig, axes = new_figure(WIDTH_PX, HEIGHT_PX)
    ax = axes[0, 0]
    groups = list(dict.fromkeys(p['group'] for p in points))
    by_group = {g: [p for p in points if p['group'] == g] for g in groups}
    colors = group_colors(groups)
    several = any(len(mine) > 1 for mine in by_group.values())
    levels = [g for g in groups if several and len(by_group[g]) == 1]
    for group in levels:
        at = by_group[group][0]['x']
        reference_level(ax, by_group[group][0], colors[group],
                        group if x == 'attack' else f'{group} at {x}={at}')
    drawn = [g for g in groups if g not in levels]
    if x in CATEGORICAL:
        categories = sorted({p['x'] for g in drawn for p in by_group[g]}, key=lambda v: sort_key(x, v))
        width = 0.8 / len(drawn)
        for i, group in enumerate(drawn):
            at = {p['x']: p for p in by_group[group]}
            positions = [c for c in categories if c in at]
            ax.bar([categories.index(c) - 0.4 + width * (i + 0.5) for c in positions],
                   [at[c]['mean'] for c in positions], width,
                   yerr=[at[c]['std'] or 0 for c in positions], capsize=3,
                   color=colors[group], label=group)
        ax.set_xticks(range(len(categories)), [str(c) for c in categories])
        # Bars start at the axis floor: zoom on the range of the scores.
        low = min(p['mean'] - (p['std'] or 0) for p in points)
        high = max(p['mean'] + (p['std'] or 0) for p in points)
        margin = max(high - low, 1.0) * 0.3
        ax.set_ylim(low - margin, high + margin)
    else:
        for group in drawn:
            mine = by_group[group]
            ax.errorbar([p['x'] for p in mine], [p['mean'] for p in mine],
                        yerr=[p['std'] or 0 for p in mine], marker='o', capsize=3,
                        color=colors[group], label=group)
        low, high = min(p['x'] for p in points), max(p['x'] for p in points)
        pad = 0.05 * ((high - low) or 1)
        ax.set_xlim(low - pad, high + pad)
    ax.set_xlabel(AXIS_LABELS[x])
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.9)
    return fig


def run(args) -> None:
    missing = [path for path in args.results if not osp.exists(path)]
    if missing:
        raise CLAEError(f'{", ".join(missing)} not found; pass knn_eval / linear_eval JSON files '
                        'or folders holding them')
    results = load_results(args.results)
    if not results:
        raise CLAEError(f'no knn_eval / linear_eval result in {" ".join(args.results)}; run '
                        'tools/benchmarks/knn_eval.py or linear_eval.py first')
    results = select(results, args.classifier)
    points = collect_points(results, args.x, args.score, args.metric)
    classifier = 'kNN' if results[0]['result_type'] == 'knn_eval' else 'linear probe'
    described = sorted({f"{r.get('method')} on {r.get('dataset')}" for r in results})
    ylabel = f'{classifier} {args.metric} (%)'
    title = f"{', '.join(described)}: {SCORES[args.score].replace('_', ' ')}, mean ± std over seeds"
    fig = plot(points, args.x, ylabel, title)
    png = osp.join(args.out_dir, f'ablation_{args.x}.png')
    size = save_figure(fig, png)
    rows = [dict(group=p['group'], x=p['x'], mean=p['mean'], std=p['std'], n=p['n'])
            for p in points]
    write_csv(osp.join(args.out_dir, f'ablation_{args.x}.csv'), rows)
    write_json(osp.join(args.out_dir, f'ablation_{args.x}.json'), dict(
        x=args.x, score=SCORES[args.score], metric=args.metric, classifier=classifier,
        points=points, png=png, png_size=list(size)))
    for p in points:
        std = '' if p['std'] is None else f" ± {p['std']:.2f}"
        print(f"{p['group']:>24} {args.x}={p['x']}: {p['mean']:.2f}{std} (n={p['n']})")
    print(f'figure written to {png}')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
