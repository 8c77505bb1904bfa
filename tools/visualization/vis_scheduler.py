"""The learning rate and the attack's eps at every iteration of a config's
training, as mmpretrain's vis_scheduler draws the learning rate.

    python tools/visualization/vis_scheduler.py CONFIG [--cfg-options ...]
        [--dataset-size N] [--data-root DIR] [--gpus G] [--out-dir DIR] [--log-lr]

Nothing is trained: the optimizer (on a stand-in model) and the config's
``param_scheduler`` are built and stepped as the Runner would
(clae_mm/analysis/schedules.py), and eps comes from the
ContrastiveAdversarialHook (its ``eps_warmup_iters`` ramp). An epoch has
ceil(N / G) / batch iterations (N the training set's size: --dataset-size, or
the built training set; rounded down with the loader's drop_last). The
``--cfg-options`` apply first, so the figure shows what e.g.
``train_cfg.max_epochs=4`` changes: schedules written in epochs or without an
``end`` follow it, milestones fixed in the config (in iterations, or past the
new last epoch) do not; these are listed on the figure and printed.
Writes ``schedule.png`` (1000 x 620) and ``schedule.json`` (the lengths, the
unreached events and the rate and eps at the start of every epoch).
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction
from mmengine.logging import MMLogger

from clae_mm.analysis.command_line import run_main
from clae_mm.analysis.figures import new_figure, save_figure, write_json
from clae_mm.analysis.schedules import iterations_per_epoch, simulate_schedule
from clae_mm.registry import DATASETS
from clae_mm.utils import CLAEError
from clae_mm.utils.cfg_options import load_config, merge_cfg_options
from clae_mm.utils.data_root import apply_data_root

WIDTH_PX, HEIGHT_PX = 1000, 620
EPOCH_LINES_UP_TO = 30  # dotted epoch boundaries for short runs


def build_parser():
    parser = argparse.ArgumentParser(
        description="The learning rate and eps per iteration of a config's training")
    parser.add_argument('config', help='a training config')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in the config, key=value (as in training)')
    parser.add_argument('--dataset-size', type=int,
                        help='images in the training set (default: build it and count; needs '
                        'the data)')
    parser.add_argument('--data-root', help='point every dataset of the config at this directory')
    parser.add_argument('--gpus', type=int, default=1,
                        help='training processes (each takes a batch of the config)')
    parser.add_argument('--log-lr', action='store_true', help='the learning rate on a log scale')
    parser.add_argument('--out-dir', default='analysis', help='default: ./analysis')
    parser.add_argument('--no-progress', action='store_true', help='no progress bar')
    return parser


def dataset_size(cfg, given) -> int:
    if given is not None:
        if given < 1:
            raise CLAEError(f'--dataset-size must be >= 1, got {given}')
        return given
    # A missing dataset raises DatasetNotFoundError (a CLAEError) that says where it looked.
    return len(DATASETS.build(dict(cfg.train_dataloader.dataset)))


def draw(schedule: dict, title: str, log_lr: bool, notes: list):
    fig, axes = new_figure(WIDTH_PX, HEIGHT_PX, 2, 1, sharex=True)
    lr_ax, eps_ax = axes[:, 0]
    iterations = range(len(schedule['lr']))
    lr_ax.plot(iterations, schedule['lr'], color='tab:blue', lw=1.2)
    eps_ax.plot(iterations, schedule['eps'], color='tab:red', lw=1.2)
    if log_lr:
        lr_ax.set_yscale('log')
    per_epoch = schedule['iters_per_epoch']
    epochs = len(schedule['lr']) / per_epoch
    if epochs <= EPOCH_LINES_UP_TO:
        for ax in (lr_ax, eps_ax):
            for epoch in range(1, int(epochs) + (epochs % 1 > 0)):
                ax.axvline(epoch * per_epoch, color='gray', lw=0.6, ls=':')
    top = lr_ax.secondary_xaxis('top', functions=(lambda it: it / per_epoch,
                                                   lambda epoch: epoch * per_epoch))
    top.set_xlabel('epoch', fontsize=9)
    lr_ax.set_ylabel('learning rate')
    eps_ax.set_ylabel('eps (attack strength)')
    eps_ax.set_xlabel('iteration')
    eps_ax.set_ylim(bottom=0, top=max(max(schedule['eps'], default=0) * 1.15, 1e-3))
    for ax in (lr_ax, eps_ax):
        ax.grid(alpha=0.3)
        ax.set_xlim(0, max(len(schedule['lr']) - 1, 1))
    fig.suptitle(title, fontsize=10)
    shown = notes if len(notes) <= 4 else notes[:3] + [f'... and {len(notes) - 3} more '
                                                       '(schedule.json)']
    fig.text(0.01, 0.01, '\n'.join(shown), fontsize=8, va='bottom', color='tab:red')
    fig.subplots_adjust(left=0.1, right=0.97, top=0.86, bottom=0.12 + 0.025 * len(shown),
                        hspace=0.12)
    return fig


def run(args) -> None:
    if args.gpus < 1:
        raise CLAEError(f'--gpus must be >= 1, got {args.gpus}')
    cfg = merge_cfg_options(load_config(args.config), args.cfg_options)
    if args.data_root:
        apply_data_root(cfg, args.data_root)
    loader = cfg.train_dataloader
    size = dataset_size(cfg, args.dataset_size)
    per_epoch = iterations_per_epoch(size, loader.batch_size, args.gpus,
                                     bool(loader.get('drop_last', False)))
    # mmengine logs every paramwise option of the stand-in's optimizer at INFO.
    MMLogger.get_instance('vis_scheduler', log_level='WARNING')
    schedule = simulate_schedule(cfg, per_epoch, progress=not args.no_progress)
    lrs, eps = schedule['lr'], schedule['eps']
    length = (f"{schedule['max_epochs']} epochs x {per_epoch} iterations"
              if schedule['max_epochs'] is not None else f"{schedule['max_iters']} iterations")
    options = ' '.join(f'{key}={value}' for key, value in (args.cfg_options or {}).items())
    title = (f'{osp.splitext(osp.basename(args.config))[0]}{" " + options if options else ""}\n'
             f'{length} ({size} images, batch {loader.batch_size} x {args.gpus}); '
             f'lr {lrs[0]:.3g} -> {lrs[-1]:.3g}, eps {eps[0]:g} -> {eps[-1]:g}')
    notes = [f'never reached: {event}' for event in schedule['unreached']]
    if schedule['lr_groups'] > 1:
        notes.append('the param groups have different rates (paramwise_cfg): the first is shown')
    out = osp.join(args.out_dir, 'schedule.png')
    width, height = save_figure(draw(schedule, title, args.log_lr, notes), out)
    starts = range(0, len(lrs), per_epoch)
    write_json(osp.join(args.out_dir, 'schedule.json'), dict(
        config=osp.abspath(args.config), cfg_options=options, dataset_size=size,
        batch_size=loader.batch_size, gpus=args.gpus, iters_per_epoch=per_epoch,
        max_epochs=schedule['max_epochs'], max_iters=schedule['max_iters'],
        unreached=schedule['unreached'], notes=notes, epoch_start_lr=[lrs[i] for i in starts],
        epoch_start_eps=[eps[i] for i in starts], png=out, png_size=[width, height]),
        cfg=cfg, config=args.config)
    print(title.replace('\n', ': '))
    for note in notes:
        print(f'note: {note}')
    print(f'figure written to {out}')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
