"""The settings a run was trained with, as plain data (numbers and strings).

``PlainCheckpointStateHook`` writes them into every checkpoint
(``meta['training_settings']``) and the evaluation tools copy them into their
result files (``training``), so the analysis tools read values instead of
executing a config: the ``meta['cfg']`` text mmengine also stores is Python,
and running it runs whatever a crafted checkpoint put there.
"""
from typing import Optional

import numpy as np

# Where a data preprocessor or a transform states the side of its output.
SIZE_KEYS = ('size', 'crop_size', 'scale')

# ContrastiveAdversarialHook's defaults, for a hook config that omits them.
_HOOK_DEFAULTS = dict(eps=0.03, alpha=1.0, attack='fgsm')

# The method of a model that carries no CLAELoss head (``head.method``): the
# self-supervised zoo's CLAE variants and the mmpretrain models they extend.
ZOO_METHODS = {
    'CLAEMoCo': 'mocov2', 'MoCo': 'mocov2',
    'CLAEBYOL': 'byol', 'BYOL': 'byol',
    'CLAESimSiam': 'simsiam', 'SimSiam': 'simsiam',
    'CLAEBarlowTwins': 'barlowtwins', 'BarlowTwins': 'barlowtwins',
}


def adversarial_hook_cfg(cfg) -> dict:
    """The config's ContrastiveAdversarialHook settings ({} when it has none)."""
    hooks = list((cfg.get('default_hooks') or {}).values()) + list(cfg.get('custom_hooks') or [])
    for hook in hooks:
        if isinstance(hook, dict) and hook.get('type') == 'ContrastiveAdversarialHook':
            return dict(hook)
    return {}


def training_image_size(cfg) -> Optional[int]:
    """The side of the training views: the data preprocessor's ``size``
    (on-device augmentation) or the first crop size in the training pipeline;
    None when the config states neither."""

    def search(node):
        if isinstance(node, dict):
            if 'type' in node:
                for key in SIZE_KEYS:
                    value = node.get(key)
                    if isinstance(value, int):
                        return value
                    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
                            isinstance(v, int) for v in value):
                        return value[0]
            for value in node.values():
                found = search(value)
                if found:
                    return found
        elif isinstance(node, (list, tuple)):
            for value in node:
                found = search(value)
                if found:
                    return found
        return None

    preprocessor = cfg.get('data_preprocessor') or cfg.get('model', {}).get('data_preprocessor') \
        or {}
    loader = cfg.get('train_dataloader') or {}
    return search(dict(preprocessor)) or search(loader.get('dataset', {}).get('pipeline', []))


def _arch(backbone: dict) -> Optional[str]:
    """``ResNet-18`` for mmpretrain-style ResNets, else the backbone's arch or type."""
    depth = backbone.get('depth')
    if depth and 'ResNet' in str(backbone.get('type', '')):
        return f'ResNet-{depth}'
    name = backbone.get('arch') or backbone.get('type')
    return None if name is None else str(name)


def _number(value, kind):
    return None if value is None else kind(value)


def training_method(cfg) -> Optional[str]:
    """The method a config trains: its CLAELoss head's ``method`` (plain, uel,
    simclr), else the zoo model's (``ZOO_METHODS``); None when neither says."""
    model = cfg.get('model') or {}
    return (model.get('head') or {}).get('method') or ZOO_METHODS.get(model.get('type'))


def training_settings(cfg, eps_history: Optional[list] = None) -> dict:
    """``method`` (the CLAELoss head's, else the zoo model's: ``ZOO_METHODS``),
    ``dataset`` (the pre-training set), ``batch_size`` (per
    process), ``embed_dim`` (the projection's output), ``arch``
    (``ResNet-18``), the adversary's ``eps`` (0 when none runs: no
    ContrastiveAdversarialHook or alpha 0), ``alpha``, ``attack`` (``'none'``
    at eps 0) and ``max_epochs``; None where the config does not say. With
    ``eps_history`` (the eps of each trained epoch, which
    ``ContrastiveAdversarialHook`` keeps), also ``eps_history``: a run
    resumed with another eps holds more than one value there."""
    model = cfg.get('model') or {}
    loader = cfg.get('train_dataloader') or {}
    hook = adversarial_hook_cfg(cfg)
    alpha = float(hook.get('alpha', _HOOK_DEFAULTS['alpha'])) if hook else 0.0
    eps = float(hook.get('eps', _HOOK_DEFAULTS['eps'])) if hook and alpha else 0.0
    return dict(
        method=training_method(cfg),
        dataset=(loader.get('dataset') or {}).get('type'),
        batch_size=_number(loader.get('batch_size'), int),
        embed_dim=_number((model.get('neck') or {}).get('out_channels'), int),
        arch=_arch(model.get('backbone') or {}),
        eps=eps, alpha=alpha,
        attack=str(hook.get('attack', _HOOK_DEFAULTS['attack'])) if eps else 'none',
        max_epochs=_number((cfg.get('train_cfg') or {}).get('max_epochs'), int),
        **({} if eps_history is None else dict(eps_history=[float(e) for e in eps_history])))


def recorded_training_settings(meta) -> Optional[dict]:
    """The settings a checkpoint's meta recorded (None when it has none),
    keeping only plain values: the file may come from anyone."""
    recorded = (meta or {}).get('training_settings') if isinstance(meta, dict) else None
    if not isinstance(recorded, dict):
        return None
    return {str(key): [plain_value(v) for v in value] if isinstance(value, (list, tuple))
            else plain_value(value) for key, value in recorded.items()}


def epoch_span(first: int, last: int) -> str:
    """'epoch 3' or 'epochs 3-5'."""
    return f'epoch {first}' if first == last else f'epochs {first}-{last}'


def mixed_eps(training) -> Optional[str]:
    """'epochs 1-5 at eps 0.03, epochs 6-10 at eps 0.1' for a run whose
    recorded ``eps_history`` holds more than one eps (resumed with another);
    None for a run trained at one eps, or one that records no history."""
    history = training.get('eps_history') if isinstance(training, dict) else None
    if not isinstance(history, list) or len(set(history)) < 2:
        return None
    spans, start = [], 1
    for epoch in range(1, len(history) + 1):
        if epoch == len(history) or history[epoch] != history[epoch - 1]:
            spans.append(f'{epoch_span(start, epoch)} at eps {history[epoch - 1]:g}')
            start = epoch + 1
    return ', '.join(spans)


def plain_value(value):
    """A number or string of a checkpoint's meta as a JSON-able Python value:
    numpy scalars (stock mmengine stores the seed as one) become Python
    numbers, anything else that is not plain becomes None."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in 'biuf':
        return value.item()
    return None
