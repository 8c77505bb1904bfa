"""Linear-probe (logistic regression) accuracy of a trained checkpoint.

    python tools/benchmarks/linear_eval.py [CONFIG] CHECKPOINT [--epochs 1000]
        [--batch-size N] [--lr 3e-4] [--feature backbone|embedding|pixels]
        [--val-fraction F] [--work-dir DIR] [--out FILE] [--data-root DIR] [--cfg-options ...]
    python tools/benchmarks/linear_eval.py [CONFIG] WORK_DIR --best-knn ...

The config's test evaluation (``FrozenFeatureTestLoop``, the loop behind
``runner.test()`` and tools/test.py) with one ``LinearProbeAccuracy`` metric:
the config's, with the arguments given here. The frozen encoder (clean BNs,
eval mode, no augmentation) embeds the train and test sets once; the probe is
trained on those cached features (Adam, the paper's 1000 epochs take
minutes). Reported: the probe's last epoch and, labelled as selected on the
test set, its best epoch (what the authors report); with --val-fraction also
the epoch chosen on a validation split of the train set. Writes a JSON
result (``--out``, default in the work dir).

With --best-knn the probed checkpoint is the run's checkpoint of best kNN
test top-1 (the authors' ``_best``, on which they probe Plain and UEL): it is
selected on the test set, and the JSON says so (``checkpoint_selection``).
"""
import argparse
import os.path as osp
import sys
import time

from mmengine.dist import get_dist_info

from clae_mm.evaluation.checkpoint_selection import best_knn_checkpoint
from clae_mm.evaluation.evaluation_settings import evaluation_settings, protocol_metric
from clae_mm.evaluation.metrics import LinearProbeAccuracy
from clae_mm.evaluation.result_file import describe_run
from clae_mm.evaluation.tool_support import (add_common_arguments, add_extraction_arguments,
                                             build_runner, evaluation_config, parse_tool_args,
                                             run_and_report, score_checkpoints, split_name,
                                             test_metric)
from clae_mm.utils import register_all_modules
from clae_mm.utils.model_wrapper import unwrap_model


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Linear-probe evaluation of a clae_mm checkpoint')
    add_common_arguments(parser, 'an epoch_N.pth file (with --best-knn: the work dir)')
    parser.add_argument('--best-knn', action='store_true',
                        help="probe the run's checkpoint of best kNN test top-1 (the authors' "
                        '_best; selected on the test set), which the training must have kept')
    parser.add_argument('--epochs', type=int,
                        help="probe epochs (default: the config's LinearProbeAccuracy, 1000)")
    parser.add_argument('--batch-size', type=int, help='probe batch (SimCLR 256, Plain/UEL 128)')
    parser.add_argument('--lr', type=float, help='Adam learning rate (3e-4)')
    parser.add_argument('--weight-decay', type=float, help='Adam weight decay (0)')
    parser.add_argument('--feature', choices=['backbone', 'embedding', 'pixels'],
                        help="probed feature (SimCLR: 'backbone', Plain/UEL: 'embedding')")
    parser.add_argument('--val-fraction', type=float, default=0.0,
                        help='hold this part of the train set out for choosing the probe epoch')
    parser.add_argument('--eval-interval', type=int, default=1,
                        help='score the test set every this many probe epochs')
    parser.add_argument('--seed', type=int, default=0, help='seed of the probe and the split')
    parser.add_argument('--no-history', action='store_true',
                        help='leave the per-epoch scores out of the JSON')
    add_extraction_arguments(parser)
    return parse_tool_args(parser, argv)


def flat(entry, selected_on=None):
    if entry is None:
        return None
    out = dict(epoch=entry['epoch'], **entry['test'])
    if entry.get('val') is not None:
        out['val_top1'] = entry['val']['top1']
    if selected_on:
        out['selected_on'] = selected_on
    return out


def run(args):
    started = time.time()
    selection = None
    if args.best_knn:
        selection = best_knn_checkpoint(args.checkpoint)
        args.checkpoint = selection['path']
    cfg = evaluation_config(args, tool='linear_eval')
    # The config's probe with the arguments given (the one metric of this run).
    cfg.test_evaluator = [protocol_metric(
        cfg, 'linear', stage=args.feature, epochs=args.epochs, batch_size=args.batch_size,
        lr=args.lr, weight_decay=args.weight_decay, seed=args.seed,
        val_fraction=args.val_fraction, eval_interval=args.eval_interval,
        progress=not args.no_progress)]
    settings = evaluation_settings(cfg, 'linear')
    runner = build_runner(cfg)
    ((_, loaded, _),) = score_checkpoints(runner, [args.checkpoint])
    if get_dist_info()[0] != 0:
        return None, cfg.work_dir
    result = test_metric(runner, LinearProbeAccuracy).details
    probe = dict(optimizer='Adam', epochs=settings['epochs'], batch_size=settings['batch_size'],
                 lr=settings['lr'], weight_decay=settings['weight_decay'], seed=args.seed,
                 eval_interval=args.eval_interval, val_fraction=args.val_fraction)
    result = dict(
        result_type='linear_eval', config=args.config and osp.abspath(args.config),
        checkpoint=osp.abspath(args.checkpoint), **describe_run(cfg, loaded, args.config_name),
        checkpoint_selection='best-knn' if selection else None,
        knn_top1_of_checkpoint=selection['top1'] if selection else None,
        feature=settings['stage'], probe=probe,
        **{key: result[key] for key in ('num_train', 'num_test', 'num_val', 'num_classes',
                                        'feature_dim')},
        last_epoch=flat(result['last_epoch']),
        best_over_epochs=flat(result['best_over_epochs'], 'test set (as the authors report)'),
        val_selected=flat(result['val_selected'], 'validation split of the train set'),
        history=None if args.no_history else [flat(entry) for entry in result['history']],
        world_size=get_dist_info()[1],
        device=str(next(unwrap_model(runner.model).parameters()).device),
        wall_time_s=round(time.time() - started, 3))
    return result, cfg.work_dir


def summary(result: dict) -> str:
    last, best, val = result['last_epoch'], result['best_over_epochs'], result['val_selected']
    return (f"linear probe ({result['feature']}, {result['probe']['epochs']} epochs): last epoch "
            f"top1 {last['top1']:.2f} top5 {last['top5']:.2f}; best over probe epochs (selected "
            f"on the test set): top1 {best['top1']:.2f} at epoch {best['epoch']}"
            + (f"; selected on the validation split: top1 {val['top1']:.2f} at epoch "
               f"{val['epoch']}" if val else ''))


def protocol(result: dict) -> str:
    """The result file's name part: feature, probe epochs and the split."""
    probe = result['probe']
    return (f"{result['feature']}_{probe['epochs']}ep_"
            + split_name(probe['val_fraction'], probe['seed']))


def main(argv=None) -> int:
    args = parse_args(argv)
    register_all_modules()
    return run_and_report(run, args, 'linear_eval', summary, protocol)


if __name__ == '__main__':
    sys.exit(main())
