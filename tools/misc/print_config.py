"""Print a config as the tools see it, its bases merged, as mmpretrain's tools/misc/print_config.py.

    python tools/misc/print_config.py CONFIG [--cfg-options ...] [--data-root DIR]
"""
import argparse
import sys

from mmengine.config import DictAction

from clae_mm.utils import apply_data_root
from clae_mm.utils.cfg_options import load_config, merge_cfg_options
from clae_mm.utils.errors import exit_code


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Print the whole config (bases merged)')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in the config, key=value (as tools/train.py)')
    parser.add_argument('--data-root', help='point every dataset of the config at this '
                        'directory (as tools/train.py)')
    return parser.parse_args(argv)


def print_config(args) -> None:
    cfg = merge_cfg_options(load_config(args.config), args.cfg_options)
    if args.data_root:
        apply_data_root(cfg, args.data_root)
    print(f'Config:\n{cfg.pretty_text}')


def main(argv=None) -> int:
    args = parse_args(argv)
    return exit_code(lambda: print_config(args))


if __name__ == '__main__':
    sys.exit(main())
