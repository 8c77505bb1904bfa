"""Features of a whole dataset from a frozen encoder (clean BNs, eval mode)."""
from contextlib import contextmanager
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.dataset import default_collate
from mmengine.dist import get_dist_info
from torch import nn
from torch.utils.data import DataLoader, Subset
from tqdm import tqdm

from clae_mm.models.utils.dual_bn import adversarial_bn
from clae_mm.registry import DATASETS
from clae_mm.utils.model_wrapper import unwrap_model
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


def batch_features(model: nn.Module, data_batch, stages: Sequence[str]
                   ) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
    """``({stage: (B, D) float32 features}, (B,) labels)`` of one collated
    batch, through ``model.data_preprocessor`` (no augmentation) and
    ``model.extract_feat``; call it inside :func:`frozen_eval_mode`."""
    data = model.data_preprocessor(data_batch, training=False)
    features = {stage: model.extract_feat(data['inputs'], stage=stage).float() for stage in stages}
    labels = torch.cat([sample.gt_label for sample in data['data_samples']])
    return features, labels


def _stages(stage: Union[str, Sequence[str]]) -> List[str]:
    stages = [stage] if isinstance(stage, str) else list(dict.fromkeys(stage))
    for name in stages:
        if name not in STAGES:
            raise ValueError(f'stage must be one of {STAGES}, got {name!r}')
    return stages


def extract_features(model: nn.Module,
                     dataset,
                     stage: Union[str, Sequence[str]] = 'embedding',
                     batch_size: int = 256,
                     num_workers: int = 0,
                     device: Optional[Union[str, torch.device]] = None,
                     progress: Union[bool, Callable[[int, int], None]] = False):
    """Features and labels of every image of ``dataset``, in dataset order.

    The model (an unwrapped CLAE; a wrapper is unwrapped here) runs in eval
    mode through its clean BNs (``model.extract_feat(x, stage)``) and gets
    its previous mode back afterwards. Under torch.distributed each rank
    extracts a contiguous shard and the shards are gathered, so every image
    appears exactly once on every rank (no sampler padding duplicates).

    Args:
        model: the encoder; moved to ``device`` when one is given.
        dataset: a built dataset or a dataset config dict (test pipeline).
        stage: 'backbone' (pooled ResNet output), 'embedding' (the
            normalised output of the neck: the embedding or projection) or
            'pixels'; or a list of them, all extracted in one pass.
        batch_size, num_workers: of the extraction DataLoader.
        device: where to run; default the model's device.
        progress: True for a progress bar (on rank 0), or a function called
            as ``fn(batches done, batches in all)`` after every batch (the
            evaluation loops log with it).

    Returns:
        ``(features, labels)``: (N, D) float32 CPU features, or a dict
        ``{stage: features}`` when ``stage`` is a list, and (N,) int64 CPU
        labels.
    """
    stages = _stages(stage)
    model = unwrap_model(model)
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
    features = {name: [] for name in stages}
    labels = []
    report = progress if callable(progress) else None
    with frozen_eval_mode(model):
        batches = tqdm(loader, desc=f'{"/".join(stages)} features', leave=False,
                       disable=progress is not True or rank != 0)
        for done, batch in enumerate(batches, 1):
            batch_feats, batch_labels = batch_features(model, batch, stages)
            for name in stages:
                features[name].append(batch_feats[name])
            labels.append(batch_labels)
            if report is not None:
                report(done, len(loader))
    if labels:
        local = {name: torch.cat(features[name]) for name in stages}
        local_labels = torch.cat(labels).to(run_device, torch.long)
    else:  # more ranks than images: this rank's shard is empty
        with frozen_eval_mode(model):
            first, _ = batch_features(model, default_collate([dataset[0]]), stages)
        local = {name: first[name][:0] for name in stages}
        local_labels = torch.zeros((0,), dtype=torch.long, device=run_device)
    gathered = {name: gather_rows(local[name]).cpu() for name in stages}
    gathered_labels = gather_rows(local_labels).cpu()
    if isinstance(stage, str):
        return gathered[stage], gathered_labels
    return gathered, gathered_labels
