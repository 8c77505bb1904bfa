"""Training curves of one or more runs, overlaid, from MMEngine's logs.

    python tools/analysis/plot_curves.py WORK_DIR [WORK_DIR ...] [--labels A B ...]
        [--out-dir DIR]

Panels: L_aug and alpha * L_adv (eq. 16, as logged: MMEngine's LogProcessor
averages losses over ``log_processor.window_size`` iterations) and the
attack's loss increase ``attack_gain`` per iteration, and the online kNN
top-1 (``knn/top1``) per epoch. Runs are labelled by work dir name.
Writes ``training_curves.png`` (1200 x 900) and ``training_curves.{json,csv}``
(default ``--out-dir``: ``analysis/`` in the first work dir).
"""
import argparse
import os.path as osp
import sys


from clae_mm.analysis.command_line import run_main
from clae_mm.analysis.figures import new_figure, save_figure, write_csv, write_json
from clae_mm.analysis.training_scalars import knn_step_unit, load_series
from clae_mm.utils import CLAEError

WIDTH_PX, HEIGHT_PX = 1200, 900
PANELS = (('loss_aug', 'L_aug', 'iteration'),
          ('loss_adv', 'alpha * L_adv', 'iteration'),
          ('attack_gain', 'attack gain (L_cl after - before the attack)', 'iteration'),
          ('knn/top1', 'kNN top-1 (%)', None))


def build_parser():
    parser = argparse.ArgumentParser(description='Overlaid training curves of several runs')
    parser.add_argument('work_dirs', nargs='+', help='work dirs of tools/train.py runs')
    parser.add_argument('--labels', nargs='+', help='one label per work dir (default: its name)')
    parser.add_argument('--out-dir', help='default: analysis/ in the first work dir')
    return parser


def run_labels(work_dirs, labels):
    if labels:
        if len(labels) != len(work_dirs):
            raise CLAEError(f'got {len(labels)} --labels for {len(work_dirs)} work dirs')
        return list(labels)
    names = [osp.basename(osp.normpath(d)) for d in work_dirs]
    if len(set(names)) < len(names):  # same last folder: add the parent
        names = [osp.join(*osp.normpath(osp.abspath(d)).split(osp.sep)[-2:]) for d in work_dirs]
    return names


def run(args) -> None:
    labels = run_labels(args.work_dirs, args.labels)
    runs = [(label, work_dir, load_series(work_dir), knn_step_unit(work_dir))
            for label, work_dir in zip(labels, args.work_dirs)]
    fig, axes = new_figure(WIDTH_PX, HEIGHT_PX, 2, 2)
    rows, summary = [], {}
    for ax, (key, title, unit) in zip(axes.flat, PANELS):
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        plotted = False
        for label, work_dir, series, knn_unit in runs:
            points = series.get(key)
            if not points:
                continue
            steps, values = zip(*points)
            ax.plot(steps, values, marker='o' if key in ('knn/top1', 'attack_gain') else None,
                    markersize=3, label=label)
            plotted = True
            rows.extend(dict(run=label, series=key, step=s, value=v) for s, v in points)
        ax.set_xlabel(unit or runs[0][3])
        if plotted:
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, f'{key} not logged', ha='center', transform=ax.transAxes)
    for label, work_dir, series, knn_unit in runs:
        summary[label] = dict(work_dir=osp.abspath(work_dir), knn_step=knn_unit, **{
            key: dict(points=len(points), first=points[0][1], last=points[-1][1],
                      **({'best': max(v for _, v in points)} if key == 'knn/top1' else {}))
            for key, points in series.items()})
    if not rows:
        raise CLAEError('none of the work dirs logged loss_aug, loss_adv, attack_gain or knn/top1')
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.07, top=0.95, wspace=0.2, hspace=0.3)
    out_dir = args.out_dir or osp.join(args.work_dirs[0], 'analysis')
    png = osp.join(out_dir, 'training_curves.png')
    size = save_figure(fig, png)
    write_csv(osp.join(out_dir, 'training_curves.csv'), rows, ['run', 'series', 'step', 'value'])
    write_json(osp.join(out_dir, 'training_curves.json'),
               dict(runs=summary, png=png, png_size=list(size)))
    print(f'figure written to {png}')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
