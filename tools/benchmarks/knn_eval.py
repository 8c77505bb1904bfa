"""kNN accuracy (k=200, Wu et al.'s weighted vote) of a trained checkpoint.

    python tools/benchmarks/knn_eval.py [CONFIG] CHECKPOINT [--k 200] [--sigma S]
        [--feature backbone|embedding|pixels] [--val-fraction F] [--work-dir DIR]
        [--out FILE] [--data-root DIR] [--cfg-options ...] [--launcher pytorch]

The config's test evaluation (``test_cfg = dict(type='FrozenFeatureTestLoop',
bank=...)``, the loop behind ``runner.test()`` and tools/test.py) with one
``KNNAccuracy`` metric: the config's, with the arguments given here. The bank
is the full train set (``test_cfg.bank``; ``--cfg-options
test_cfg.bank.dataset.indices=N`` takes the first N), the full test set is
scored; with ``--launcher pytorch`` (torchrun) each process embeds a shard and
the result equals the one-process result.

CHECKPOINT is an ``epoch_N.pth`` file, or a work dir: then every
``epoch_N.pth`` in it is scored and the best epoch is reported too, labelled
as selected on the test set. Writes a JSON result (``--out``, default in the
work dir) that tools/analysis/summarize_results.py reads.
"""
import argparse
import os.path as osp
import sys
import time

from mmengine.dist import get_dist_info

from clae_mm.evaluation.epoch_selection import KNN_TIES, best_entry
from clae_mm.evaluation.evaluation_settings import evaluation_settings, protocol_metric
from clae_mm.evaluation.metrics import KNNAccuracy
from clae_mm.evaluation.result_file import describe_run
from clae_mm.evaluation.tool_support import (add_common_arguments, add_extraction_arguments,
                                             build_runner, evaluation_config, list_checkpoints,
                                             parse_tool_args, run_and_report, score_checkpoints,
                                             split_name, test_metric)
from clae_mm.utils import register_all_modules
from clae_mm.utils.model_wrapper import unwrap_model


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='kNN evaluation of a clae_mm checkpoint')
    add_common_arguments(parser, 'an epoch_N.pth file, or a work dir (every epoch)')
    parser.add_argument('--k', type=int,
                        help="neighbours (default: the config's KNNAccuracy, 200)")
    parser.add_argument('--sigma', type=float, help='temperature of the vote weights exp(s/sigma)')
    parser.add_argument('--feature', choices=['backbone', 'embedding', 'pixels'],
                        help="'embedding' (the normalised neck output: Plain/UEL embedding, "
                        "SimCLR projection), 'backbone' (pooled ResNet feature) or 'pixels' "
                        '(the normalised input image: the raw-pixel floor)')
    parser.add_argument('--val-fraction', type=float, default=0.0,
                        help='hold this part of the train set out of the bank as a validation '
                        'set and also report the test score of the epoch chosen on it')
    parser.add_argument('--seed', type=int, default=0, help='seed of the validation split')
    parser.add_argument('--chunk-size', type=int, default=1024, help='queries per similarity block')
    add_extraction_arguments(parser)
    return parse_tool_args(parser, argv)


def online_history(checkpoint: dict, settings: dict, args, sizes: dict) -> list:
    """The kNN validation scores of the training (KNNEvalHook's history) saved
    in the checkpoint, when they were made with the same feature, k, sigma,
    split and data sizes as this run."""
    runtime_info = (checkpoint.get('message_hub') or {}).get('runtime_info') or {}
    history = runtime_info.get('knn/history') or []
    same = [e for e in history if e.get('by_epoch', True)
            and all(e.get(key) == value for key, value in settings.items())
            and e.get('val_fraction', 0.0) == args.val_fraction
            and (not args.val_fraction or e.get('split_seed') == args.seed)
            and e.get('num_bank') == sizes['num_bank'] and e.get('num_query') == sizes['num_query']]
    return [dict(epoch=e['step'], top1=e['knn/top1'], top5=e['knn/top5'],
                 val_top1=e.get('knn/val_top1'), source='KNNEvalHook history in the checkpoint')
            for e in same]


def run(args):
    started = time.time()
    checkpoints = list_checkpoints(args.checkpoint)
    cfg = evaluation_config(args, tool='knn_eval')
    # The config's kNN metric with the arguments given (the one metric of this run).
    metric = protocol_metric(cfg, 'knn', stage=args.feature, k=args.k, sigma=args.sigma,
                             chunk_size=args.chunk_size, val_fraction=args.val_fraction,
                             seed=args.seed)
    cfg.test_evaluator = [metric]
    settings = evaluation_settings(cfg, 'knn')
    runner = build_runner(cfg)
    evaluated, loaded = [], None
    for path, loaded, _ in score_checkpoints(runner, checkpoints):
        result = test_metric(runner, KNNAccuracy).details
        if result is None:  # a rank > 0 holds no result
            continue
        evaluated.append(dict(epoch=describe_run(cfg, loaded, args.config_name)['epoch'],
                              checkpoint=osp.abspath(path), **result['test'],
                              val_top1=(result['val'] or {}).get('top1'), source='this tool'))
    if get_dist_info()[0] != 0:
        return None, cfg.work_dir
    sizes = {key: result[key] for key in ('num_bank', 'num_query', 'num_val', 'num_classes',
                                          'feature_dim')}
    known = {e['epoch']: e for e in online_history(loaded, settings, args, sizes)}
    known.update({e['epoch']: e for e in evaluated})
    epochs = [known[epoch] for epoch in sorted(known, key=lambda x: -1 if x is None else x)]
    last = evaluated[-1]
    best = None
    if len(epochs) > 1:
        best = dict(best_entry(epochs, lambda e: e['top1'], KNN_TIES),
                    selected_on='test set (as the authors report)')
    with_val = [e for e in epochs if e.get('val_top1') is not None]
    val_selected = dict(best_entry(with_val, lambda e: e['val_top1'], KNN_TIES),
                        selected_on='validation split of the train set') if with_val else None
    result = dict(result_type='knn_eval', config=args.config and osp.abspath(args.config),
                  checkpoint=osp.abspath(args.checkpoint),
                  **describe_run(cfg, loaded, args.config_name),
                  feature=settings['stage'], k=settings['k'], sigma=settings['sigma'],
                  chunk_size=args.chunk_size,
                  val_fraction=args.val_fraction, split_seed=args.seed, **sizes,
                  last_epoch=last, best_over_epochs=best, val_selected=val_selected,
                  epochs=epochs, world_size=get_dist_info()[1],
                  device=str(next(unwrap_model(runner.model).parameters()).device),
                  wall_time_s=round(time.time() - started, 3))
    return result, cfg.work_dir


def summary(result: dict) -> str:
    last, best = result['last_epoch'], result['best_over_epochs']
    return (f"kNN ({result['feature']}, k={result['k']}, sigma={result['sigma']}) "
            f"epoch {last['epoch']}: top1 {last['top1']:.2f} top5 {last['top5']:.2f}"
            + (f"; best over epochs (selected on the test set): top1 {best['top1']:.2f} at epoch "
               f"{best['epoch']}" if best else ''))


def protocol(result: dict) -> str:
    """The result file's name part: feature, k, sigma and the split."""
    return (f"{result['feature']}_k{result['k']}_sigma{result['sigma']:g}_"
            + split_name(result['val_fraction'], result['split_seed']))


def main(argv=None) -> int:
    args = parse_args(argv)
    register_all_modules()
    return run_and_report(run, args, 'knn_eval', summary, protocol)


if __name__ == '__main__':
    sys.exit(main())
