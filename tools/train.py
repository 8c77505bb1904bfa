"""Train a clae_mm config with MMEngine's Runner (one process or several)."""
import argparse
import os.path as osp
import sys

import torch
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from clae_mm.utils import (apply_data_root, check_work_dir_writable, keep_freed_memory_in_heap,
                           register_all_modules, setup_cpu_distributed)
from clae_mm.utils.cfg_options import load_config, merge_cfg_options
from clae_mm.utils.config_check import (ConfigError, check_config_keys, check_train_config,
                                       check_train_data, registry_errors_as_clae_errors)
from clae_mm.utils.distributed import (add_launcher_arguments, exit_when_launcher_dies,
                                      export_local_rank)
from clae_mm.utils.errors import exit_code


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a clae_mm model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and checkpoints')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from PATH, or without PATH from the latest '
                        'checkpoint in the work dir')
    parser.add_argument('--reset-lr', action='store_true',
                        help='with --resume: train at the learning rate of the config (and '
                        '--cfg-options), not the one saved in the checkpoint; the schedule '
                        'goes on from the resumed step, re-based on the new rate')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: bfloat16 autocast on the CPU and on GPUs that '
                        'support it (no loss scale), float16 with a dynamic loss scale on '
                        'older GPUs')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the total batch (processes x '
                        'train_dataloader.batch_size) over the config\'s '
                        'auto_scale_lr.base_batch_size, the batch its rate was set for')
    parser.add_argument('--data-root', help='point every dataset of the config '
                        '(training, kNN bank and query, probe) at this directory')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in the config, key=value')
    add_launcher_arguments(parser)
    args = parser.parse_args(argv)
    export_local_rank(args)
    return args


MMENGINE_DEFAULT_HOOKS = ('runtime_info', 'timer', 'sampler_seed', 'logger', 'param_scheduler',
                          'checkpoint')


def merge_args(cfg: Config, args) -> Config:
    cfg.launcher = args.launcher
    merge_cfg_options(cfg, args.cfg_options)
    if args.data_root:
        apply_data_root(cfg, args.data_root)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        from clae_mm.engine.optimizers import mixed_precision_optim_wrapper
        cfg.optim_wrapper = mixed_precision_optim_wrapper(
            cfg.optim_wrapper, 'cuda' if torch.cuda.is_available() else 'cpu')
    if args.auto_scale_lr:
        if not (cfg.get('auto_scale_lr') or {}).get('base_batch_size'):
            raise ConfigError(f'--auto-scale-lr: {args.config} sets no auto_scale_lr; add '
                              'auto_scale_lr = dict(base_batch_size=<the batch its learning '
                              'rate is for>) to it')
        cfg.auto_scale_lr.enable = True
    if args.resume == 'auto':
        # The checkpoint last_checkpoint names, or the one written last when a
        # kill left that file empty; None: mmengine starts a new run.
        from clae_mm.engine.hooks.atomic_checkpoint_hook import latest_checkpoint
        cfg.resume = True
        cfg.load_from = latest_checkpoint(cfg.work_dir)
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.reset_lr:
        if args.resume is None:
            raise ConfigError('--reset-lr only applies with --resume (a new run already starts '
                              'at the config\'s learning rate); drop it or add --resume')
        cfg.custom_hooks = list(cfg.get('custom_hooks') or []) + [
            dict(type='ResetLearningRateHook')]
    # mmengine only accepts None (= disabled) for its own default hooks;
    # `--cfg-options default_hooks.knn=None` disables ours too.
    for name in [n for n, hook in (cfg.get('default_hooks') or {}).items() if hook is None]:
        if name not in MMENGINE_DEFAULT_HOOKS:
            cfg.default_hooks.pop(name)
    # persistent_workers=True crashes with num_workers=0.
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if loader is not None and loader.get('num_workers', 0) == 0:
            loader['persistent_workers'] = False
    return cfg


def train(args) -> None:
    cfg = load_config(args.config)
    config_file_keys = set(cfg.keys())
    cfg = merge_args(cfg, args)
    check_config_keys(cfg, config_file_keys)
    check_work_dir_writable(cfg.work_dir)
    check_train_config(cfg)
    # Before the runner's long environment and config dump: data errors
    # (missing files, bad labels, no batch, a last batch of 1) come first.
    check_train_data(cfg)
    setup_cpu_distributed(cfg, args.launcher)
    if cfg.get('env_cfg', {}).get('cpu_malloc_tuning', True) and not torch.cuda.is_available():
        keep_freed_memory_in_heap()  # no page-fault churn per step (docs/benchmarks.md)
    with registry_errors_as_clae_errors():
        runner = Runner.from_cfg(cfg)
        runner.train()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.launcher != 'none':
        exit_when_launcher_dies()  # a SIGKILLed torchrun must not leave us training
    register_all_modules()
    return exit_code(lambda: train(args))


if __name__ == '__main__':
    sys.exit(main())
