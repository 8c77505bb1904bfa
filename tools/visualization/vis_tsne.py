"""The learned features: a t-SNE map of the frozen features of one or more
checkpoints on a subset of the test set, coloured by class, side by side
(e.g. CLAE and its eps-0 baseline of the same seed), with each encoder's kNN
score in its panel's title.

    python tools/visualization/vis_tsne.py [CONFIG] CHECKPOINT [[CONFIG] CHECKPOINT ...]
        [--labels NAME ...] [--num-samples 1000] [--num-bank N] [--feature F]
        [--perplexity 30] [--data-root DIR] [--cfg-options ...] [--seed 0]
        [--extract-batch-size 256] [--device cpu] [--out-dir DIR]

For each run (a checkpoint, its model rebuilt from the config it records and
loaded strictly; a CONFIG before it gives the data and evaluation, as for the
analysis tools; --cfg-options and --data-root apply to every run) the same
--num-samples test images (a
seeded draw, the config's test pipeline) are embedded by the frozen encoder
(eval mode, clean BNs: clae_mm/evaluation/feature_extractor.py) at the
feature of the config's kNN metric (or --feature). The kNN score is the
config's protocol (k, sigma) on exactly these images as queries, with the
training set as the bank (all of it, or a seeded --num-bank subset): the
score of a subset, not the test set's. The map is scikit-learn's t-SNE
(Barnes-Hut, PCA initialisation, seeded) of the L2-normalised features, so
that distances follow the cosine similarity the kNN votes with.
Writes ``tsne.png`` (420 x 460 pixels per panel, a legend column) and
``tsne.json`` (per run: its kNN score and the t-SNE settings).
"""
import argparse
import os.path as osp
import sys
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib import colormaps
from mmengine.config import DictAction
from sklearn.manifold import TSNE
from torch.utils.data import Subset
from tqdm import tqdm

from clae_mm.analysis.command_line import run_main
from clae_mm.analysis.figures import new_figure, save_figure, write_json
from clae_mm.evaluation.evaluation_settings import evaluation_settings
from clae_mm.evaluation.feature_extractor import build_dataset, extract_features, num_classes_of
from clae_mm.evaluation.knn import knn_accuracy
from clae_mm.utils import CLAEError
from clae_mm.utils.checkpoint import build_model_from_checkpoint

PANEL_PX, HEIGHT_PX, LEGEND_PX = 420, 460, 150


def build_parser():
    parser = argparse.ArgumentParser(
        description='t-SNE of frozen features of checkpoints, side by side, with their kNN score')
    parser.add_argument('runs', nargs='+', metavar='[CONFIG] CHECKPOINT',
                        help='checkpoints (epoch_N.pth), each after an optional config (.py) '
                        'that gives its data and evaluation')
    parser.add_argument('--labels', nargs='+', help='a panel title per run (default: the '
                        'config name and the checkpoint path)')
    parser.add_argument('--num-samples', type=int, default=1000,
                        help='test images mapped and scored (default 1000)')
    parser.add_argument('--num-bank', type=int,
                        help='training images in the kNN bank (default: all)')
    parser.add_argument('--feature', choices=['backbone', 'embedding'],
                        help="default: the feature of the config's kNN metric")
    parser.add_argument('--perplexity', type=float, default=30.0,
                        help='t-SNE perplexity (default 30; at most (samples - 1) / 3 is used)')
    parser.add_argument('--data-root', help='point every dataset of the configs at this directory')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings in every config, key=value (as in training)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seeds the image draw and t-SNE (default 0)')
    parser.add_argument('--extract-batch-size', type=int, default=256)
    parser.add_argument('--device', default='cpu', help="'cpu', 'cuda' or 'cuda:N'")
    parser.add_argument('--out-dir', default='analysis', help='default: ./analysis')
    return parser


def runs_of(args) -> list:
    """[(config or None, checkpoint, label)] from ``[CONFIG] CHECKPOINT ...``: a config
    (a .py file) belongs to the checkpoint after it; one-line errors otherwise."""
    runs, config = [], None
    for path in args.runs:
        if path.endswith('.py'):
            if config is not None:
                raise CLAEError(f'{config} is followed by another config, {path}; give each '
                                'config before its checkpoint: [CONFIG] CHECKPOINT ...')
            config = path
        else:
            runs.append((config, path))
            config = None
    if config is not None:
        raise CLAEError(f'{config} is not followed by a checkpoint; give [CONFIG] CHECKPOINT '
                        'for every run')
    labels = args.labels or [
        (f'{osp.splitext(osp.basename(config))[0]}\n' if config else '')
        + osp.relpath(checkpoint) for config, checkpoint in runs]
    if len(labels) != len(runs):
        raise CLAEError(f'{len(labels)} --labels for {len(runs)} runs; give one per run')
    return [(config, checkpoint, label) for (config, checkpoint), label in zip(runs, labels)]


def seeded_subset(size: int, count, seed: int) -> list:
    """``count`` indices of ``range(size)`` drawn without replacement (all for None)."""
    if count is None or count >= size:
        return list(range(size))
    return sorted(np.random.default_rng(seed).choice(size, count, replace=False).tolist())


def load_run(config: Optional[str], checkpoint: str, args) -> dict:
    """The run's model (loaded strictly), config, kNN settings, test set and bank."""
    model, cfg = build_model_from_checkpoint(config, checkpoint, args.cfg_options, args.data_root)
    if not cfg.get('test_dataloader') or not (cfg.get('test_cfg') or {}).get('bank'):
        raise CLAEError(f'the config of {checkpoint} defines no test_dataloader / test_cfg with a '
                        'bank; give a config built on configs/_base_/datasets before it')
    return dict(model=model, cfg=cfg,
                settings=evaluation_settings(cfg, 'knn', stage=args.feature),
                test_set=build_dataset(cfg.test_dataloader.dataset),
                bank_set=build_dataset(cfg.test_cfg.bank.dataset))


def embed_run(run: dict, args) -> dict:
    """The run's query features, labels and kNN score on the drawn test images."""
    settings, test_set, bank_set = run['settings'], run['test_set'], run['bank_set']
    queries = seeded_subset(len(test_set), args.num_samples, args.seed)
    bank = seeded_subset(len(bank_set), args.num_bank, args.seed)
    extract = dict(stage=settings['stage'], batch_size=args.extract_batch_size,
                   device=args.device, progress=True)
    query_feats, query_labels = extract_features(run['model'], Subset(test_set, queries),
                                                 **extract)
    bank_feats, bank_labels = extract_features(run['model'], Subset(bank_set, bank), **extract)
    num_classes = num_classes_of(test_set, torch.cat([query_labels, bank_labels]))
    score = knn_accuracy(bank_feats, bank_labels, query_feats, query_labels, num_classes,
                         k=settings['k'], sigma=settings['sigma'])
    classes = (getattr(test_set, 'metainfo', None) or {}).get('classes') or [
        str(c) for c in range(num_classes)]
    return dict(features=F.normalize(query_feats, dim=1).numpy(), labels=query_labels.numpy(),
                classes=list(classes), indices=queries, num_bank=len(bank), **settings,
                knn=score)


def draw(panels: list, classes: list):
    fig, axes = new_figure(PANEL_PX * len(panels) + LEGEND_PX, HEIGHT_PX, 1, len(panels))
    colormap = colormaps['tab10' if len(classes) <= 10 else 'tab20']
    colors = [colormap(c % colormap.N) for c in range(len(classes))]
    size = float(np.clip(3000 / len(panels[0]['labels']), 4, 30))  # points^2, by density
    for ax, panel in zip(axes[0], panels):
        for label in np.unique(panel['labels']):
            chosen = panel['labels'] == label
            ax.scatter(panel['map'][chosen, 0], panel['map'][chosen, 1], s=size, alpha=0.8,
                       color=colors[int(label)], label=classes[int(label)], linewidths=0)
        ax.set_xticks([])
        ax.set_yticks([])
        knn = panel['knn']
        ax.set_title(f"{panel['label']}\nkNN top-1 {knn['top1']:.2f} % ({len(panel['labels'])} "
                     f"test images, bank {panel['num_bank']})\n{panel['stage']}, k={panel['k']}, "
                     f"sigma={panel['sigma']:g}", fontsize=8)
    handles = {}
    for ax in axes[0]:
        for handle, name in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(name, handle)
    ordered = [name for name in classes if name in handles]
    fig.legend([handles[name] for name in ordered], ordered, loc='center right', fontsize=8,
               markerscale=2.5, frameon=False)
    fig.subplots_adjust(left=0.02, right=1 - LEGEND_PX / fig.bbox.width, top=0.83, bottom=0.03,
                        wspace=0.06)
    return fig


def run(args) -> None:
    runs = runs_of(args)
    if args.num_samples < 2:
        raise CLAEError(f'--num-samples must be >= 2, got {args.num_samples}')
    if args.num_bank is not None and args.num_bank < 1:
        raise CLAEError(f'--num-bank must be >= 1, got {args.num_bank}')
    # Every checkpoint and dataset is loaded before any work starts: a bad one stops the tool
    # at once, with its one-line error.
    loaded = [load_run(config, checkpoint, args) for config, checkpoint, _ in runs]
    sizes = {len(run['test_set']) for run in loaded}
    if len(sizes) > 1:
        raise CLAEError(f'the test sets of the runs differ in size ({sorted(sizes)} images); '
                        'compare runs on the same dataset')
    panels = []
    for (config, checkpoint, label), run in tqdm(list(zip(runs, loaded)), desc='t-SNE runs',
                                                 leave=False):
        found = embed_run(run, args)
        perplexity = min(args.perplexity, (len(found['labels']) - 1) / 3)
        found['map'] = TSNE(n_components=2, perplexity=perplexity, init='pca',
                            learning_rate='auto', random_state=args.seed).fit_transform(
                                found['features'])
        panels.append(dict(found, label=label, config=config and osp.abspath(config),
                           checkpoint=osp.abspath(checkpoint), perplexity=perplexity))
    fig = draw(panels, panels[0]['classes'])
    png = osp.join(args.out_dir, 'tsne.png')
    width, height = save_figure(fig, png)
    keys = ('label', 'config', 'checkpoint', 'stage', 'k', 'sigma', 'knn', 'num_bank',
            'perplexity')
    write_json(osp.join(args.out_dir, 'tsne.json'), dict(
        num_samples=len(panels[0]['indices']), seed=args.seed, test_indices=panels[0]['indices'],
        runs=[{key: panel[key] for key in keys} for panel in panels], png=png,
        png_size=[width, height]), cfg=loaded[0]['cfg'], config=runs[0][0])
    for panel in panels:
        print(f"{panel['label'].replace(chr(10), ' ')}: kNN top-1 {panel['knn']['top1']:.2f} % "
              f"on {len(panel['indices'])} test images (bank {panel['num_bank']})")
    print(f'figure written to {png}')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
