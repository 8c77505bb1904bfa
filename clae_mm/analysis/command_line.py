"""Arguments and error handling shared by the tools in ``tools/analysis``."""
import argparse
import os.path as osp
import random
from typing import Callable

import numpy as np
import torch
from mmengine.config import DictAction

from clae_mm.utils import register_all_modules
from clae_mm.utils.errors import exit_code


def checkpoint_parser(description: str, checkpoint_optional: bool = False
                      ) -> argparse.ArgumentParser:
    """[CONFIG] CHECKPOINT --data-root --cfg-options --out-dir --seed --device; with
    ``checkpoint_optional`` a CONFIG (a .py file) alone is accepted too (checkpoint None)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('paths', nargs='+',
                        metavar='CONFIG | [CONFIG] CHECKPOINT' if checkpoint_optional
                        else '[CONFIG] CHECKPOINT',
                        help='CHECKPOINT: an epoch_N.pth file; the model is rebuilt from the '
                        'config it records. CONFIG (optional): take the data from this file'
                        + ('; a CONFIG alone: no checkpoint' if checkpoint_optional else ''))
    parser.set_defaults(checkpoint_optional=checkpoint_optional)
    parser.add_argument('--data-root', help='point every dataset of the config at this directory')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in the config, key=value (the same as in training, '
                        'e.g. a narrower backbone)')
    parser.add_argument('--out-dir', help='where to write the PNG and its numbers '
                        '(default: analysis/ beside the checkpoint, or ./analysis)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seeds the image sampling, augmentations and random perturbations')
    parser.add_argument('--device', default='cpu', help="'cpu', 'cuda' or 'cuda:N'")
    return parser


def default_out_dir(args) -> str:
    """``--out-dir``, else analysis/ beside the checkpoint, else ./analysis."""
    if args.out_dir:
        return args.out_dir
    if not args.checkpoint:
        return 'analysis'
    return osp.join(osp.dirname(osp.abspath(args.checkpoint)), 'analysis')


def seed_everything(seed: int) -> None:
    """Python, NumPy and torch generators (the augmentations use all three)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run_main(main: Callable[[argparse.Namespace], None], parser: argparse.ArgumentParser,
             argv=None) -> int:
    """Parse, register clae_mm's modules, run; a :class:`CLAEError` prints
    ``error: <message>`` and returns 2 instead of a traceback."""
    args = parser.parse_args(argv)
    if 'paths' in args:
        if len(args.paths) > 2:
            parser.error(f'expected [CONFIG] CHECKPOINT, got {len(args.paths)} paths')
        args.config, args.checkpoint = ([None] + args.paths)[-2:]
        if args.checkpoint_optional and args.config is None and args.checkpoint.endswith('.py'):
            args.config, args.checkpoint = args.checkpoint, None
    register_all_modules()
    return exit_code(lambda: main(args))
