"""Curves and training time from the JSON logs of runs, as mmpretrain's tools/analysis_tools/analyze_logs.py.

    python tools/analysis_tools/analyze_logs.py plot_curve LOG [LOG ...] [--keys loss knn/top1]
        [--legend ...] [--title T] [--window N] --out curves.png
    python tools/analysis_tools/analyze_logs.py cal_train_time LOG [LOG ...] [--include-outliers]

A LOG is a JSON log of mmengine's (``<work_dir>/<timestamp>/vis_data/<timestamp>.json``
or ``scalars.json``, one record a line) or a work dir, whose logs are read in
order (a resumed run logs into a new timestamped folder). Training records
carry ``iter`` and are plotted against the iteration; validation results
(``knn/top1``, ``linear/top1``) against the epoch. ``tools/analysis/plot_curves.py``
draws the paper's panels (L_aug, L_adv, attack gain, kNN) for several runs.
"""
import argparse
import csv
import os
import os.path as osp
import sys
from itertools import groupby
from typing import Dict, List, Tuple

import numpy as np

from clae_mm.analysis.training_scalars import is_training_record, read_records, scalar_files
from clae_mm.utils import CLAEError
from clae_mm.utils.errors import exit_code


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Analyse the JSON logs of training runs')
    commands = parser.add_subparsers(dest='command', required=True)

    plot = commands.add_parser('plot_curve', help='plot logged scalars against the step')
    plot.add_argument('logs', nargs='+', help='JSON log files or work dirs')
    plot.add_argument('--keys', nargs='+', default=['loss'],
                      help='the scalars to plot (default: loss; e.g. loss_aug loss_adv lr '
                      'knn/top1)')
    plot.add_argument('--legend', nargs='+', help='one label per log and key (default: '
                      '<log>_<key>)')
    plot.add_argument('--title', help='figure title')
    plot.add_argument('--window', type=int, default=1,
                      help='moving average over this many points of each training curve')
    plot.add_argument('--out', required=True, help='the PNG to write (a CSV of the plotted '
                      'points is written beside it)')

    time_parser = commands.add_parser('cal_train_time', help='time per iteration, per epoch')
    time_parser.add_argument('logs', nargs='+', help='JSON log files or work dirs')
    time_parser.add_argument('--include-outliers', action='store_true',
                             help='count the first iteration of each epoch too (it includes '
                             'starting the data loader workers)')
    return parser.parse_args(argv)


def log_files(path: str) -> List[str]:
    if osp.isdir(path):
        return scalar_files(path)
    if not osp.isfile(path):
        raise CLAEError(f'log {path} not found; pass a vis_data/*.json file or a work dir')
    return [path]


def load_log(path: str) -> Tuple[List[dict], List[dict]]:
    """(training records, validation records) of a log file or work dir; an
    iteration or epoch logged again by a resumed run keeps its latest record."""
    train: Dict[int, dict] = {}
    val: Dict[int, dict] = {}
    for file in log_files(path):
        for record in read_records(file):
            if is_training_record(record):
                train[int(record['iter'])] = record
            elif 'step' in record:
                val[int(record['step'])] = record
    if not train and not val:
        raise CLAEError(f'{path} holds no training or validation records')
    return [train[k] for k in sorted(train)], [val[k] for k in sorted(val)]


def moving_average(values: List[float], window: int) -> List[float]:
    if window <= 1:
        return list(values)
    out, total = [], 0.0
    for index, value in enumerate(values):
        total += value
        if index >= window:
            total -= values[index - window]
        out.append(total / min(index + 1, window))
    return out


def curves(args) -> List[dict]:
    """One curve per log and key: label, step unit, steps and values."""
    found = []
    for log in args.logs:
        train, val = load_log(log)
        for key in args.keys:
            if any(key in r for r in train):
                points = [(r['iter'], float(r[key])) for r in train if key in r]
                unit, window = 'iteration', args.window
            elif any(key in r for r in val):
                points = [(r['step'], float(r[key])) for r in val if key in r]
                unit, window = 'epoch', 1
            else:
                logged = sorted({k for r in train + val for k in r} - {'iter', 'epoch', 'step'})
                raise CLAEError(f'{log} has no {key!r}; it logs {", ".join(logged)}')
            steps, values = zip(*points)
            found.append(dict(log=log, key=key, unit=unit, steps=list(steps),
                              values=moving_average(list(values), window)))
    if args.legend is not None and len(args.legend) != len(found):
        raise CLAEError(f'--legend needs {len(found)} labels (one per log and key), '
                        f'got {len(args.legend)}')
    for index, curve in enumerate(found):
        curve['label'] = args.legend[index] if args.legend else \
            f"{osp.basename(osp.normpath(curve['log']))}_{curve['key']}"
    return found


def plot_curve(args) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    found = curves(args)
    units = sorted({c['unit'] for c in found})
    figure, axes = plt.subplots(1, len(units), figsize=(7 * len(units), 5), squeeze=False)
    for axis, unit in zip(axes[0], units):
        for curve in (c for c in found if c['unit'] == unit):
            axis.plot(curve['steps'], curve['values'], label=curve['label'],
                      marker='o' if unit == 'epoch' or len(curve['steps']) == 1 else None)
        axis.set_xlabel(unit)
        axis.legend()
    if args.title:
        figure.suptitle(args.title)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    figure.savefig(args.out, dpi=100, bbox_inches='tight')
    plt.close(figure)
    table = osp.splitext(args.out)[0] + '.csv'
    with open(table, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['label', 'unit', 'step', 'value'])
        for curve in found:
            writer.writerows([curve['label'], curve['unit'], s, v]
                             for s, v in zip(curve['steps'], curve['values']))
    print(f'curves written to {args.out} and {table}')


def train_time(train: List[dict], include_outliers: bool) -> dict:
    """Mean seconds per iteration per epoch (the first iteration of each
    epoch left out unless ``include_outliers``), their slowest, fastest and
    standard deviation, and the mean over every iteration."""
    timed = [r for r in train if 'time' in r]
    if not timed:
        raise CLAEError('the log has no iteration times')
    result = dict(average_iter_time=float(np.mean([r['time'] for r in timed])))
    if all('epoch' in r for r in timed):
        epochs, means = [], []
        for epoch, records in groupby(timed, key=lambda r: r['epoch']):
            times = [r['time'] for r in records]
            times = times if include_outliers or len(times) == 1 else times[1:]
            epochs.append(int(epoch))
            means.append(float(np.mean(times)))
        slowest, fastest = int(np.argmax(means)), int(np.argmin(means))
        result.update(epoch_times=dict(zip(epochs, means)), slowest_epoch=epochs[slowest],
                      slowest_time=means[slowest], fastest_epoch=epochs[fastest],
                      fastest_time=means[fastest], std_over_epochs=float(np.std(means)))
    return result


def cal_train_time(args) -> None:
    for log in args.logs:
        train, _ = load_log(log)
        result = train_time(train, args.include_outliers)
        print(f'{"-" * 5}Analyze train time of {log}{"-" * 5}')
        if 'slowest_epoch' in result:
            print(f"slowest epoch {result['slowest_epoch']}, average time is "
                  f"{result['slowest_time']:.4f} s/iter")
            print(f"fastest epoch {result['fastest_epoch']}, average time is "
                  f"{result['fastest_time']:.4f} s/iter")
            print(f"time std over epochs is {result['std_over_epochs']:.4f}")
        print(f"average iter time: {result['average_iter_time']:.4f} s/iter\n")


def main(argv=None) -> int:
    args = parse_args(argv)
    command = plot_curve if args.command == 'plot_curve' else cal_train_time
    return exit_code(lambda: command(args))


if __name__ == '__main__':
    sys.exit(main())
