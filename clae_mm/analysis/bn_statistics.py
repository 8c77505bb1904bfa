"""Running statistics of the clean and adversarial BNs (Fig. 4, Section 4.2):
how far apart the two branches of every :class:`DualBatchNorm` ended up."""
from collections import OrderedDict
from typing import Dict, List, Sequence

import numpy as np
from torch import nn

from clae_mm.models.utils.dual_bn import DualBatchNorm
from clae_mm.utils import CLAEError


def dual_bn_running_stats(model: nn.Module) -> 'OrderedDict[str, Dict[str, np.ndarray]]':
    """Per dual BN layer (module name, in network order): the running mean and
    variance of its clean and adversarial branches."""
    stats = OrderedDict()
    for name, module in model.named_modules():
        if isinstance(module, DualBatchNorm):
            stats[name] = {
                f'{branch}_{stat}': getattr(getattr(module, branch), f'running_{stat}')
                .detach().float().cpu().numpy()
                for branch in ('clean', 'adversarial') for stat in ('mean', 'var')}
    if not stats:
        raise CLAEError('the model has no dual (clean + adversarial) batch norms: a baseline '
                        'run? Fig. 4 needs the checkpoint of a CLAE config')
    return stats


def select_layers(names: Sequence[str], wanted: Sequence[str] = None, count: int = 4) -> List[str]:
    """``wanted`` (checked to exist), or ``count`` layers evenly spread over
    the network's depth, first and last included."""
    names = list(names)
    if wanted:
        unknown = [name for name in wanted if name not in names]
        if unknown:
            shown = ', '.join(names[:6]) + (' ...' if len(names) > 6 else '')
            raise CLAEError(f'no dual BN layer named {", ".join(unknown)}; the model has '
                            f'{len(names)}: {shown}')
        return list(wanted)
    positions = np.unique(np.linspace(0, len(names) - 1, min(count, len(names))).round().astype(int))
    return [names[i] for i in positions]


def bn_distance(layer: Dict[str, np.ndarray]) -> Dict[str, float]:
    """Summary distance between the branches over all channels of a layer:
    mean |mu_adv - mu_clean|, mean |log var_adv - log var_clean|, and the
    clean branch's mean |mu| and mean var for scale."""
    eps = 1e-12
    return dict(
        num_channels=int(layer['clean_mean'].size),
        mean_abs_mean_diff=float(np.abs(layer['adversarial_mean'] - layer['clean_mean']).mean()),
        mean_abs_log_var_diff=float(np.abs(np.log(layer['adversarial_var'] + eps)
                                           - np.log(layer['clean_var'] + eps)).mean()),
        clean_mean_abs_mean=float(np.abs(layer['clean_mean']).mean()),
        clean_mean_var=float(layer['clean_var'].mean()))
