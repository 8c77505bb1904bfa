"""Robust accuracy of a trained encoder and its linear probe under L-inf attacks.

    python tools/benchmarks/robust_eval.py [CONFIG] CHECKPOINT [--eps 1 2 4 8] [--steps 20]
        [--autoattack-eps 2] [--autoattack-images 1000] [--epochs E] [--feature F]
        [--seed 0] [--device cpu|cuda] [--work-dir DIR] [--out FILE] [--data-root DIR]
        [--cfg-options ...]

The linear probe of ``linear_eval.py`` (the config's ``LinearProbeAccuracy``:
feature, epochs, batch, lr; its last epoch) is trained on the frozen
encoder's features of the train set. Encoder and probe are then attacked end
to end in pixel space, images in [0, 1] with the normalisation inside the
model (``clae_mm/evaluation/robustness.py``): L-inf PGD-20 at each ``--eps``
(in 1/255 units) on the whole test set, and AutoAttack (standard) at
``--autoattack-eps`` on a fixed subset of ``--autoattack-images`` test images
(seeded, sorted; its indices are in the result). An image is robust at an eps
only when the attack failed there and at every smaller eps, so robust
accuracy never rises with eps; eps 0 is the clean accuracy. Writes a JSON
result (``--out``, else named after the protocol in the work dir) that
``tools/analysis/summarize_results.py`` reads.
"""
import argparse
import os.path as osp
import sys
import time

import torch
from mmengine.dataset import default_collate

from clae_mm.evaluation.evaluation_settings import evaluation_settings
from clae_mm.evaluation.feature_extractor import (build_dataset, extract_features,
                                                  frozen_eval_mode, num_classes_of)
from clae_mm.evaluation.linear_probe import train_linear_probe
from clae_mm.evaluation.result_file import describe_run
from clae_mm.evaluation.robustness import (PixelSpaceClassifier, autoattack_accuracy,
                                           fixed_subset, pgd_robust_accuracy)
from clae_mm.evaluation.tool_support import (add_common_arguments, evaluation_config,
                                             parse_tool_args, run_and_report)
from clae_mm.registry import MODELS
from clae_mm.utils import register_all_modules
from clae_mm.utils.checkpoint import load_checkpoint_strict


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Robust accuracy (PGD, AutoAttack) of the '
                                     'linear probe of a clae_mm checkpoint')
    add_common_arguments(parser, 'an epoch_N.pth file')
    parser.add_argument('--eps', type=float, nargs='+', default=[1, 2, 4, 8],
                        help='PGD radii in 1/255 units (0: the clean accuracy)')
    parser.add_argument('--steps', type=int, default=20, help='PGD steps')
    parser.add_argument('--autoattack-eps', type=float, default=2.0,
                        help='AutoAttack radius in 1/255 units')
    parser.add_argument('--autoattack-images', type=int, default=1000,
                        help='test images AutoAttack runs on (a fixed seeded subset; 0: skip it)')
    parser.add_argument('--feature', choices=['backbone', 'embedding', 'pixels'],
                        help="probed feature (default: the config's LinearProbeAccuracy)")
    parser.add_argument('--epochs', type=int, help="probe epochs (default: the config's, 1000)")
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the probe, the PGD starts and the AutoAttack subset')
    parser.add_argument('--batch-size', type=int, default=256, help='attack batch')
    parser.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    parser.add_argument('--no-progress', action='store_true', help='no progress bars')
    args = parse_tool_args(parser, argv)
    if any(not eps >= 0 for eps in args.eps + [args.autoattack_eps]) or args.steps < 1 \
            or args.autoattack_images < 0 or args.batch_size < 1:
        parser.error('need --eps and --autoattack-eps >= 0, --steps >= 1, --autoattack-images '
                     '>= 0 and --batch-size >= 1')
    return args


def test_images(dataset) -> tuple:
    """Every image of ``dataset`` (its test pipeline) as (N, C, H, W) floats in [0, 1], and
    the labels."""
    batch = default_collate([dataset[i] for i in range(len(dataset))])
    images = torch.stack(list(batch['inputs'])).float() / 255.0
    if images.shape[1] == 1:
        images = images.expand(-1, 3, -1, -1)
    labels = torch.cat([sample.gt_label for sample in batch['data_samples']])
    return images, labels


def run(args):
    started = time.time()
    cfg = evaluation_config(args, tool='robust_eval')
    settings = evaluation_settings(cfg, 'linear', stage=args.feature, epochs=args.epochs)
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    loaded = load_checkpoint_strict(model, args.checkpoint)
    model.to(args.device)
    progress = not args.no_progress

    bank = build_dataset(cfg.test_cfg.bank.dataset)
    train_feats, train_labels = extract_features(model, bank, settings['stage'],
                                                 progress=progress)
    num_classes = num_classes_of(bank, train_labels)
    probe = train_linear_probe(train_feats, train_labels, num_classes, epochs=settings['epochs'],
                               batch_size=settings['batch_size'], lr=settings['lr'],
                               weight_decay=settings['weight_decay'], seed=args.seed,
                               device=args.device, progress=progress)
    with frozen_eval_mode(model):  # eval mode, clean BNs; gradients flow to the input only
        classifier = PixelSpaceClassifier(model, probe, settings['stage']).to(args.device)
        images, labels = test_images(build_dataset(cfg.test_dataloader.dataset))
        with torch.enable_grad():
            pgd = pgd_robust_accuracy(classifier, images, labels,
                                      [eps / 255 for eps in args.eps], steps=args.steps,
                                      batch_size=args.batch_size, seed=args.seed,
                                      progress=progress)
            autoattack = None
            if args.autoattack_images:
                subset = fixed_subset(len(labels), args.autoattack_images, seed=args.seed)
                autoattack = dict(
                    eps_255=args.autoattack_eps, indices=subset.tolist(),
                    top1=autoattack_accuracy(classifier, images[subset], labels[subset],
                                             args.autoattack_eps / 255, num_classes,
                                             batch_size=args.batch_size, seed=args.seed,
                                             progress=progress))
    result = dict(
        result_type='robust_eval', config=args.config and osp.abspath(args.config),
        checkpoint=osp.abspath(args.checkpoint), **describe_run(cfg, loaded, args.config_name),
        feature=settings['stage'],
        probe=dict(optimizer='Adam', epochs=settings['epochs'], batch_size=settings['batch_size'],
                   lr=settings['lr'], weight_decay=settings['weight_decay'], seed=args.seed,
                   epoch_used='last'),
        attack=dict(norm='Linf', space='pixels [0, 1], normalisation inside the model',
                    pgd_steps=args.steps, pgd_step_size='2.5 * eps / steps', random_start=True,
                    robust_at_eps='the attack failed at this eps and at every smaller one',
                    library='torchattacks'),
        num_train=len(train_labels), num_test=len(labels), num_classes=num_classes,
        clean_top1=pgd['clean'],
        pgd={f'{eps:g}/255': pgd['pgd'][eps / 255] for eps in args.eps},
        autoattack=autoattack, device=args.device,
        wall_time_s=round(time.time() - started, 3))
    return result, cfg.work_dir


def summary(result: dict) -> str:
    pgd = ', '.join(f'{eps} {top1:.2f}' for eps, top1 in result['pgd'].items())
    text = (f"robust accuracy ({result['feature']} probe, {result['probe']['epochs']} epochs): "
            f"clean {result['clean_top1']:.2f}; PGD-{result['attack']['pgd_steps']} {pgd}")
    if result['autoattack']:
        aa = result['autoattack']
        text += (f"; AutoAttack {aa['eps_255']:g}/255 on {len(aa['indices'])} images "
                 f"{aa['top1']:.2f}")
    return text


def protocol(result: dict) -> str:
    """The result file's name part: feature, probe epochs and the PGD steps."""
    return f"{result['feature']}_{result['probe']['epochs']}ep_pgd{result['attack']['pgd_steps']}"


def main(argv=None) -> int:
    args = parse_args(argv)
    register_all_modules()
    return run_and_report(run, args, 'robust_eval', summary, protocol)


if __name__ == '__main__':
    sys.exit(main())
