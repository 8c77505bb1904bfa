"""Collect the JSON results of knn_eval.py / linear_eval.py over several
seeds and print them in the layout of the paper's Table 1: one row per
method and eps, one column per classifier and dataset, mean +- std.

    python tools/analysis/summarize_results.py WORK_DIRS... [--format markdown|csv]
        [--score last|best|val] [--metric top1|top5]

std is the sample standard deviation (ddof=1) over seeds; a cell with one
run shows its value and (n=1). With several results for the same run (same
method, eps, dataset, classifier and training seed) the one of the latest
epoch (then the newest file) counts.
"""
import argparse
import csv
import os.path as osp
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from clae_mm.evaluation.result_file import load_results  # noqa: E402

CLASSIFIERS = {'knn_eval': 'kNN', 'linear_eval': 'LR'}
METHOD_NAMES = {'plain': 'Plain', 'uel': 'UEL', 'simclr': 'SimCLR'}
DATASET_ORDER = ['CIFAR10', 'CIFAR100', 'TinyImageNet']  # Table 1's; then the others by name
SCORES = {'last': 'last_epoch', 'best': 'best_over_epochs', 'val': 'val_selected'}
SCORE_LABELS = {'last': 'last epoch', 'best': 'best over epochs, selected on the test set',
                'val': 'epoch selected on a validation split of the train set'}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Table 1 of several seeds from result JSONs')
    parser.add_argument('work_dirs', nargs='+',
                        help='work dirs (searched recursively) or JSON files')
    parser.add_argument('--format', choices=['markdown', 'csv'], default='markdown')
    parser.add_argument('--score', choices=list(SCORES), default='last',
                        help='last: the last epoch (default); best: best over epochs, selected '
                        'on the test set (as the authors report); val: selected on a '
                        'validation split')
    parser.add_argument('--metric', choices=['top1', 'top5'], default='top1')
    return parser.parse_args(argv)


def dataset_label(result: dict) -> str:
    """The scored dataset, as 'PRETRAIN->DATASET' for a transferred encoder."""
    dataset, pretrain = result.get('dataset'), result.get('pretrain_dataset')
    return dataset if pretrain in (None, dataset) else f'{pretrain}->{dataset}'


def _run_order(result: dict):
    mtime = osp.getmtime(result['result_file']) if osp.exists(result['result_file']) else 0
    return (result.get('epoch') or -1, mtime)


def collect(results: list, score: str, metric: str) -> dict:
    """{(method, eps): {(classifier, dataset): [values over seeds]}}."""
    runs = {}
    for result in results:
        key = (result.get('method'), float(result.get('eps') or 0.0), dataset_label(result),
               CLASSIFIERS[result['result_type']],
               result.get('seed') if result.get('seed') is not None else result['result_file'])
        if key in runs:
            kept, dropped = sorted([runs[key], result], key=_run_order, reverse=True)
            print(f"warning: {dropped['result_file']} repeats the run of {kept['result_file']} "
                  f"(same method, eps, dataset, classifier and seed); {kept['result_file']} counts",
                  file=sys.stderr)
            result = kept
        runs[key] = result
    table = defaultdict(lambda: defaultdict(list))
    for (method, eps, dataset, classifier, _), result in sorted(runs.items(), key=str):
        chosen = result.get(SCORES[score])
        if not chosen or chosen.get(metric) is None:
            print(f"warning: {result['result_file']} has no '{SCORES[score]}' score; skipped",
                  file=sys.stderr)
            continue
        table[(method, eps)][(classifier, dataset)].append(float(chosen[metric]))
    return table


def _method_key(row):
    method, eps = row
    order = list(METHOD_NAMES)
    return (order.index(method) if method in order else len(order), str(method), eps)


def _column_key(column):
    classifier, dataset = column
    return (list(CLASSIFIERS.values()).index(classifier),
            DATASET_ORDER.index(dataset) if dataset in DATASET_ORDER else len(DATASET_ORDER),
            str(dataset))


def mean_std(values: list):
    """(mean, sample std or None for a single value, n)."""
    std = statistics.stdev(values) if len(values) > 1 else None
    return statistics.fmean(values), std, len(values)


def cell(values: list) -> str:
    if not values:
        return '-'
    mean, std, n = mean_std(values)
    return f'{mean:.2f} (n=1)' if std is None else f'{mean:.2f} ± {std:.2f}'


def render(table: dict, fmt: str, score: str, metric: str) -> str:
    rows = sorted(table, key=_method_key)
    columns = sorted({column for row in rows for column in table[row]}, key=_column_key)
    names = [(METHOD_NAMES.get(method, str(method)), f'{eps:g}') for method, eps in rows]
    if fmt == 'csv':
        lines = []
        writer = csv.writer(_Lines(lines), lineterminator='')
        writer.writerow(['method', 'eps'] + [f'{c} {d} {part}' for c, d in columns
                                             for part in ('mean', 'std', 'n')])
        for (method, eps), row in zip(names, rows):
            values = []
            for column in columns:
                got = table[row].get(column)
                if got:
                    mean, std, n = mean_std(got)
                    values += [f'{mean:.4f}', '' if std is None else f'{std:.4f}', n]
                else:
                    values += ['', '', 0]
            writer.writerow([method, eps] + values)
        return '\n'.join(lines)
    header = ['Method', 'eps'] + [f'{c} {d}' for c, d in columns]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for (method, eps), row in zip(names, rows):
        lines.append('| ' + ' | '.join([method, eps] + [cell(table[row].get(column, []))
                                                        for column in columns]) + ' |')
    counts = sorted({len(values) for row in rows for values in table[row].values()})
    lines.append('')
    lines.append(f'{metric} accuracy (%), {SCORE_LABELS[score]}; mean ± sample std over '
                 f"{'/'.join(map(str, counts))} seed(s).")
    return '\n'.join(lines)


class _Lines:
    """A file-like sink for csv.writer that collects one string per row."""

    def __init__(self, lines: list):
        self.lines = lines

    def write(self, text: str) -> None:
        self.lines.append(text)


def main(argv=None) -> int:
    args = parse_args(argv)
    missing = [path for path in args.work_dirs if not osp.exists(path)]
    if missing:
        print(f'error: {", ".join(missing)} not found; pass work dirs holding knn_eval / '
              'linear_eval JSON results', file=sys.stderr)
        return 2
    results = load_results(args.work_dirs)
    if not results:
        print(f'error: no knn_eval / linear_eval result under {" ".join(args.work_dirs)}; run '
              'tools/benchmarks/knn_eval.py or linear_eval.py first', file=sys.stderr)
        return 2
    table = collect(results, args.score, args.metric)
    if not table:
        print(f'error: no result has a {SCORES[args.score]!r} score', file=sys.stderr)
        return 2
    print(render(table, args.format, args.score, args.metric))
    return 0


if __name__ == '__main__':
    sys.exit(main())
