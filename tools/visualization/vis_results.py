"""The results table as a figure: per method, CLAE vs its baseline(s) with
95 % confidence intervals, the raw-pixel floor, and the paired differences.

    python tools/visualization/vis_results.py WORK_DIRS... [--method plain ...]
        [--score last|best|val] [--metric top1|top5] [--rows method|config]
        [--out-dir DIR] [--name NAME] [--title TEXT]

The input and the filters are summarize_results.py's: the knn_eval /
linear_eval / robust_eval JSON results under WORK_DIRS, grouped into the same
rows, columns and cells (clae_mm/analysis/result_table.py). One column of
panels per classifier and dataset: kNN, LR and the probe under each attack of
robust_eval.py (any column the summarizer has becomes a panel; a new kind of
result needs only its scores in result_table.result_scores):

- top: each row of runs of each method (eps 0 and CLAE, trained epochs) as a
  point at the mean over its seeds with the 95 % t interval of that mean
  (mean +- t(0.975, n-1) std / sqrt(n)); the method's raw-pixel score under
  the same classifier as a dashed line;
- bottom: each CLAE - baseline pair of the table as the mean of its per-seed
  differences with their 95 % t interval (paired by seed), and how many seeds
  are above / below 0.

Writes NAME.png, NAME.svg and NAME.csv (every plotted number) into --out-dir.
"""
import argparse
import os.path as osp
import sys
import textwrap

from clae_mm.analysis.command_line import run_main
from clae_mm.analysis.confidence_intervals import sign_counts, t_interval
from clae_mm.analysis.figures import new_figure, save_figure, save_svg, write_csv
from clae_mm.analysis.result_table import (METHOD_NAMES, PIXELS, SCORE_LABELS, SCORES,
                                           SELECTION_LABELS, cell_values, collect,
                                           display_columns, epochs_label,
                                           load_selected_results, method_name, method_order,
                                           paired_differences, paired_rows, row_order,
                                           warn_merged_configs)
from clae_mm.utils import CLAEError

# plot_ablation.py's convention (Fig. 5c): baselines green, CLAE red.
COLORS = dict(baseline='tab:green', clae='tab:red', pixels='tab:gray', difference='tab:blue')
POINT_PX, GROUP_GAP_PX, PANEL_MARGIN_PX = 62, 40, 110
# Vertical budget: title, the two rows of panels, their ticks and group names, the caption.
TOP_PX, SCORES_PX, DIFFERENCES_PX, TICKS_PX, GAP_PX = 60, 330, 250, 95, 15
CAPTION_LINE_PX, CAPTION_CHAR_PX = 11, 5.2
CSV_COLUMNS = ('panel', 'method', 'feature', 'kind', 'eps', 'epochs', 'config', 'mean', 'std',
               'n', 'ci95_low', 'ci95_high', 'above', 'below')


def build_parser():
    parser = argparse.ArgumentParser(
        description='CLAE vs baseline with 95 % confidence intervals, from result JSONs')
    parser.add_argument('work_dirs', nargs='+',
                        help='work dirs (searched recursively) or JSON files')
    parser.add_argument('--method', action='append', choices=list(METHOD_NAMES),
                        help='only the results of this method (repeat for several)')
    parser.add_argument('--score', choices=list(SCORES), default='last',
                        help='last epoch (default), best over epochs (selected on the test set) '
                        'or val (selected on a validation split)')
    parser.add_argument('--metric', choices=['top1', 'top5'], default='top1')
    parser.add_argument('--rows', choices=['method', 'config'], default='method',
                        help='config: a row per config file too, as in summarize_results.py')
    parser.add_argument('--out-dir', default='analysis', help='default: ./analysis')
    parser.add_argument('--name', default='results',
                        help='file name without extension (default: results)')
    parser.add_argument('--title', help='figure title (default: the score and metric)')
    return parser


def _row_text(row: tuple, configs: dict) -> str:
    """A point's tick: eps, trained epochs and, with --rows config, the
    number of its config (named in the caption)."""
    _, _, eps, epochs, config = row
    return f'eps {eps:g}\n{epochs_label(epochs)} ep' + (
        f'\n[{configs[config]}]' if config else '')


def _pair_text(clae: tuple, baseline: tuple, configs: dict) -> str:
    text = (f'{clae[2]:g} - {baseline[2]:g}\n'
            f'{epochs_label(clae[3])} - {epochs_label(baseline[3])} ep')
    return text + (f'\n[{configs[clae[4]]}] - [{configs[baseline[4]]}]' if clae[4] else '')


def _interval_row(interval, **fields) -> dict:
    numbers = dict(mean=interval.mean, std=interval.std, ci95_low=interval.low,
                   ci95_high=interval.high)
    return dict(fields, n=interval.n,
                **{key: None if value is None else round(value, 4)
                   for key, value in numbers.items()})


def panels(cells: dict) -> list:
    """One panel per classifier, dataset and checkpoint selection (the display
    columns of the table without their feature); in it one group per method
    and feature (and classifier setting, where the table splits a column)
    with its runs, its raw-pixel floor and its CLAE - baseline pairs."""
    columns = display_columns(cells)
    methods = sorted({row[1] for row, _, _ in cells}, key=method_order)
    found = {}
    for column, variant, label in columns:
        classifier, feature, dataset, selection = column
        if feature == 'pixels':
            continue
        key = (classifier, dataset, selection)
        panel = found.setdefault(key, dict(title=f'{classifier} {dataset}' + (
            f' ({SELECTION_LABELS.get(selection, selection)})' if selection else ''), groups=[]))
        floor_columns = [(c, v) for c, v, _ in columns
                         if c == (classifier, 'pixels', dataset, selection)]
        for method in methods:
            rows = sorted({row for row, _, _ in cells if row[1] == method and row[0] == 'runs'},
                          key=row_order)
            runs = [(row, list(cell_values(cells, row, column, variant).values()))
                    for row in rows]
            runs = [(row, values) for row, values in runs if values]
            if not runs:
                continue
            floors = [value for c, v in floor_columns
                      for value in cell_values(cells, (PIXELS, method), c, v).values()]
            pairs = []
            for clae, baseline in paired_rows([row for row, _ in runs]):
                differences = paired_differences(cell_values(cells, clae, column, variant),
                                                 cell_values(cells, baseline, column, variant))
                if differences:
                    pairs.append((clae, baseline, differences))
            suffix = label[len(f'{classifier} {feature} {dataset}'):]  # a split's settings
            panel['groups'].append(dict(
                method=method, feature=feature,
                name=f'{method_name(method)}\n{feature}{suffix}',
                runs=[(row, t_interval(values)) for row, values in runs],
                floor=floors[-1] if floors else None,
                pairs=[(clae, baseline, t_interval(d), sign_counts(d))
                       for clae, baseline, d in pairs]))
    return [panel for panel in found.values() if panel['groups']]


def _error_bar(ax, x: float, interval, color: str, marker: str = 'o', label: str = None):
    if interval.low is None:  # one seed: a point without an interval
        ax.plot([x], [interval.mean], marker=marker, color=color, ls='none', label=label)
        return
    ax.errorbar([x], [interval.mean],
                yerr=[[interval.mean - interval.low], [interval.high - interval.mean]],
                fmt=marker, color=color, capsize=4, label=label)


def _group_axis(ax, positions: list, names: list, texts: list) -> None:
    """Point labels as ticks, group names below them."""
    ticks = [text for group in texts for text in group]
    ax.set_xticks([x for xs in positions for x in xs], ticks, fontsize=7)
    below = 4 + 10 * max((text.count('\n') + 1 for text in ticks), default=0)  # points
    for xs, name in zip(positions, names):
        if not xs:  # a group without pairs
            continue
        ax.annotate(name, xy=((xs[0] + xs[-1]) / 2, 0), xycoords=('data', 'axes fraction'),
                    xytext=(0, -below), textcoords='offset points', ha='center', va='top',
                    fontsize=8, fontweight='bold')


def _layout(groups: list) -> tuple:
    """x of each group's runs (a gap of one between groups) and of its pairs,
    centred under its runs."""
    runs, pairs, x = [], [], 0
    for group in groups:
        count = max(len(group['runs']), 1)
        runs.append([x + i for i in range(count)])
        centre, npairs = x + (count - 1) / 2, len(group['pairs'])
        pairs.append([centre + i - (npairs - 1) / 2 for i in range(npairs)])
        x += count + 1
    return runs, pairs


def _caption(configs: dict, width_px: int) -> list:
    """What the marks are, wrapped to the figure's width, and the configs' numbers."""
    text = ('Top: mean over the training seeds, bars the 95 % t interval of the mean (mean ± '
            't(0.975, n-1) · std / √n); dashed: the method\'s raw-pixel score under the same '
            'classifier. Bottom: CLAE - baseline paired by seed, the mean of the per-seed '
            'differences with their 95 % t interval; a+/b-: a seeds above 0, b below.')
    lines = textwrap.wrap(text, width=max(int(width_px / CAPTION_CHAR_PX), 40))
    return lines + [f'[{index}] {config}' for config, index in configs.items()]


def draw(panel_list: list, metric: str, title: str):
    """The figure and its numbers (one CSV row per mark)."""
    widths = [max(PANEL_MARGIN_PX + POINT_PX * sum(len(g['runs']) for g in p['groups'])
                  + GROUP_GAP_PX * len(p['groups']), 280) for p in panel_list]
    configs = {}
    for panel in panel_list:
        for group in panel['groups']:
            for row, _ in group['runs']:
                if row[4]:
                    configs.setdefault(row[4], len(configs) + 1)
    caption = _caption(configs, sum(widths))
    bottom_px = TICKS_PX + CAPTION_LINE_PX * (len(caption) + 1)
    height = TOP_PX + SCORES_PX + DIFFERENCES_PX + GAP_PX + bottom_px
    fig, axes = new_figure(sum(widths), height, 2, len(panel_list),
                           gridspec_kw=dict(width_ratios=widths,
                                            height_ratios=[SCORES_PX, DIFFERENCES_PX]))
    rows, labelled = [], set()

    def label(text):  # each legend entry once
        if text in labelled:
            return None
        labelled.add(text)
        return text

    for column, panel in enumerate(panel_list):
        top, bottom = axes[0, column], axes[1, column]
        groups = panel['groups']
        positions, pair_positions = _layout(groups)
        for group, xs in zip(groups, positions):
            common = dict(panel=panel['title'], method=group['method'], feature=group['feature'])
            for x, (row, interval) in zip(xs, group['runs']):
                kind = 'clae' if row[2] > 0 else 'baseline'
                _error_bar(top, x, interval, COLORS[kind],
                           label=label('CLAE (eps > 0)' if kind == 'clae' else 'baseline (eps 0)'))
                rows.append(_interval_row(interval, **common, kind='runs', eps=f'{row[2]:g}',
                                          epochs=row[3], config=row[4]))
            if group['floor'] is not None:
                top.hlines(group['floor'], xs[0] - 0.45, xs[-1] + 0.45, colors=COLORS['pixels'],
                           linestyles='--', label=label('raw pixels'))
                top.annotate(f"{group['floor']:.2f}", xy=(xs[-1] + 0.45, group['floor']),
                             xytext=(0, 2), textcoords='offset points', ha='right', va='bottom',
                             fontsize=7, color=COLORS['pixels'])
                rows.append(dict(common, feature='pixels', kind=PIXELS, mean=group['floor'], n=1))
            for x, (clae, baseline, interval, (above, below)) in zip(
                    pair_positions[groups.index(group)], group['pairs']):
                _error_bar(bottom, x, interval, COLORS['difference'], marker='D')
                bottom.annotate(f'{above}+/{below}-', xy=(x, interval.high or interval.mean),
                                xytext=(0, 4), textcoords='offset points', ha='center',
                                fontsize=7)
                rows.append(_interval_row(
                    interval, **common, kind='CLAE - baseline',
                    eps=f'{clae[2]:g} - {baseline[2]:g}',
                    epochs=f'{epochs_label(clae[3])} - {epochs_label(baseline[3])}',
                    config=f'{clae[4]} - {baseline[4]}' if clae[4] else None,
                    above=above, below=below))
        names = [group['name'] for group in groups]
        _group_axis(top, positions, names,
                    [[_row_text(row, configs) for row, _ in g['runs']] for g in groups])
        _group_axis(bottom, pair_positions, names,
                    [[_pair_text(c, b, configs) for c, b, _, _ in g['pairs']] for g in groups])
        top.set_xlim(-0.7, positions[-1][-1] + 0.7)
        bottom.set_xlim(top.get_xlim())
        top.set_title(panel['title'], fontsize=10)
        top.margins(y=0.08)
        if any(group['pairs'] for group in groups):
            bottom.axhline(0, color='black', lw=0.8)
        else:
            bottom.set_yticks([])
            bottom.text(0.5, 0.5, 'no CLAE - baseline pair\n(no eps-0 row with the same seeds)',
                        transform=bottom.transAxes, ha='center', va='center', fontsize=8)
        bottom.margins(y=0.25)
        for ax in (top, bottom):
            ax.grid(axis='y', alpha=0.3)
    axes[0, 0].set_ylabel(f'{metric} accuracy (%)')
    axes[1, 0].set_ylabel('CLAE - baseline (points)')
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(title, fontsize=11)
    fig.text(0.01, CAPTION_LINE_PX / 2 / height, '\n'.join(caption), fontsize=7, va='bottom')
    fig.subplots_adjust(left=0.6 * PANEL_MARGIN_PX / sum(widths), right=0.98,
                        top=1 - TOP_PX / height, bottom=bottom_px / height,
                        hspace=(GAP_PX + TICKS_PX) / ((SCORES_PX + DIFFERENCES_PX) / 2),
                        wspace=0.25)
    return fig, rows


def run(args) -> None:
    results = load_selected_results(args.work_dirs, args.method)
    by_config = args.rows == 'config'
    if not by_config:
        warn_merged_configs(results)
    cells = collect(results, args.score, args.metric, by_config)
    panel_list = panels(cells)
    if not panel_list:
        raise CLAEError(f'no encoder result has a {SCORES[args.score]!r} score (raw-pixel results '
                        'alone make no figure); pass the work dirs of trained runs')
    title = args.title or f'{args.metric} accuracy, {SCORE_LABELS[args.score]}'
    fig, rows = draw(panel_list, args.metric, title)
    stem = osp.join(args.out_dir, args.name)
    width, height = save_figure(fig, f'{stem}.png')
    save_svg(fig, f'{stem}.svg')
    write_csv(f'{stem}.csv', rows, CSV_COLUMNS)
    print(f'{len(panel_list)} panels, {len(rows)} numbers; figure written to {stem}.png '
          f'({width} x {height}) and {stem}.svg, the numbers to {stem}.csv')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
