"""Summarise a kNN-monitored run: accuracy at initialisation, after each epoch,
and against k-NN on raw pixels (the JSON of knn_eval.py --feature pixels).

    python tools/analysis/demo_summary.py WORK_DIR [--pixels FILE]
"""
import argparse
import glob
import os.path as osp
import sys

from clae_mm.analysis.training_scalars import read_records
from clae_mm.utils.errors import CLAEError, exit_code
from clae_mm.utils.json_input import integer, load_json, number


def knn_history(work_dir: str) -> dict:
    """{step: top1} from every run (resumed ones too) under WORK_DIR; later runs win."""
    history = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        for record in read_records(path):
            if 'knn/top1' in record:
                where = f"{path} (step {record.get('step')})"
                history[integer(record.get('step'), where, 'step')] = \
                    number(record['knn/top1'], where, 'knn/top1')
    return history


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir')
    parser.add_argument('--pixels', help='knn_eval.py JSON of --feature pixels '
                        '(default: WORK_DIR/knn_raw_pixels.json)')
    args = parser.parse_args(argv)
    return exit_code(lambda: summarise(args))


def summarise(args) -> None:
    history = knn_history(args.work_dir)
    if not history:
        raise CLAEError(f'no kNN scores under {args.work_dir}/*/vis_data/scalars.json')
    pixels_file = args.pixels or osp.join(args.work_dir, 'knn_raw_pixels.json')
    pixels = None
    if osp.isfile(pixels_file):
        last = load_json(pixels_file)
        last = last.get('last_epoch') if isinstance(last, dict) else None
        pixels = number((last or {}).get('top1'), pixels_file, 'last_epoch.top1')
    print('| encoder | kNN top-1 (%) |\n|---|---|')
    for step in sorted(history):
        name = 'at initialisation' if step == 0 else f'after epoch {step}'
        print(f'| {name} | {history[step]:.2f} |')
    if pixels is not None:
        print(f'| raw pixels (no encoder) | {pixels:.2f} |')
    final = history[max(history)]
    if 0 in history:
        print(f'\nfinal - initialisation: {final - history[0]:+.2f} points')
    else:
        print('\nfinal - initialisation: not available, no kNN score at initialisation (step 0) '
              f'under {args.work_dir}; train with default_hooks.knn.eval_at_start=True')
    if pixels is not None:
        verdict = 'beats' if final > pixels else 'does not beat'
        print(f'the trained encoder {verdict} k-NN on raw pixels ({final - pixels:+.2f} points)')
    else:
        print(f'raw pixels: not available, no {pixels_file}; make it with '
              'tools/benchmarks/knn_eval.py --feature pixels --out FILE')


if __name__ == '__main__':
    sys.exit(main())
