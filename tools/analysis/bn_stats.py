"""Fig. 4: running mean and variance of the clean vs adversarial BNs.

    python tools/analysis/bn_stats.py [CONFIG] CHECKPOINT [--layers NAME ...]
        [--num-layers 4] [--channels 16] [--seed 0] [--cfg-options ...] [--out-dir DIR]

For each chosen dual BN layer (module names such as ``backbone.layer2.0.bn1``;
default ``--num-layers`` spread over the depth) and ``--channels`` randomly
sampled channels, bars of the clean and adversarial running mean (top row)
and running variance (bottom row). ``bn_stats.json`` adds, per layer and
over all its channels, mean |delta mu| and mean |delta log sigma^2|;
``bn_stats.csv`` lists the sampled channels. The figure is
400 px wide per layer and 600 px high. No data is read.
"""
import os.path as osp
import sys

import numpy as np


from clae_mm.analysis.bn_statistics import (bn_distance, dual_bn_running_stats,
                                            select_layers)
from clae_mm.analysis.command_line import (checkpoint_parser, default_out_dir,
                                           run_main)
from clae_mm.analysis.figures import (COLORS, new_figure, save_figure,
                                      write_csv, write_json)
from clae_mm.utils import CLAEError
from clae_mm.utils.checkpoint import build_model_from_checkpoint

LAYER_PX, HEIGHT_PX = 400, 600


def build_parser():
    parser = checkpoint_parser('Fig. 4: clean vs adversarial BN running statistics')
    parser.add_argument('--layers', nargs='+', help='dual BN module names (default: spread over depth)')
    parser.add_argument('--num-layers', type=int, default=4, help='layers chosen without --layers')
    parser.add_argument('--channels', type=int, default=16, help='channels sampled per layer')
    return parser


def run(args) -> None:
    if args.channels < 1 or args.num_layers < 1:
        raise CLAEError('--channels and --num-layers must be >= 1')
    model, cfg = build_model_from_checkpoint(args.config, args.checkpoint, args.cfg_options,
                                           args.data_root)
    stats = dual_bn_running_stats(model)
    layers = select_layers(list(stats), args.layers, args.num_layers)
    rng = np.random.default_rng(args.seed)

    fig, axes = new_figure(LAYER_PX * len(layers), HEIGHT_PX, 2, len(layers))
    rows, summary = [], {}
    width = 0.4
    for column, name in enumerate(layers):
        layer = stats[name]
        count = layer['clean_mean'].size
        channels = np.sort(rng.choice(count, size=min(args.channels, count), replace=False))
        summary[name] = dict(bn_distance(layer), channels=channels.tolist())
        x = np.arange(len(channels))
        for row, stat in enumerate(('mean', 'var')):
            ax = axes[row, column]
            for offset, branch in ((-width / 2, 'clean'), (width / 2, 'adversarial')):
                ax.bar(x + offset, layer[f'{branch}_{stat}'][channels], width,
                       color=COLORS[branch], label=branch)
            ax.set_xticks(x, [str(c) for c in channels], fontsize=6, rotation=90)
            ax.tick_params(axis='y', labelsize=7)
            ax.grid(axis='y', alpha=0.3)
        distance = summary[name]
        axes[0, column].set_title(f'{name}\nmean|Δμ|={distance["mean_abs_mean_diff"]:.3g}  '
                                  f'mean|Δlog σ²|={distance["mean_abs_log_var_diff"]:.3g}', fontsize=8)
        axes[1, column].set_xlabel('channel', fontsize=8)
        for channel in channels:
            rows.append(dict(layer=name, channel=int(channel),
                             **{key: float(value[channel]) for key, value in layer.items()}))
    axes[0, 0].set_ylabel('(a) running mean')
    axes[1, 0].set_ylabel('(b) running variance')
    axes[0, 0].legend(fontsize=7)
    fig.subplots_adjust(left=0.25 / len(layers), right=0.99, bottom=0.1, top=0.88, wspace=0.3,
                        hspace=0.3)
    out_dir = default_out_dir(args)
    png = osp.join(out_dir, 'bn_stats.png')
    size = save_figure(fig, png)
    write_csv(osp.join(out_dir, 'bn_stats.csv'), rows)
    write_json(osp.join(out_dir, 'bn_stats.json'), dict(
        figure='Fig. 4', config=args.config and osp.abspath(args.config), checkpoint=osp.abspath(args.checkpoint),
        seed=args.seed, layers=summary,
        all_layers={name: bn_distance(layer) for name, layer in stats.items()},
        png=png, png_size=list(size)), cfg=cfg, config=args.config)
    for name in layers:
        print(f"{name}: mean |Δμ| {summary[name]['mean_abs_mean_diff']:.4g}, "
              f"mean |Δ log σ²| {summary[name]['mean_abs_log_var_diff']:.4g}")
    print(f'figure written to {png}')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
