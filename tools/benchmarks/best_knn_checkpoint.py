"""The checkpoint of best kNN test top-1 of a training run (the authors'
``_best``, which their Plain and UEL linear probes score; selected on the
test set, so not our default).

    python tools/benchmarks/best_knn_checkpoint.py WORK_DIR [--prune]
        prints its path; --prune deletes the other epoch_N.pth but the last
    python tools/benchmarks/best_knn_checkpoint.py --training-options CONFIG [--cfg-options ...]
        prints the --cfg-options that keep a checkpoint at every kNN evaluation

run_seeds.sh uses both with PROBE_CHECKPOINT=best-knn; linear_eval.py
--best-knn probes the checkpoint and records the selection.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction

from clae_mm.evaluation.checkpoint_selection import (best_knn_checkpoint,
                                                     prune_to_best_and_last, training_options)
from clae_mm.utils.cfg_options import load_config, merge_cfg_options
from clae_mm.utils.errors import exit_code


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description='the checkpoint of best kNN top-1 of a run')
    parser.add_argument('path', help='the work dir of a training run (with --training-options: '
                        'the config)')
    parser.add_argument('--training-options', action='store_true',
                        help='print the --cfg-options that keep a checkpoint at every kNN '
                        'evaluation of the config PATH')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in the config, key=value')
    parser.add_argument('--prune', action='store_true',
                        help='delete every epoch_N.pth but the best-kNN and the last one')
    args = parser.parse_args(argv)
    return exit_code(lambda: run(args))


def run(args) -> None:
    if args.training_options:
        cfg = merge_cfg_options(load_config(args.path), args.cfg_options)
        print(' '.join(training_options(cfg)))
        return
    best = best_knn_checkpoint(args.path)
    removed = prune_to_best_and_last(osp.dirname(best['path']), best['path']) \
        if args.prune else []
    print(f"epoch {best['epoch']}: best kNN top-1 {best['top1']:.2f} (selected on the test set)"
          + (f'; removed {len(removed)} other checkpoints' if args.prune else ''), file=sys.stderr)
    print(best['path'])


if __name__ == '__main__':
    sys.exit(main())
