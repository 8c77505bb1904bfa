"""Fig. 3: adversarial vs random perturbations of the same size.

    python tools/analysis/perturbation_loss.py [CONFIG] CHECKPOINT
        [--eps 0 0.01 0.03 0.05 0.07] [--attack fgsm] [--batches 10] [--batch-size B]
        [--probe-epochs 50] [--no-probe] [--bn-mode train|eval]
        [--data-root DIR] [--cfg-options ...] [--out-dir DIR]

(a) the contrastive loss the attack ascends, L_cl(f_adv(x^q), f_adv(x^q + delta))
(eqs. 12, 15), for the CLAE attack and for a random sign perturbation
``eps * s`` of the same L-inf size, averaged over ``--batches`` batches of
training views (error bars: std over batches).
(b) the cross-entropy of a linear probe (trained on clean ``evaluation.linear``
features of the training split, ``--probe-epochs`` epochs) on the same
adversarial and random views, fed through the clean encoder in eval mode.
Writes ``perturbation_loss.png`` (1200 x 450) and ``perturbation_loss.{json,csv}``.
"""
import os.path as osp
import sys

from clae_mm.analysis.command_line import (checkpoint_parser, default_out_dir,
                                           run_main, seed_everything)
from clae_mm.analysis.figures import (COLORS, new_figure, save_figure,
                                      write_csv, write_json)
from clae_mm.analysis.perturbation import (BN_MODES, adversary_from_config,
                                           check_attackable, measure_perturbations)
from clae_mm.analysis.view_batches import training_view_batches
from clae_mm.evaluation.evaluation_settings import evaluation_settings
from clae_mm.evaluation.feature_extractor import (build_dataset, extract_features,
                                                  num_classes_of)
from clae_mm.evaluation.linear_probe import train_linear_probe
from clae_mm.models.utils.attacks import ATTACKS
from clae_mm.utils import CLAEError
from clae_mm.utils.checkpoint import build_model_from_checkpoint

WIDTH_PX, HEIGHT_PX = 1200, 450
KINDS = ('adversarial', 'random')


def build_parser():
    parser = checkpoint_parser('Fig. 3: losses under adversarial vs random perturbations')
    parser.add_argument('--eps', type=float, nargs='+', default=[0, 0.01, 0.03, 0.05, 0.07],
                        help="perturbation sizes (in the config's attack space)")
    parser.add_argument('--attack', choices=sorted(ATTACKS), help="default: the config's")
    parser.add_argument('--batches', type=int, default=10, help='batches averaged over')
    parser.add_argument('--batch-size', type=int,
                        help="images per batch (default: the config's training batch)")
    parser.add_argument('--split', help="dataset split of the views (default: the training "
                        "dataset's, 'train')")
    parser.add_argument('--bn-mode', choices=BN_MODES, default='train',
                        help="BNs of the attack and of (a): 'train' (batch statistics, as in "
                        "training; default) or 'eval' (running statistics)")
    parser.add_argument('--no-probe', action='store_true', help='skip (b), the linear probe')
    parser.add_argument('--probe-epochs', type=int, default=50,
                        help='epochs of the linear probe on cached clean features')
    parser.add_argument('--probe-batch-size', type=int, help="default: the config's LinearProbeAccuracy")
    parser.add_argument('--probe-lr', type=float, help="default: the config's LinearProbeAccuracy")
    parser.add_argument('--feature', choices=['backbone', 'embedding'],
                        help="the probe's feature (default: the config's LinearProbeAccuracy stage)")
    return parser


def train_probe(model, cfg, args):
    """A linear probe on clean training-split features (the downstream model)."""
    settings = evaluation_settings(cfg, 'linear', stage=args.feature, batch_size=args.probe_batch_size,
                                   lr=args.probe_lr)
    bank = ((cfg.get('test_cfg') or {}).get('bank') or {}).get('dataset')
    if bank is None:
        source = args.config or 'the recorded config'
        raise CLAEError(f'{source} defines no test_cfg.bank dataset for the probe; use a '
                        'config built on configs/_base_/datasets or pass --no-probe')
    bank = build_dataset(bank)
    feats, labels = extract_features(model, bank, settings['stage'])
    probe = train_linear_probe(feats, labels, num_classes_of(bank, labels), epochs=args.probe_epochs,
                               batch_size=settings['batch_size'], lr=settings['lr'],
                               weight_decay=settings['weight_decay'], seed=args.seed,
                               device=args.device)
    settings.update(epochs=args.probe_epochs, num_train=len(labels))
    return probe, settings


def plot(results, with_probe: bool, title: str):
    fig, axes = new_figure(WIDTH_PX, HEIGHT_PX, 1, 2)
    eps = [r['eps'] for r in results]
    panels = [('loss', '(a) contrastive loss (attack objective)', axes[0, 0]),
              ('cross_entropy', '(b) cross-entropy of the linear probe', axes[0, 1])]
    for measure, panel_title, ax in panels:
        ax.set_title(panel_title, fontsize=10)
        ax.set_xlabel('eps')
        ax.grid(alpha=0.3)
        if measure == 'cross_entropy' and not with_probe:
            ax.text(0.5, 0.5, 'not measured (--no-probe or no labels)', ha='center',
                    transform=ax.transAxes)
            continue
        for kind in KINDS:
            key = f'{kind}_{measure}'
            ax.errorbar(eps, [r[key]['mean'] for r in results], yerr=[r[key]['std'] for r in results],
                        marker='o', capsize=3, color=COLORS[kind], label=kind)
        ax.legend(fontsize=9)
    axes[0, 0].set_ylabel('loss (mean ± std over batches)')
    fig.suptitle(title, fontsize=10)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.85, wspace=0.25)
    return fig


def run(args) -> None:
    if args.batches < 1:
        raise CLAEError(f'--batches must be >= 1, got {args.batches}')
    model, cfg = build_model_from_checkpoint(args.config, args.checkpoint, args.cfg_options,
                                             args.data_root)
    model.to(args.device)
    check_attackable(model)
    template = adversary_from_config(cfg, attack=args.attack)
    probe, probe_settings = (None, None) if args.no_probe else train_probe(model, cfg, args)
    seed_everything(args.seed)
    batches = training_view_batches(model, cfg, args.batches, args.batch_size, args.seed, args.split)
    results = measure_perturbations(
        model, batches, args.eps,
        lambda eps: adversary_from_config(cfg, eps, template.attack), probe=probe,
        stage=(probe_settings or {}).get('stage', 'backbone'), mode=args.bn_mode, seed=args.seed)
    with_probe = 'adversarial_cross_entropy' in results[0]

    out_dir = default_out_dir(args)
    png = osp.join(out_dir, 'perturbation_loss.png')
    fig = plot(results, with_probe, f'{template.attack.upper()} ({template.space} space) vs random '
               f'sign noise; {args.batches} batches of {batches[0].views[0].shape[0]}')
    width, height = save_figure(fig, png)
    rows = []
    for result in results:
        for kind in KINDS:
            row = dict(eps=result['eps'], perturbation=kind,
                       loss_mean=result[f'{kind}_loss']['mean'], loss_std=result[f'{kind}_loss']['std'])
            if with_probe:
                for name in ('cross_entropy', 'top1'):
                    row[f'probe_{name}_mean'] = result[f'{kind}_{name}']['mean']
                    row[f'probe_{name}_std'] = result[f'{kind}_{name}']['std']
            rows.append(row)
    write_csv(osp.join(out_dir, 'perturbation_loss.csv'), rows)
    write_json(osp.join(out_dir, 'perturbation_loss.json'), dict(
        figure='Fig. 3', config=args.config and osp.abspath(args.config), checkpoint=osp.abspath(args.checkpoint),
        attack=template.attack, space=template.space, attack_cfg=template.attack_cfg,
        bn_mode=args.bn_mode, batches=args.batches, batch_size=int(batches[0].views[0].shape[0]),
        seed=args.seed, probe=probe_settings, results=results, png=png, png_size=[width, height]), cfg=cfg, config=args.config)
    for result in results:
        print(f"eps {result['eps']:g}: contrastive loss adversarial "
              f"{result['adversarial_loss']['mean']:.4f} vs random {result['random_loss']['mean']:.4f}"
              + (f"; probe cross-entropy adversarial {result['adversarial_cross_entropy']['mean']:.4f}"
                 f" vs random {result['random_cross_entropy']['mean']:.4f}" if with_probe else ''))
    print(f'figure written to {png}')


def main(argv=None) -> int:
    return run_main(run, build_parser(), argv)


if __name__ == '__main__':
    sys.exit(main())
