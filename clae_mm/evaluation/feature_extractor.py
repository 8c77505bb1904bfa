"""Features of a whole dataset from a frozen encoder (clean BNs, eval mode)."""
from contextlib import contextmanager
from typing import Optional, Tuple, Union

import torch
from mmengine.dataset import default_collate
from mmengine.dist import get_dist_info
from mmengine.model import is_model_wrapper
from torch import nn
from torch.utils.data import DataLoader, Subset
from tqdm import tqdm

from clae_mm.models.utils.dual_bn import adversarial_bn
from clae_mm.registry import DATASETS
from .distributed_gather import gather_rows, shard_bounds

STAGES = ('backbone', 'embedding', 'pixels')


@contextmanager
def frozen_eval_mode(model: nn.Module):
    """Eval mode (BN running statistics, no statistic updates), the clean BN
    branch, no gradients; every submodule gets its own previous mode back."""
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        with torch.no_grad(), adversarial_bn(model, enabled=False):
            yield model
    finally:
        for module, training in modes:
            module.training = training


def build_dataset(dataset: Union[dict, torch.utils.data.Dataset]):
    """A built dataset as is, or a dataset config dict built from the registry."""
    if isinstance(dataset, dict):
        return DATASETS.build(dict(dataset))
    return dataset


def num_classes_of(dataset, labels: torch.Tensor) -> int:
    """Number of classes from the dataset's metainfo (a test set may miss a
    class), else from the labels."""
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
    if classes:
        return len(classes)
    return int(labels.max().item()) + 1 if labels.numel() else 0


def extract_features(model: nn.Module,
                     dataset,
                     stage: str = 'embedding',
                     batch_size: int = 256,
                     num_workers: int = 0,
                     device: Optional[Union[str, torch.device]] = None,
                     progress: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
    """Features and labels of every image of ``dataset``, in dataset order.

    The model (an unwrapped CLAE; a wrapper is unwrapped here) runs in eval
    mode through its clean BNs (``model.extract_feat(x, stage)``) and gets
    its previous mode back afterwards. Under torch.distributed each rank
    extracts a contiguous shard and the shards are gathered, so every image
    appears exactly once on every rank (no sampler padding duplicates).

    Args:
        model: the encoder; moved to ``device`` when one is given.
        dataset: a built dataset or a dataset config dict (test pipeline).
        stage: 'backbone' (pooled ResNet output) or 'embedding' (the
            normalised output of the neck: the embedding or projection).
        batch_size, num_workers: of the extraction DataLoader.
        device: where to run; default the model's device.
        progress: show a progress bar (on rank 0).

    Returns:
        (N, D) float32 CPU features and (N,) int64 CPU labels.
    """
    if stage not in STAGES:
        raise ValueError(f'stage must be one of {STAGES}, got {stage!r}')
    if is_model_wrapper(model):
        model = model.module
    if device is not None:
        model.to(device)
    dataset = build_dataset(dataset)
    if len(dataset) == 0:
        raise ValueError('the dataset to embed is empty; check its data_root and split')
    rank, world_size = get_dist_info()
    start, end = shard_bounds(len(dataset), rank, world_size)
    loader = DataLoader(Subset(dataset, range(start, end)), batch_size=batch_size,
                        shuffle=False, num_workers=num_workers, collate_fn=default_collate)
    run_device = next(model.parameters()).device
    features, labels = [], []
    with frozen_eval_mode(model):
        for batch in tqdm(loader, desc=f'{stage} features', disable=not progress or rank != 0,
                          leave=False):
            data = model.data_preprocessor(batch, training=False)
            features.append(model.extract_feat(data['inputs'], stage=stage).float())
            labels.append(torch.cat([sample.gt_label for sample in data['data_samples']]))
    if features:
        local_features = torch.cat(features)
        local_labels = torch.cat(labels).to(run_device, torch.long)
    else:  # more ranks than images: this rank's shard is empty
        with frozen_eval_mode(model):
            dim = model.extract_feat(model.data_preprocessor(
                default_collate([dataset[0]]), training=False)['inputs'], stage=stage).shape[1]
        local_features = torch.zeros((0, dim), device=run_device)
        local_labels = torch.zeros((0,), dtype=torch.long, device=run_device)
    return gather_rows(local_features).cpu(), gather_rows(local_labels).cpu()
