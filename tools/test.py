"""Score a checkpoint with the config's test evaluation, as mmpretrain's tools/test.py.

    python tools/test.py [CONFIG] CHECKPOINT [--work-dir DIR] [--out FILE]
        [--data-root DIR] [--cfg-options ...] [--launcher pytorch]

The model is rebuilt from the config the checkpoint records (the training's
``--cfg-options`` included); a CONFIG given takes the data and the evaluation
from that file, and ``--cfg-options`` go on top (one line says what came from
where). Logs go to ``work_dirs/<config name>/test`` unless ``--work-dir``.

``runner.test()`` of mmengine: ``test_cfg`` (``FrozenFeatureTestLoop``: the
train set is the bank, the test set is scored) and ``test_evaluator`` (the
configs': the paper's kNN, ``knn/*``, and linear probe, ``linear/*``). The
metrics are logged (work dir, visualiser backends) and, with ``--out``,
written as JSON. tools/benchmarks/knn_eval.py and linear_eval.py run the
same loop with one protocol, its options and a result file for the
benchmark summaries.
"""
import argparse
import json
import os.path as osp
import sys

from mmengine.dist import get_dist_info

from clae_mm.evaluation.tool_support import (add_common_arguments, build_runner,
                                             evaluation_config, parse_tool_args,
                                             tool_provenance)
from clae_mm.utils import register_all_modules
from clae_mm.utils.atomic_io import atomic_write_text
from clae_mm.utils.config_check import registry_errors_as_clae_errors
from clae_mm.utils.errors import exit_code


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test (evaluate) a clae_mm checkpoint')
    add_common_arguments(parser, 'the checkpoint file (path or URL)',
                         out_help='also write the metrics to this JSON file')
    return parse_tool_args(parser, argv)


def score(args) -> None:
    cfg = evaluation_config(args, tool='test')
    cfg.load_from = args.checkpoint
    runner = build_runner(cfg)
    with registry_errors_as_clae_errors():
        metrics = runner.test()
    if args.out and get_dist_info()[0] == 0:
        result = dict(config=args.config and osp.abspath(args.config),
                      config_name=args.config_name, checkpoint=args.checkpoint,
                      metrics={key: float(value) for key, value in metrics.items()},
                      provenance=tool_provenance(args))
        atomic_write_text(args.out, json.dumps(result, indent=2) + '\n')
        print(f'metrics written to {args.out}')


def main(argv=None) -> int:
    args = parse_args(argv)
    register_all_modules()
    return exit_code(lambda: score(args))


if __name__ == '__main__':
    sys.exit(main())
