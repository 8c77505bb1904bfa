"""Fig. 2: clean views, their adversarial augmentations (eq. 15) and the
amplified difference, for a chosen eps and attack.

    python tools/analysis/vis_adversarial.py [CONFIG] CHECKPOINT [--eps 0.03]
        [--attack fgsm] [--num-images 8] [--batch-size B] [--amplify auto|FACTOR]
        [--bn-mode train|eval] [--data-root DIR] [--cfg-options ...] [--out-dir DIR]

The views are the first view x^q of a batch of the config's training
pipeline; the attack perturbs the whole batch at once (eq. 12 couples the
images through the loss's denominator), the first ``--num-images`` are shown.
Writes ``adversarial_examples.png`` (3 rows: clean, adversarial, difference;
150 x 160 pixels per image column) and ``adversarial_examples.{json,csv}``.
"""
import os.path as osp
import sys

import numpy as np


from clae_mm.analysis.command_line import (checkpoint_parser, default_out_dir,
                                           run_main, seed_everything)
from clae_mm.analysis.figures import (new_figure, save_figure, show_image,
                                      write_csv, write_json)
from clae_mm.analysis.perturbation import (BN_MODES, adversarial_views,
                                           adversary_from_config, amplified, attack_loss,
                                           check_attackable)
from clae_mm.analysis.view_batches import (pixel_delta, to_pixels,
                                           training_view_batches)
from clae_mm.models.utils.attacks import ATTACKS
from clae_mm.utils import CLAEError
from clae_mm.utils.checkpoint import build_model_from_checkpoint

COLUMN_PX, ROW_PX, TOP_PX = 150, 160, 40


def build_parser():
    parser = checkpoint_parser('Fig. 2: clean views, adversarial views and their difference')
    parser.add_argument('--eps', type=float, help="attack strength (default: the config's)")
    parser.add_argument('--attack', choices=sorted(ATTACKS), help="default: the config's")
    parser.add_argument('--num-images', type=int, default=8, help='images shown')
    parser.add_argument('--batch-size', type=int,
                        help="images attacked together (default: the config's training batch)")
    parser.add_argument('--amplify', default='auto',
                        help="difference shown as 0.5 + FACTOR * delta; 'auto' scales each "
                        "image's largest |delta| to 0.5")
    parser.add_argument('--bn-mode', choices=BN_MODES, default='train',
                        help="'train': batch statistics, as in a training step (default); "
                        "'eval': the adversarial BNs' running statistics")
    return parser


def run(args) -> None:
    if args.num_images < 1:
        raise CLAEError(f'--num-images must be >= 1, got {args.num_images}')
    model, cfg = build_model_from_checkpoint(args.config, args.checkpoint, args.cfg_options,
                                             args.data_root)
    model.to(args.device)
    check_attackable(model)
    adversary = adversary_from_config(cfg, args.eps, args.attack)
    if adversary.eps == 0:
        raise CLAEError('eps is 0 (a baseline config?), so there is nothing to show: pass --eps')
    seed_everything(args.seed)
    batch_size = args.batch_size or max(cfg.train_dataloader.batch_size, args.num_images)
    (batch,) = training_view_batches(model, cfg, 1, batch_size, args.seed)
    view = batch.views[0]
    adversarial = adversarial_views(model, view, adversary, args.bn_mode)
    losses = dict(clean=attack_loss(model, view, view, args.bn_mode),
                  adversarial=attack_loss(model, view, adversarial, args.bn_mode))

    shown = min(args.num_images, view.shape[0])
    clean_px = to_pixels(view[:shown], model.data_preprocessor)
    adversarial_px = to_pixels(adversarial[:shown], model.data_preprocessor)
    # The difference before clamping, in [0, 1] pixel units.
    delta = pixel_delta(view[:shown], adversarial[:shown], model.data_preprocessor)
    difference_px, factors = amplified(delta, args.amplify)

    fig, axes = new_figure(COLUMN_PX * shown, 3 * ROW_PX + TOP_PX, 3, shown)
    for i in range(shown):
        show_image(axes[0, i], clean_px[i], f'#{i}')
        show_image(axes[1, i], adversarial_px[i])
        show_image(axes[2, i], difference_px[i], f'x{factors[i]:.3g}')
    for row, name in enumerate(('clean', 'adversarial', 'difference')):
        axes[row, 0].set_ylabel(name, fontsize=9)
    fig.suptitle(f'{adversary.attack.upper()}, eps={adversary.eps:g} ({adversary.space} space); '
                 f'attack loss {losses["clean"]:.3f} -> {losses["adversarial"]:.3f}', fontsize=9)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.01, top=1 - TOP_PX / fig.bbox.height,
                        wspace=0.05, hspace=0.25)
    out_dir = default_out_dir(args)
    png = osp.join(out_dir, 'adversarial_examples.png')
    width, height = save_figure(fig, png)

    rows = [dict(image=i, linf_delta_px=float(np.abs(delta[i]).max() * 255),
                 mean_abs_delta_px=float(np.abs(delta[i]).mean() * 255),
                 amplification=float(factors[i]))
            for i in range(shown)]
    write_csv(osp.join(out_dir, 'adversarial_examples.csv'), rows)
    write_json(osp.join(out_dir, 'adversarial_examples.json'), dict(
        figure='Fig. 2', config=args.config and osp.abspath(args.config), checkpoint=osp.abspath(args.checkpoint),
        eps=adversary.eps, attack=adversary.attack, space=adversary.space,
        attack_cfg=adversary.attack_cfg, bn_mode=args.bn_mode, batch_size=int(view.shape[0]),
        seed=args.seed, attack_loss=losses, images=rows, png=png, png_size=[width, height]), cfg=cfg, config=args.config)
    print(f'attack loss {losses["clean"]:.4f} (clean) -> {losses["adversarial"]:.4f} '
          f'(adversarial); figure written to {png}')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
