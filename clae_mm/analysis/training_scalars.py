"""The scalars MMEngine's LocalVisBackend logged during training
(``<work_dir>/<timestamp>/vis_data/scalars.json``, one JSON record a line)."""
import glob
import os.path as osp
from typing import Dict, List, Tuple

from clae_mm.utils import CLAEError
from clae_mm.utils.json_input import MalformedInputError, integer, number, parse_json
from clae_mm.utils.literal import literal_assignments

# Training records carry 'iter' (step = iteration); the kNN hook's records
# carry only 'step' (= epoch, or iteration with by_epoch=False).
TRAIN_KEYS = ('loss_aug', 'loss_adv', 'attack_gain')
EVAL_KEYS = ('knn/top1',)


def scalar_files(work_dir: str) -> List[str]:
    """Every ``scalars.json`` of a work dir, oldest run first (resumed runs
    log into a new timestamped folder)."""
    if not osp.isdir(work_dir):
        raise CLAEError(f'work dir {work_dir} not found; pass the --work-dir of a training run')
    files = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not files:
        raise CLAEError(f'no */vis_data/scalars.json in {work_dir}; is it the work dir of a '
                        "training run with the config's LocalVisBackend?")
    return files


# The counters of a record; every other value is a logged number (NaN in a
# diverged run's log).
COUNTERS = ('iter', 'step', 'epoch')


def read_records(path: str) -> List[dict]:
    """The JSON records of one log file (``scalars.json`` or the logger's
    ``<timestamp>.json``, one record a line): each an object whose counters
    (``iter``, ``step``, ``epoch``) are integers and whose other values are
    numbers; anything else is a one-line error naming the line."""
    records = []
    try:
        with open(path) as f:
            lines = list(f)
    except (OSError, UnicodeDecodeError) as exc:
        raise CLAEError(f'{path} cannot be read ({exc})') from None
    for line_number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f'{path} line {line_number}'
        record = parse_json(line, where)
        if not isinstance(record, dict):
            raise MalformedInputError(f'{where} is not a record (a JSON object) but a '
                                      f'{type(record).__name__}; the file is damaged')
        for key, value in record.items():
            if key in COUNTERS:
                integer(value, where, key)
            else:
                number(value, where, key, finite=False)
        records.append(record)
    return records


def is_training_record(record: dict) -> bool:
    """Training iterations carry 'iter'; validation results only 'step'."""
    return 'iter' in record


def load_series(work_dir: str, keys=TRAIN_KEYS + EVAL_KEYS) -> Dict[str, List[Tuple[int, float]]]:
    """{key: [(step, value), ...] sorted by step} for every key that was
    logged; a step logged again by a resumed run keeps its latest value."""
    series: Dict[str, Dict[int, float]] = {key: {} for key in keys}
    for path in scalar_files(work_dir):
        for record in read_records(path):
            step = record.get('iter', record.get('step'))
            for key in keys:
                if key in record and step is not None:
                    series[key][int(step)] = float(record[key])
    return {key: sorted(values.items()) for key, values in series.items() if values}


def dumped_config_value(path: str, name: str):
    """The top-level ``name = ...`` of a config the Runner dumped into a work
    dir, read as literals: the work dir is not a config the user named, so
    its file is parsed, never executed. None when absent or not literal."""
    try:
        with open(path) as f:
            text = f.read()
    except (OSError, ValueError):
        return None
    return literal_assignments(text, (name, )).get(name)


def knn_step_unit(work_dir: str) -> str:
    """'epoch' unless the run's dumped config has the kNN hook count iterations."""
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'config.py')))[-1:]:
        hooks = dumped_config_value(path, 'default_hooks')
        hook = (hooks.get('knn') if isinstance(hooks, dict) else None) or {}
        if isinstance(hook, dict) and hook.get('by_epoch', True) is False:
            return 'iteration'
    return 'epoch'
