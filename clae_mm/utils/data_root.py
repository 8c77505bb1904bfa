from mmengine.config import Config, ConfigDict

# The dataloaders, and the loops that hold a dataset (the kNN bank / probe
# training set of FrozenFeatureValLoop and FrozenFeatureTestLoop).
DATASET_KEYS = ('train_dataloader', 'val_dataloader', 'test_dataloader', 'val_cfg', 'test_cfg')


def _point_datasets(node, data_root: str) -> int:
    """Set ``data_root`` on every dataset dict (anything with a ``type`` and a
    ``data_root`` or a ``split``) found under ``node``; returns how many."""
    count = 0
    if isinstance(node, (dict, ConfigDict)):
        if 'type' in node and ('data_root' in node or 'split' in node):
            node['data_root'] = data_root
            count += 1
        for value in node.values():
            count += _point_datasets(value, data_root)
    elif isinstance(node, (list, tuple)):
        for value in node:
            count += _point_datasets(value, data_root)
    return count


def apply_data_root(cfg: Config, data_root: str) -> int:
    """Point every dataset of the config at ``data_root``: the training,
    validation and test sets, the bank of the evaluation loops (the kNN bank
    and the linear probe's training set) and those of hooks. Returns the
    number changed."""
    count = 0
    for key in DATASET_KEYS:
        if cfg.get(key) is not None:
            count += _point_datasets(cfg[key], data_root)
    for hook in cfg.get('custom_hooks', []) or []:
        count += _point_datasets(hook, data_root)
    for hook in (cfg.get('default_hooks') or {}).values():
        count += _point_datasets(hook, data_root)
    return count
