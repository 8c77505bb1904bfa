"""What the evaluation tools share (tools/test.py, tools/benchmarks/knn_eval.py,
linear_eval.py): their arguments, the config of the run, the mmengine Runner
whose test loop (``FrozenFeatureTestLoop``) scores each checkpoint, and the
run-and-report ending of ``main``."""
import argparse
import glob
import os.path as osp
import re
from typing import Callable, Iterator, List, Optional, Tuple

from mmengine.config import Config, DictAction
from mmengine.dist import get_dist_info
from mmengine.runner import Runner

from clae_mm.utils.checkpoint import load_checkpoint_strict
from clae_mm.utils.config_check import registry_errors_as_clae_errors
from clae_mm.utils.data_root import apply_data_root
from clae_mm.utils.distributed import (add_launcher_arguments, exit_when_launcher_dies,
                                       export_local_rank, setup_cpu_distributed)
from clae_mm.utils.errors import CLAEError, exit_code
from clae_mm.utils.model_wrapper import unwrap_model
from clae_mm.utils.run_config import config_of_run

from .provenance import now, provenance
from .result_file import write_result


def checkpoint_epoch(path: str) -> int:
    match = re.search(r'epoch_(\d+)\.pth$', osp.basename(path))
    return int(match.group(1)) if match else -1


def list_checkpoints(path: str) -> List[str]:
    """``[path]`` for a file; for a work dir its ``epoch_N.pth`` files by epoch."""
    if osp.isfile(path):
        return [path]
    if osp.isdir(path):
        found = sorted(glob.glob(osp.join(glob.escape(path), 'epoch_*.pth')), key=checkpoint_epoch)
        if found:
            return found
        raise CLAEError(f'no epoch_N.pth checkpoint in {path}; pass a checkpoint file or '
                        'the work dir of a training run')
    raise CLAEError(f'checkpoint {path} not found; pass a .pth file or a work dir')


def default_output(work_dir: str, checkpoint: str, prefix: str, protocol: str = '') -> str:
    """``<work dir>/<prefix>_<protocol>_<checkpoint stem>.json`` (``all_epochs``
    for every epoch of a run); a name already taken by an earlier result gets
    ``_2``, ``_3``, ...: an evaluation never overwrites one."""
    stem = 'all_epochs' if osp.isdir(checkpoint) else osp.splitext(osp.basename(checkpoint))[0]
    base = osp.join(work_dir, '_'.join(part for part in (prefix, protocol, stem) if part))
    path, number = base + '.json', 1
    while osp.exists(path):
        number += 1
        path = f'{base}_{number}.json'
    return path


def split_name(val_fraction: float, seed: int) -> str:
    """The split a result was chosen on, for its file name."""
    return f'val{val_fraction:g}_seed{seed}' if val_fraction else 'test'


def add_common_arguments(parser: argparse.ArgumentParser, checkpoint_help: str,
                         out_help: str = 'JSON result file (default: in the work dir, named '
                         'after the protocol; never an earlier result)') -> None:
    """The arguments every evaluation tool takes, with one meaning each."""
    parser.add_argument('paths', nargs='+', metavar='[CONFIG] CHECKPOINT',
                        help=f'CHECKPOINT: {checkpoint_help}; the model is rebuilt from the '
                        'config the checkpoint records. CONFIG (optional): take the data and '
                        'the evaluation from this file instead')
    parser.add_argument('--work-dir', help='where the logs (and the JSON result) go (default: '
                        'work_dirs/<config name>/<tool>; never the checkpoint\'s folder)')
    parser.add_argument('--out', help=out_help)
    parser.add_argument('--overwrite', action='store_true',
                        help='let --out replace an existing file (default: refused)')
    parser.add_argument('--data-root', help='point every dataset of the config at this directory')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in the config, key=value')
    add_launcher_arguments(parser)


def add_extraction_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--extract-batch-size', type=int,
                        help='feature extraction batch of the bank and the scored set '
                        '(default: the config\'s test_dataloader / test_cfg.bank, 256)')
    parser.add_argument('--num-workers', type=int,
                        help='data loading workers of the extraction (default: the config\'s)')
    parser.add_argument('--no-progress', action='store_true',
                        help='no progress bar, and progress lines only when a pass ends')


def parse_tool_args(parser: argparse.ArgumentParser, argv=None) -> argparse.Namespace:
    """Parse; ``[CONFIG] CHECKPOINT`` become ``args.config`` (None when not
    given) and ``args.checkpoint``."""
    args = parser.parse_args(argv)
    args.argv, args.started = argv, now()  # for the result's provenance
    if len(args.paths) > 2:
        parser.error(f'expected [CONFIG] CHECKPOINT, got {len(args.paths)} paths: '
                     f"{' '.join(args.paths)}")
    args.config, args.checkpoint = ([None] + args.paths)[-2:]
    export_local_rank(args)
    return args


def evaluation_config(args, test_evaluator=None, tool: str = 'test') -> Config:
    """The config to score ``args.checkpoint`` with: the one the checkpoint
    records, or ``args.config`` with the recorded model (``config_of_run``),
    then ``--cfg-options``, ``--data-root``, the work dir (``--work-dir``,
    else ``work_dirs/<config name>/<tool>``: never the training run's) and
    the launcher; ``test_evaluator`` replaces the config's when given; the
    extraction arguments go to ``test_dataloader`` and ``test_cfg.bank``.
    Sets ``args.config_name`` and prints where each part came from.

    Raises:
        CLAEError: the config has no test evaluation (test_dataloader and a
            ``test_cfg`` with a bank), or none is given and none is recorded.
    """
    if args.out and osp.exists(args.out) and not getattr(args, 'overwrite', False):
        raise CLAEError(f'--out {args.out} exists (an earlier result); pass another path, or '
                        '--overwrite to replace it')
    first = list_checkpoints(args.checkpoint)[0] if '://' not in args.checkpoint \
        else args.checkpoint
    cfg, args.config_name, note = config_of_run(args.config, first, args.cfg_options,
                                                checkpoint_name=first)
    if get_dist_info()[0] == 0:
        print(note, flush=True)
    if args.data_root:
        apply_data_root(cfg, args.data_root)
    source = args.config or 'the checkpoint\'s recorded config'
    if not cfg.get('test_dataloader') or not (cfg.get('test_cfg') or {}).get('bank'):
        raise CLAEError(f'{source} defines no test_dataloader / test_cfg with a bank; use a '
                        'config built on configs/_base_/datasets')
    cfg.work_dir = args.work_dir or osp.join('work_dirs', args.config_name or 'evaluation', tool)
    cfg.launcher = args.launcher
    cfg.load_from, cfg.resume = None, False
    if test_evaluator is not None:
        cfg.test_evaluator = test_evaluator
    loader, bank = cfg.test_dataloader, cfg.test_cfg.bank
    if getattr(args, 'extract_batch_size', None):
        loader.batch_size = bank.batch_size = args.extract_batch_size
    if getattr(args, 'num_workers', None) is not None:
        loader.num_workers = bank.num_workers = args.num_workers
    if loader.get('num_workers', 0) == 0:
        loader.persistent_workers = False  # the DataLoader refuses it without workers
    if getattr(args, 'no_progress', False):
        cfg.test_cfg.log_interval = 10 ** 9  # a line when the bank pass ends
    args.resolved_cfg = cfg  # the tool may still set its metric: hashed when the result is written
    return cfg


def build_runner(cfg: Config) -> Runner:
    """mmengine's Runner of ``cfg``, in the process group of ``cfg.launcher``
    (gloo on machines without a GPU, as tools/train.py), whose workers exit
    when their launcher dies, as training's do."""
    if cfg.launcher != 'none':
        exit_when_launcher_dies(advice='No result was written: run the evaluation again')
    setup_cpu_distributed(cfg, cfg.launcher)
    with registry_errors_as_clae_errors():
        return Runner.from_cfg(cfg)


def score_checkpoints(runner: Runner, checkpoints: List[str]
                      ) -> Iterator[Tuple[str, dict, dict]]:
    """``(path, loaded checkpoint, metrics)`` of each checkpoint, loaded
    strictly (a key mismatch stops the tool) and scored by the runner's test
    loop; the metrics' full results are in ``runner.test_loop.evaluator``."""
    runner.call_hook('before_run')
    for path in checkpoints:
        loaded = load_checkpoint_strict(unwrap_model(runner.model), path)
        with registry_errors_as_clae_errors():
            metrics = runner.test_loop.run()
        yield path, loaded, metrics
    runner.call_hook('after_run')


def test_metric(runner: Runner, metric_type: type):
    """The test loop's metric of ``metric_type`` (its ``details``: rank 0)."""
    for metric in runner.test_loop.evaluator.metrics:
        if isinstance(metric, metric_type):
            return metric
    raise CLAEError(f'the test evaluator has no {metric_type.__name__}')


def tool_provenance(args) -> dict:
    """The provenance of an evaluation tool's result (``parse_tool_args`` and
    ``evaluation_config`` recorded what it needs on ``args``)."""
    return provenance(getattr(args, 'resolved_cfg', None), args.config, args.argv, args.started)


def run_and_report(run: Callable, args, prefix: Optional[str],
                   summary: Callable[[dict], str],
                   protocol: Callable[[dict], str] = lambda result: '') -> int:
    """The end of an evaluation tool's ``main``: ``run(args)``, a CLAEError as
    one line on stderr (exit 2, ``exit_code``), and on rank 0 the JSON result
    (``--out``, or in the work dir named after ``protocol(result)``) and
    ``summary(result)`` on stdout. ``run`` returns the result and the work dir."""
    def body():
        result, work_dir = run(args)
        if get_dist_info()[0] == 0:
            out = args.out or default_output(work_dir, args.checkpoint, prefix, protocol(result))
            write_result(out, dict(result, provenance=tool_provenance(args)))
            print(f'{summary(result)}\nresult written to {out}')
    return exit_code(body)
