"""FLOPs and parameters of a config's encoder, as mmpretrain's tools/analysis_tools/get_flops.py.

    python tools/analysis_tools/get_flops.py CONFIG [--shape H [W]] [--stage embedding|backbone]
        [--cfg-options ...]

Counts one forward of one image through the encoder with its clean BNs
(``extract_feat``: the backbone and, for ``--stage embedding``, the
projection), with mmengine's counter (``mmengine.analysis``, one
multiply-add counts as one FLOP, as mmpretrain's model zoo reports). The
parameters are the whole model's: with dual BN they include the adversarial
BNs, which this forward does not use. A CLAE training step costs several
forwards and backwards; ``tools/benchmarks/speed.py`` counts a whole step.
"""
import argparse
import inspect
import sys

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import DictAction
from torch import nn

from clae_mm.utils import CLAEError, register_all_modules
from clae_mm.utils.cfg_options import load_config, merge_cfg_options
from clae_mm.utils.errors import exit_code
from clae_mm.utils.training_settings import training_image_size


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='FLOPs and parameters of a config\'s encoder')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--shape', type=int, nargs='+',
                        help='input image size: H W, or S for S x S (default: the side of the '
                        'config\'s training views)')
    parser.add_argument('--stage', choices=['embedding', 'backbone'], default='embedding',
                        help='count up to the projection\'s output (default) or the pooled '
                        'backbone feature')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in the config, key=value (as tools/train.py)')
    parser.add_argument('--no-table', action='store_true', help='no per-module table')
    return parser.parse_args(argv)


class Encoder(nn.Module):
    """``model.extract_feat`` as a module's forward, for the counter."""

    def __init__(self, model: nn.Module, stage: str):
        super().__init__()
        self.model = model
        takes_stage = 'stage' in inspect.signature(model.extract_feat).parameters
        self.kwargs = dict(stage=stage) if takes_stage else {}

    def forward(self, inputs: torch.Tensor):
        return self.model.extract_feat(inputs, **self.kwargs)


def input_shape(cfg, shape) -> tuple:
    if shape is None:
        side = training_image_size(cfg)
        if not side:
            raise CLAEError('the config states no training image size: pass --shape H W')
        return (3, side, side)
    if len(shape) == 1:
        return (3, shape[0], shape[0])
    if len(shape) == 2:
        return (3, *shape)
    raise CLAEError(f'--shape takes H W or S, got {len(shape)} numbers')


def complexity(args) -> dict:
    """mmengine's analysis of the encoder; ``input_shape`` added."""
    from clae_mm.registry import MODELS
    cfg = merge_cfg_options(load_config(args.config), args.cfg_options)
    shape = input_shape(cfg, args.shape)
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    model.eval()
    analysis = get_model_complexity_info(Encoder(model, args.stage), input_shape=shape,
                                         show_table=not args.no_table, show_arch=False)
    analysis['input_shape'] = shape
    return analysis


def report(args) -> None:
    analysis = complexity(args)
    split_line = '=' * 30
    if not args.no_table:
        print(analysis['out_table'])
    print(f"{split_line}\nInput shape: {analysis['input_shape']}\n"
          f"Stage: {args.stage}\n"
          f"Flops: {analysis['flops_str']}\n"
          f"Params: {analysis['params_str']}\n"
          f"Activation: {analysis['activations_str']}\n{split_line}")


def main(argv=None) -> int:
    args = parse_args(argv)
    register_all_modules()
    with torch.no_grad():
        return exit_code(lambda: report(args))


if __name__ == '__main__':
    sys.exit(main())
