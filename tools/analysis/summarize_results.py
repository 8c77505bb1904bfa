"""Collect the JSON results of knn_eval.py / linear_eval.py (and
robust_eval.py) over several seeds and print them in the layout of the
paper's Table 1: one row per method, eps and training length, one column per
classifier, feature and dataset, mean +- std (n) per cell.

    python tools/analysis/summarize_results.py WORK_DIRS... [--format markdown|csv]
        [--score last|best|val] [--metric top1|top5] [--rows method|config]
        [--method plain|uel|simclr|mocov2|byol|simsiam|barlowtwins ...]

What never shares a cell or a column:
- classifiers (kNN, LR, and the probe under each attack of robust_eval.py:
  "LR PGD-20 2/255", "LR AutoAttack 2/255"; these need --score last and
  --metric top1), features ('embedding', 'backbone', 'pixels') and
  datasets: the column is e.g. "kNN backbone FashionMNIST";
- raw-pixel results (feature 'pixels': no encoder) form their own row per
  method, e.g. "SimCLR: raw pixels" (the floor under that method's kNN and
  probe settings); no training seed changes them, so each protocol counts
  once (the newest file);
- training lengths: a baseline trained longer (a compute-matched one) is its
  own row, told apart by its trained epochs (``max_epochs`` of the result, or
  the scored checkpoint's epoch for results that lack it); with --rows config
  each config is its own row too;
- probes of a checkpoint selected by its kNN score (linear_eval.py --best-knn)
  get their own column;
- classifier settings (k, sigma, probe epochs, lr, ...) and data sizes: where
  one row has results of two settings in a column, the column is split and
  labelled with the settings that differ.

For each method, every CLAE row (eps > 0) is paired with every baseline row
(eps 0): a "CLAE - baseline" row gives the mean +- sample std of the per-seed
differences over the seeds both rows have, their number n, the 95 %
confidence interval of their mean (paired t: mean +- t(0.975, n-1) std /
sqrt(n); clae_mm/analysis/confidence_intervals.py) and how many seeds are
above and below 0 ("3+/0-"). The CSV gives every cell's interval
(ci95_low, ci95_high) and, for the differences, the seeds of each sign
(above, below).

Where run_seeds.sh recorded the wall time of a run (``run_time.json`` in
the folder of its result files), a last column "train + score (min)" gives,
per row of runs, the mean +- std of ``total_s`` (training plus both scores)
in minutes over the run_time.json files in the folders of that row's results
(one per folder; of two for the same config and seed the newest counts);
without any run_time.json the table has no such column. A run_time.json is
never a result.

std is the sample standard deviation (ddof=1); a cell of one run shows its
value and (n=1). With several results for the same run (same row, column and
training seed) the one of the latest epoch (then the newest file) counts.
"""
import argparse
import csv
import io
import sys

from clae_mm.analysis.confidence_intervals import sign_counts, t_interval
from clae_mm.analysis.result_table import (METHOD_NAMES, commits_line, PIXELS, ROBUST_CLASSIFIER,
                                           RUN_TIME_LABEL, SCORE_LABELS, SCORES, cell_values,
                                           collect, collect_run_times,
                                           display_columns, epochs_label, load_selected_results,
                                           mean_std, method_name, method_order,
                                           paired_differences, paired_rows, row_label, row_order,
                                           warn_merged_configs)
from clae_mm.utils.errors import CLAEError, exit_code

# Per column of the CSV; above / below (seeds of each sign) for CLAE - baseline rows only.
CSV_PARTS = ('mean', 'std', 'n', 'ci95_low', 'ci95_high', 'above', 'below')


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
    parser.add_argument('--method', action='append', choices=list(METHOD_NAMES),
                        help='only the results of this method (repeat for several)')
    parser.add_argument('--rows', choices=['method', 'config'], default='method',
                        help='method: a row per method, eps and trained epochs (default); '
                        'config: also a row per config file')
    parser.add_argument('--allow-mixed-commits', action='store_true',
                        help='table results made at different commits (default: refused, naming '
                        'the runs of each); the line under the table lists them')
    return parser.parse_args(argv)


def cell(values: list, signed: bool = False, digits: int = 2) -> str:
    """mean ± std (n); a paired difference (``signed``) adds its 95 % confidence
    interval (two values or more) and how many seeds it is above / below 0."""
    if not values:
        return '-'
    mean, std, n = mean_std(values)
    number = f'{mean:+.{digits}f}' if signed else f'{mean:.{digits}f}'
    text = f'{number} (n=1)' if std is None else f'{number} ± {std:.{digits}f} (n={n})'
    if signed:
        interval = t_interval(values)
        if interval.low is not None:
            text += f', CI [{interval.low:+.{digits}f}, {interval.high:+.{digits}f}]'
        above, below = sign_counts(values)
        text += f', {above}+/{below}-'
    return text


def table(cells: dict, by_config: bool, times: dict = None):
    """(header, column labels, body): per method its runs, its CLAE - baseline
    pairs and its raw-pixel floor; body rows are (kind, fields, [(values, signed)]).
    With ``times`` ({row: [minutes]}, see collect_run_times) holding any run
    time, a last column RUN_TIME_LABEL holds each row of runs' minutes (none
    for the other rows)."""
    columns = display_columns(cells)
    methods = sorted({row[1] for row, _, _ in cells}, key=method_order)
    empty = ['-'] if by_config else []
    body = []
    for method in methods:
        rows = sorted({row for row, _, _ in cells if row[1] == method}, key=row_order)
        name = method_name(method)
        for row in rows:
            values = [(list(cell_values(cells, row, c, v).values()), False) for c, v, _ in columns]
            if row[0] == PIXELS:
                body.append((PIXELS, [row_label(row), '-', '-'] + empty,
                             values + ([([], False)] if times else [])))
                continue
            _, _, eps, epochs, config = row
            body.append(('runs', [name, f'{eps:g}', epochs_label(epochs)]
                         + ([str(config)] if by_config else []),
                         values + ([(times.get(row, []), False)] if times else [])))
            if row != [r for r in rows if r[0] == 'runs'][-1]:
                continue
            for clae, baseline in paired_rows(rows):
                diffs = [(paired_differences(cell_values(cells, clae, c, v),
                                             cell_values(cells, baseline, c, v)), True)
                         for c, v, _ in columns] + ([([], True)] if times else [])
                body.append(('CLAE - baseline',
                             [f'{name}: CLAE - baseline', f'{clae[2]:g} - {baseline[2]:g}',
                              f'{epochs_label(clae[3])} - {epochs_label(baseline[3])}']
                             + ([f'{clae[4]} - {baseline[4]}'] if by_config else []), diffs))
    header = ['Method', 'eps', 'epochs'] + (['config'] if by_config else [])
    return header, [label for _, _, label in columns] + ([RUN_TIME_LABEL] if times else []), body


def _csv_number(value) -> str:
    return '' if value is None else f'{value:.4f}'


def render(cells: dict, fmt: str, score: str, metric: str, by_config: bool = False,
           times: dict = None) -> str:
    """The table as markdown (with its notes) or CSV; ``times``: the run times
    of collect_run_times, a last column where any is found."""
    header, labels, body = table(cells, by_config, times)
    if fmt == 'csv':
        out = io.StringIO()
        writer = csv.writer(out, lineterminator='\n')
        writer.writerow(['row'] + [h.lower() for h in header]
                        + [f'{label} {part}' for label in labels for part in CSV_PARTS])
        for kind, fields, values in body:
            numbers = []
            for got, signed in values:
                if not got:
                    numbers += ['', '', 0, '', '', '', '']
                    continue
                interval = t_interval(got)
                above, below = sign_counts(got) if signed else ('', '')
                numbers += [f'{interval.mean:.4f}', _csv_number(interval.std), interval.n,
                            _csv_number(interval.low), _csv_number(interval.high), above, below]
            method = fields[0] if kind == 'runs' else fields[0].split(': ')[0]
            writer.writerow([kind, method] + fields[1:] + numbers)
        return out.getvalue().rstrip('\n')
    lines = ['| ' + ' | '.join(header + labels) + ' |', '|' + '---|' * (len(header) + len(labels))]
    for _, fields, values in body:
        shown = [cell(got, signed) for got, signed in values]
        if times:  # the last column: minutes, one decimal
            shown[-1] = cell(values[-1][0], values[-1][1], digits=1)
        lines.append('| ' + ' | '.join(fields + shown) + ' |')
    kinds = {kind for kind, _, _ in body}
    note = (f'{metric} accuracy (%), {SCORE_LABELS[score]}; mean ± sample std over the training '
            'seeds, n runs per cell; epochs: the trained epochs.')
    if 'CLAE - baseline' in kinds:
        note += (' CLAE - baseline: mean ± sample std of the per-seed differences over the seeds '
                 'both rows have (n pairs); CI: their 95 % confidence interval, mean ± '
                 't(0.975, n-1) · std / √n; a+/b-: a seeds with CLAE above its baseline, b '
                 'below.')
    if 'raw pixels' in kinds:
        note += ' raw pixels: the classifier on the normalised input image, no encoder.'
    if any(ROBUST_CLASSIFIER.match(column[0]) for _, column, _ in cells):
        note += (' LR PGD-s e/255, LR AutoAttack e/255: top-1 of the linear probe (its last '
                 'epoch) under L-inf attacks of radius e/255 on the images in [0, 1], robust '
                 'only where every smaller radius failed too (robust_eval.py; AutoAttack on a '
                 'fixed subset of the test set).')
    notes = [note]
    if times:
        notes.append(f'{RUN_TIME_LABEL}: wall time of training plus both scores (kNN and '
                     'linear probe) per run, as recorded by run_seeds.sh (run_time.json beside '
                     'the results); mean ± sample std over the runs that recorded one (n); - where '
                     'none did.')
    return '\n'.join(lines + [''] + notes)


def main(argv=None) -> int:
    args = parse_args(argv)
    return exit_code(lambda: print_table(args))


def print_table(args) -> None:
    results = load_selected_results(args.work_dirs, args.method)
    by_config = args.rows == 'config'
    if not by_config:
        warn_merged_configs(results)
    cells = collect(results, args.score, args.metric, by_config)
    if not cells:
        raise CLAEError(f'no result has a {SCORES[args.score]!r} score')
    times = collect_run_times(results, by_config)
    made = commits_line(results, args.allow_mixed_commits)
    print(render(cells, args.format, args.score, args.metric, by_config, times))
    print(made, file=sys.stdout if args.format == 'markdown' else sys.stderr)


if __name__ == '__main__':
    sys.exit(main())
