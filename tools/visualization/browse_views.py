"""The views a model trains on: for N images of a config's training set, the
image, its augmented views as the training makes them and, given a CLAE
checkpoint, the adversarial view and the amplified perturbation
(mmpretrain's browse_dataset, for contrastive views).

    python tools/visualization/browse_views.py CONFIG | [CONFIG] CHECKPOINT
        [--num-images 8] [--split train|test] [--data-root DIR] [--cfg-options ...] [--seed 0]
        [--eps E] [--attack fgsm] [--batch-size B] [--amplify auto|FACTOR]
        [--bn-mode train|eval] [--out-dir DIR] [--device cpu]

The views are those of a training step: the dataset's pipeline (e.g.
MultiView) and then the model's data preprocessor (normalisation, and the
views a ContrastiveAugmentDataPreprocessor draws in batch), shown
un-normalised. A CONFIG alone (a .py file): the model is only built for its
data preprocessor. With a checkpoint (its model rebuilt from the config it
records, as the analysis tools do; a CONFIG before it gives the data), view 1
(x^q) of the whole batch is attacked as in training (eq. 15; the config's
attack at its eps, or --eps / --attack) and the rows "adversarial" and
"perturbation" (0.5 + factor * delta, as Fig. 2) are added; the checkpoint
must have adversarial BNs (a CLAE run).
Writes ``views.png`` (130 x 140 pixels per image and row, 90 + 64 for the labels
and the title, at least 480 wide) and ``views.json``.
"""
import os.path as osp
import sys

import numpy as np
from tqdm import tqdm

from clae_mm.analysis.command_line import (checkpoint_parser, default_out_dir, run_main,
                                           seed_everything)
from clae_mm.analysis.figures import new_figure, save_figure, show_image, write_json
from clae_mm.analysis.perturbation import (BN_MODES, adversarial_views, adversary_from_config,
                                           amplified, check_attackable)
from clae_mm.analysis.view_batches import (original_image, pixel_delta, to_pixels,
                                           training_dataset, training_view_batches)
from clae_mm.models.utils.attacks import ATTACKS
from clae_mm.utils import CLAEError
from clae_mm.utils.checkpoint import build_model_from_checkpoint, build_model_from_config

COLUMN_PX, ROW_PX, TOP_PX, LEFT_PX = 130, 140, 64, 90
MIN_WIDTH_PX = 480  # room for the title


def build_parser():
    parser = checkpoint_parser('The augmented (and adversarial) views of a config',
                               checkpoint_optional=True)
    parser.add_argument('--num-images', type=int, default=8, help='images shown (default 8)')
    parser.add_argument('--split', choices=['train', 'test'],
                        help="the dataset split (default: the config's training split)")
    parser.add_argument('--eps', type=float, help="attack strength (default: the config's)")
    parser.add_argument('--attack', choices=sorted(ATTACKS), help="default: the config's")
    parser.add_argument('--batch-size', type=int,
                        help="images augmented (and attacked) together (default: the config's "
                        'training batch with a checkpoint, else --num-images)')
    parser.add_argument('--amplify', default='auto',
                        help="perturbation shown as 0.5 + FACTOR * delta; 'auto' scales each "
                        "image's largest |delta| to 0.5")
    parser.add_argument('--bn-mode', choices=BN_MODES, default='train',
                        help="the attack's BNs: 'train' (batch statistics, as in training) or "
                        "'eval' (running statistics)")
    return parser


def class_name(dataset, label) -> str:
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes') or ()
    return str(classes[label]) if label is not None and label < len(classes) else ''


def load(args):
    """(model, cfg, adversary or None, training set); every input checked."""
    if args.num_images < 1:
        raise CLAEError(f'--num-images must be >= 1, got {args.num_images}')
    adversary = None
    if args.checkpoint:
        model, cfg = build_model_from_checkpoint(args.config, args.checkpoint, args.cfg_options,
                                                 args.data_root)
        check_attackable(model)
        adversary = adversary_from_config(cfg, args.eps, args.attack)
        if adversary.eps == 0:
            raise CLAEError('eps is 0 (a baseline config?), so there is no adversarial view: '
                            'pass --eps, or leave the checkpoint out for the plain views')
    else:
        model, cfg = build_model_from_config(args.config, args.cfg_options, args.data_root)
    return model.to(args.device), cfg, adversary, training_dataset(cfg, args.split)


def view_name(number: int) -> str:
    return {1: 'view 1 (x^q)', 2: 'view 2 (x^k)'}.get(number, f'view {number}')


def draw(rows: list, images: list, dataset, title: str):
    """One row per kind of image, one column per image of the batch."""
    fig, axes = new_figure(max(LEFT_PX + COLUMN_PX * len(images), MIN_WIDTH_PX),
                           TOP_PX + ROW_PX * len(rows), len(rows), len(images))
    for row, (name, pictures, titles) in enumerate(rows):
        for column, picture in enumerate(pictures):
            title_of = titles[column] if titles else None
            if row == 0:
                entry = images[column]
                title_of = f"#{entry['index']} {class_name(dataset, entry['label'])}".strip()
            show_image(axes[row, column], picture, title_of)
        axes[row, 0].set_ylabel(name, fontsize=9)
    fig.suptitle(title, fontsize=9, y=1 - 4 / fig.bbox.height, va='top')
    fig.subplots_adjust(left=LEFT_PX / fig.bbox.width, right=0.99, bottom=0.02,
                        top=1 - TOP_PX / fig.bbox.height, wspace=0.06, hspace=0.25)
    return fig


def run(args) -> None:
    model, cfg, adversary, dataset = load(args)
    steps = tqdm(total=3, desc='views', leave=False)
    seed_everything(args.seed)
    default_batch = max(cfg.train_dataloader.batch_size, args.num_images) if adversary \
        else args.num_images
    batch_size = max(args.batch_size or default_batch, 2)  # a contrastive batch has 2 or more
    (batch,) = training_view_batches(model, cfg, 1, batch_size, args.seed, dataset=dataset)
    shown = min(args.num_images, batch.views[0].shape[0])
    labels = [None] * shown if batch.labels is None else batch.labels[:shown].tolist()
    images = [dict(index=index, label=label) for index, label in zip(batch.indices, labels)]
    rows = []  # (name, [image per column], [title per column] or None)
    originals = [original_image(dataset, entry['index']) for entry in images]
    if all(image is not None for image in originals):
        rows.append(('image', originals, None))
    for number, view in enumerate(batch.views, 1):
        rows.append((view_name(number), list(to_pixels(view[:shown], model.data_preprocessor)),
                     None))
    steps.update()
    attack, title = {}, ''
    if adversary is not None:
        view = batch.views[0]
        adversarial = adversarial_views(model, view, adversary, args.bn_mode)
        delta = pixel_delta(view[:shown], adversarial[:shown], model.data_preprocessor)
        difference, factors = amplified(delta, args.amplify)
        rows.append(('adversarial', list(to_pixels(adversarial[:shown], model.data_preprocessor)),
                     None))
        rows.append(('perturbation', list(difference), [f'x{f:.3g}' for f in factors]))
        for entry, image_delta, factor in zip(images, delta, factors):
            entry.update(linf_delta_px=float(np.abs(image_delta).max() * 255),
                         amplification=float(factor))
        attack = dict(eps=adversary.eps, attack=adversary.attack, space=adversary.space,
                      bn_mode=args.bn_mode)
        title = f'; {adversary.attack.upper()} eps={adversary.eps:g} ({adversary.space} space)'
    steps.update()
    name = osp.splitext(osp.basename(args.config or args.checkpoint))[0]
    fig = draw(rows, images, dataset,
               f'{name}\n{len(batch.views)} views, batch {batch_size}{title}')
    out_dir = default_out_dir(args)
    png = osp.join(out_dir, 'views.png')
    width, height = save_figure(fig, png)
    steps.update()
    steps.close()
    write_json(osp.join(out_dir, 'views.json'), dict(
        config=args.config and osp.abspath(args.config),
        checkpoint=args.checkpoint and osp.abspath(args.checkpoint), seed=args.seed,
        batch_size=batch_size, num_views=len(batch.views), **attack, images=images,
        rows=[name for name, _, _ in rows], png=png, png_size=[width, height]),
        cfg=cfg, config=args.config)
    print(f'{shown} images x {len(rows)} rows ({", ".join(name for name, _, _ in rows)}); '
          f'figure written to {png}')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
