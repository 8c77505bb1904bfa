"""The result files of knn_eval.py / linear_eval.py as the cells of a
Table 1 layout, for tools/analysis/summarize_results.py (the table) and
tools/visualization/vis_results.py (the figure): one row per method, eps and
trained epochs (a raw-pixel row per method), one column per classifier,
feature, dataset and checkpoint selection, and a cell per row, column and
classifier protocol holding each run's score ({(config, seed): value}).
summarize_results.py's docstring says what never shares a row, column or
cell; the pairing of CLAE and baseline rows by training seed is here too."""
import json
import os.path as osp
import re
import statistics
import sys
from collections import defaultdict

from clae_mm.analysis.ablation_results import refuse_mixed_eps
from clae_mm.evaluation.result_file import load_results
from clae_mm.utils.errors import CLAEError

CLASSIFIERS = {'knn_eval': 'kNN', 'linear_eval': 'LR'}
# robust_eval.py's results: the linear probe's top-1 under each attack and radius, a column
# each, e.g. 'LR PGD-20 2/255' and 'LR AutoAttack 2/255' (result_scores).
ROBUST = 'robust_eval'
ROBUST_CLASSIFIER = re.compile(
    r'^(?P<base>\S+) (?P<attack>PGD-\d+|AutoAttack) (?P<eps>[\d.]+)/255$')
METHOD_NAMES = {'plain': 'Plain', 'uel': 'UEL', 'simclr': 'SimCLR', 'mocov2': 'MoCo v2',
                'byol': 'BYOL', 'simsiam': 'SimSiam', 'barlowtwins': 'Barlow Twins'}
DATASET_ORDER = ['CIFAR10', 'CIFAR100', 'TinyImageNet']  # Table 1's; then the others by name
FEATURE_ORDER = ['embedding', 'backbone', 'pixels']
SCORES = {'last': 'last_epoch', 'best': 'best_over_epochs', 'val': 'val_selected'}
SCORE_LABELS = {'last': 'last epoch', 'best': 'best over epochs, selected on the test set',
                'val': 'epoch selected on a validation split of the train set'}
SELECTION_LABELS = {'best-knn': 'best-kNN checkpoint'}
PIXELS = 'raw pixels'
RUN_TIME_FILE = 'run_time.json'  # written by tools/benchmarks/run_seeds.sh beside the results
RUN_TIME_LABEL = 'train + score (min)'


def load_selected_results(work_dirs: list, methods: list = None) -> list:
    """The knn_eval / linear_eval results under ``work_dirs`` (folders searched
    recursively, or JSON files), only those of ``methods`` when given; a
    one-line error when a path is missing or nothing is found."""
    missing = [path for path in work_dirs if not osp.exists(path)]
    if missing:
        raise CLAEError(f'{", ".join(missing)} not found; pass work dirs holding knn_eval / '
                        'linear_eval JSON results')
    results = load_results(work_dirs)
    if not results:
        raise CLAEError(f'no knn_eval / linear_eval result under {" ".join(work_dirs)}; run '
                        'tools/benchmarks/knn_eval.py or linear_eval.py first')
    if methods:
        results = [result for result in results if result.get('method') in methods]
        if not results:
            raise CLAEError(f'no result of {", ".join(methods)} under {" ".join(work_dirs)}')
    return results


NOT_RECORDED = 'not recorded'


def result_commit(result: dict) -> str:
    """The commit a result was made at (its provenance), marked when the tree was dirty."""
    made = result.get('provenance') or {}
    commit = made.get('commit')
    if not commit:
        return NOT_RECORDED
    return commit[:12] + (' (dirty tree)' if made.get('dirty') else '')


def commits_line(results: list, allow_mixed: bool = False) -> str:
    """The line under a table that says which commit made its results.

    Raises:
        CLAEError: the results come from more than one commit (or some record none),
            naming the runs of each, unless ``allow_mixed``.
    """
    runs = {}
    for result in results:
        run = f"{config_name(result) or result.get('method')} seed {result.get('seed')}"
        runs.setdefault(result_commit(result), set()).add(run)
    if len(runs) > 1 and not allow_mixed:
        listed = '; '.join(f"{commit}: {', '.join(sorted(names)[:4])}"
                           + (f' and {len(names) - 4} more' if len(names) > 4 else '')
                           for commit, names in sorted(runs.items()))
        raise CLAEError(f'the results come from {len(runs)} commits ({listed}); re-run them on '
                        'one commit, or pass --allow-mixed-commits')
    if set(runs) == {NOT_RECORDED}:
        return ('Made at: commit not recorded (these results were written before result files '
                'carried their provenance).')
    return 'Made at: ' + ', '.join(f'commit {commit} ({len(names)} runs)'
                                   for commit, names in sorted(runs.items())) + '.'


def dataset_label(result: dict) -> str:
    """The scored dataset, as 'PRETRAIN->DATASET' for a transferred encoder."""
    dataset, pretrain = result.get('dataset'), result.get('pretrain_dataset')
    return dataset if pretrain in (None, dataset) else f'{pretrain}->{dataset}'


def config_name(result: dict):
    name = result.get('config_name') or result.get('config')
    return osp.splitext(osp.basename(name))[0] if name else None


def trained_epochs(result: dict):
    """How long the encoder trained: ``max_epochs`` of the run, else the epoch
    of the scored checkpoint (the last one, unless a checkpoint was selected)."""
    return result.get('max_epochs') if result.get('max_epochs') is not None else result.get('epoch')


def row_key(result: dict, by_config: bool) -> tuple:
    """('runs', method, eps, trained epochs, config or None), or (PIXELS,
    method) for a raw-pixel result: the floor under that method's protocol."""
    if result.get('feature') == 'pixels':
        return (PIXELS, result.get('method'))
    refuse_mixed_eps(result)  # a row is labelled with one eps
    return ('runs', result.get('method'), float(result.get('eps') or 0.0), trained_epochs(result),
            config_name(result) if by_config else None)


def result_kind(result: dict) -> tuple:
    """(result type, feature, dataset, checkpoint selection): what a result
    measures, apart from the run and the classifier's settings."""
    return (result['result_type'], result.get('feature') or 'unknown feature',
            dataset_label(result), result.get('checkpoint_selection'))


def result_scores(result: dict, score: str, metric: str):
    """``([(classifier, value)], None)``: the scores a result puts in the
    table, or ``(None, why not)``. A kNN or probe result gives its ``score``'s
    ``metric``; a robust_eval result gives the top-1 of its probe (the last
    epoch) under each attack: PGD at each radius and AutoAttack."""
    if result['result_type'] != ROBUST:
        chosen = result.get(SCORES[score])
        if not chosen or chosen.get(metric) is None:
            return None, f"has no '{SCORES[score]}' score"
        return [(CLASSIFIERS[result['result_type']], float(chosen[metric]))], None
    if score != 'last' or metric != 'top1':
        return None, ("is a robust accuracy, the top-1 of the probe's last epoch only "
                      '(--score last --metric top1)')
    steps = (result.get('attack') or {}).get('pgd_steps')
    found = [(f'LR PGD-{steps} {eps}', float(top1))
             for eps, top1 in (result.get('pgd') or {}).items()]
    autoattack = result.get('autoattack')
    if autoattack:
        found.append((f"LR AutoAttack {autoattack['eps_255']:g}/255", float(autoattack['top1'])))
    return found, None


def protocol(result: dict) -> tuple:
    """The classifier's settings and the data sizes, as (name, value) pairs."""
    if result['result_type'] == 'knn_eval':
        names = ('k', 'sigma', 'num_bank', 'num_query')
        found = [(name, result.get(name)) for name in names]
    else:
        probe = result.get('probe') or {}
        found = [(f'probe {name}', probe.get(name))
                 for name in ('epochs', 'lr', 'batch_size', 'weight_decay')]
        found += [(name, result.get(name)) for name in ('num_train', 'num_test')]
    if result['result_type'] == ROBUST:
        autoattack = result.get('autoattack') or {}
        found += [('pgd steps', (result.get('attack') or {}).get('pgd_steps')),
                  ('autoattack images', len(autoattack.get('indices') or ()))]
    if result.get('feature') == 'pixels':
        found.append(('feature_dim', result.get('feature_dim')))
    return tuple(found)


def _run_order(result: dict):
    mtime = osp.getmtime(result['result_file']) if osp.exists(result['result_file']) else 0
    return (result.get('epoch') or -1, mtime)


def collect(results: list, score: str, metric: str, by_config: bool = False) -> dict:
    """{(row, column, protocol): {(config name, seed): value}}; a run is a
    config and a training seed (the file name when the seed is unknown). A
    raw-pixel result, which no training changes, counts once per protocol."""
    runs = {}
    for result in results:
        row = row_key(result, by_config)
        run = (None, None) if row[0] == PIXELS else (
            config_name(result),
            result.get('seed') if result.get('seed') is not None else result['result_file'])
        key = (row, result_kind(result), protocol(result), run)
        if key in runs:
            kept, dropped = sorted([runs[key], result], key=_run_order, reverse=True)
            if row[0] != PIXELS:
                print(f"warning: {dropped['result_file']} repeats the run of "
                      f"{kept['result_file']} (same config, eps, epochs, dataset, classifier, "
                      f"feature and seed); {kept['result_file']} counts", file=sys.stderr)
            elif result_scores(kept, score, metric) != result_scores(dropped, score, metric):
                print(f"warning: the raw-pixel results {dropped['result_file']} and "
                      f"{kept['result_file']} have the same protocol but different scores; "
                      f"{kept['result_file']} counts", file=sys.stderr)
            result = kept
        runs[key] = result
    cells = defaultdict(dict)
    for (row, (_, feature, dataset, selection), settings, run), result in sorted(
            runs.items(), key=str):
        scores, why_not = result_scores(result, score, metric)
        if scores is None:
            print(f"warning: {result['result_file']} {why_not}; skipped", file=sys.stderr)
            continue
        for classifier, value in scores:
            cells[(row, (classifier, feature, dataset, selection), settings)][run] = value
    return dict(cells)


def warn_merged_configs(results: list) -> None:
    configs = defaultdict(set)
    for result in results:
        row = row_key(result, by_config=False)
        if row[0] != PIXELS and config_name(result):
            configs[row].add(config_name(result))
    for row, names in sorted(configs.items(), key=str):
        if len(names) > 1:
            print(f"warning: the row {row_label(row)} holds runs of {len(names)} configs "
                  f"({', '.join(sorted(names))}); pass --rows config to split them",
                  file=sys.stderr)


def _load_run_time(path: str):
    """The run_time.json at ``path`` (a dict with a numeric ``total_s``), or
    None with a warning when it is unreadable or not a run time."""
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as error:
        print(f'warning: {path} is unreadable ({error}); its run time is skipped',
              file=sys.stderr)
        return None
    if not isinstance(data, dict):
        data = {}
    total = data.get('total_s')
    if data.get('result_type') != 'run_time' or isinstance(total, bool) \
            or not isinstance(total, (int, float)):
        print(f"warning: {path} is not a run time (result_type 'run_time' with a number "
              "'total_s'); skipped", file=sys.stderr)
        return None
    return data


def collect_run_times(results: list, by_config: bool = False) -> dict:
    """{row: [minutes]}: per row of runs, ``total_s / 60`` of each run_time.json
    sitting in a folder that holds a result of that row (raw-pixel results
    have no run time). A folder counts once per row; where two folders of a
    row hold the run time of the same config and seed, the newest file counts."""
    folders = defaultdict(set)
    for result in results:
        row = row_key(result, by_config)
        if row[0] != PIXELS:
            folders[row].add(osp.dirname(osp.abspath(result['result_file'])))
    loaded = {}
    times = {}
    for row, found in sorted(folders.items(), key=str):
        runs = {}
        for folder in sorted(found):
            path = osp.join(folder, RUN_TIME_FILE)
            if not osp.isfile(path):
                continue
            if path not in loaded:
                loaded[path] = _load_run_time(path)
            data = loaded[path]
            if data is None:
                continue
            run = (data.get('config'), data.get('seed')) if data.get('seed') is not None \
                else (None, path)
            if run in runs:
                kept, dropped = sorted([runs[run][0], path], key=osp.getmtime, reverse=True)
                print(f'warning: {dropped} repeats the run time of {kept} (same config and '
                      f'seed); {kept} counts', file=sys.stderr)
                if kept == runs[run][0]:
                    continue
            runs[run] = (path, float(data['total_s']) / 60)
        if runs:
            times[row] = [minutes for _, minutes in runs.values()]
    return times




# --------------------------------------------------------------------------- #
# Layout
def method_order(method):
    order = list(METHOD_NAMES)
    return (order.index(method) if method in order else len(order), str(method))


def row_order(row: tuple):
    if row[0] == PIXELS:
        return (1,)
    _, _, eps, epochs, config = row
    return (0, -1 if epochs is None else epochs, eps, str(config))


def classifier_order(classifier: str) -> tuple:
    """kNN, LR, then the probe under attack: PGD by radius, then AutoAttack."""
    robust = ROBUST_CLASSIFIER.match(classifier)
    base = robust.group('base') if robust else classifier
    bases = list(CLASSIFIERS.values())
    return (bases.index(base) if base in bases else len(bases), robust is not None,
            bool(robust) and robust.group('attack') == 'AutoAttack',
            float(robust.group('eps')) if robust else 0.0, classifier)


def column_order(column: tuple):
    classifier, feature, dataset, selection = column
    return (classifier_order(classifier),
            DATASET_ORDER.index(dataset) if dataset in DATASET_ORDER else len(DATASET_ORDER),
            str(dataset),
            FEATURE_ORDER.index(feature) if feature in FEATURE_ORDER else len(FEATURE_ORDER),
            str(feature), str(selection))


def display_columns(cells: dict) -> list:
    """[(column, protocol or None, label)]: one per column, or one per protocol
    where a row holds results of several protocols in that column."""
    protocols = defaultdict(set)
    per_row = defaultdict(set)
    for row, column, settings in cells:
        protocols[column].add(settings)
        per_row[(row, column)].add(settings)
    shown = []
    for column in sorted(protocols, key=column_order):
        classifier, feature, dataset, selection = column
        label = f'{classifier} {feature} {dataset}'
        if selection:
            label += f' ({SELECTION_LABELS.get(selection, selection)})'
        if all(len(found) == 1 for (_, c), found in per_row.items() if c == column):
            shown.append((column, None, label))
            continue
        variants = sorted(protocols[column], key=str)
        differ = [i for i in range(len(variants[0]))
                  if len({variant[i][1] for variant in variants}) > 1]
        for variant in variants:
            shown.append((column, variant, label + ' (' + ', '.join(
                f'{variant[i][0]}={variant[i][1]}' for i in differ) + ')'))
    return shown


def cell_values(cells: dict, row: tuple, column: tuple, variant) -> dict:
    """{(config name, seed): value} of one table cell (a column without a
    protocol split holds one protocol per row)."""
    found = {}
    for (r, c, settings), values in cells.items():
        if r == row and c == column and (variant is None or settings == variant):
            found.update(values)
    return found


def mean_std(values: list):
    """(mean, sample std or None for a single value, n)."""
    std = statistics.stdev(values) if len(values) > 1 else None
    return statistics.fmean(values), std, len(values)




def epochs_label(epochs) -> str:
    return '?' if epochs is None else str(epochs)


def method_name(method) -> str:
    return METHOD_NAMES.get(method, str(method))


def row_label(row: tuple) -> str:
    if row[0] == PIXELS:
        return PIXELS if row[1] is None else f'{method_name(row[1])}: {PIXELS}'
    _, method, eps, epochs, config = row
    return f"{METHOD_NAMES.get(method, str(method))} eps {eps:g}, {epochs_label(epochs)} epochs" + (
        f', {config}' if config else '')


def paired_rows(rows: list) -> list:
    """(CLAE row, baseline row) of one method: every eps > 0 row with every
    eps 0 row (the equal-epoch and any compute-matched baseline)."""
    runs = [row for row in rows if row[0] == 'runs']
    return [(clae, baseline) for clae in runs if clae[2] > 0
            for baseline in runs if baseline[2] == 0]


def paired_differences(clae: dict, baseline: dict) -> list:
    """CLAE - baseline per training seed, over the seeds both cells have once
    (a seed of two configs merged into one row pairs with nothing)."""
    def by_seed(cell_runs: dict) -> dict:
        seeds = [seed for _, seed in cell_runs if not isinstance(seed, str)]
        return {seed: value for (_, seed), value in cell_runs.items() if seeds.count(seed) == 1}

    clae, baseline = by_seed(clae), by_seed(baseline)
    return [clae[seed] - baseline[seed] for seed in sorted(set(clae) & set(baseline))]

