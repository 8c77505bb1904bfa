"""Batches of augmented views from a config's training pipeline, as the
model sees them in training (after its data preprocessor), and the way back
to displayable pixels."""
from typing import List, NamedTuple, Optional

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import FUNCTIONS

from clae_mm.registry import DATASETS
from clae_mm.utils import CLAEError


class ViewBatch(NamedTuple):
    views: List[torch.Tensor]        # the MultiView views, each (B, C, H, W), model input
    labels: Optional[torch.Tensor]   # (B,) class labels when the dataset has them
    indices: Optional[List[int]] = None  # the images' indices in the dataset


def _collate_fn(cfg):
    collate_cfg = dict(cfg.train_dataloader.get('collate_fn') or dict(type='pseudo_collate'))
    collate = FUNCTIONS.get(collate_cfg.pop('type'))
    return (lambda batch: collate(batch, **collate_cfg)) if collate else pseudo_collate


def training_dataset(cfg, split: Optional[str] = None):
    """``cfg.train_dataloader.dataset`` built, its split replaced by ``split``
    ('train', 'test') when given."""
    dataset_cfg = dict(cfg.train_dataloader.dataset)
    if split is not None:
        if 'split' not in dataset_cfg:
            raise CLAEError(f"the training dataset {dataset_cfg.get('type')} has no 'split' "
                            'setting; leave --split out')
        dataset_cfg['split'] = split
    return DATASETS.build(dataset_cfg)


def original_image(dataset, index: int) -> Optional[np.ndarray]:
    """Image ``index`` of ``dataset`` before its pipeline, (H, W, C) in [0, 1]
    (in memory: ``img``; on disk: ``img_path`` read as RGB), or None."""
    info = dataset.get_data_info(index)
    image = info.get('img')
    if image is None and info.get('img_path'):
        import mmcv
        image = mmcv.imread(info['img_path'], channel_order='rgb')
    if image is None:
        return None
    image = np.asarray(image)
    return (image[..., None] if image.ndim == 2 else image).astype(np.float32) / 255.0


def training_view_batches(model, cfg, num_batches: int, batch_size: Optional[int] = None,
                          seed: int = 0, split: Optional[str] = None,
                          dataset=None) -> List[ViewBatch]:
    """``num_batches`` batches of ``batch_size`` images (default: the config's
    training batch size) of ``cfg.train_dataloader.dataset``, augmented by
    its training pipeline (the two views of Algorithm 1, lines 2-3) and
    normalised by the model's data preprocessor.

    Images are drawn without replacement from a seeded shuffle of the dataset
    (reshuffled when it runs out), so the same seed gives the same images;
    seed the global generators too (:func:`seed_everything`) to also fix the
    augmentations. ``split`` ('train', 'test') replaces the dataset's split;
    ``dataset``, when given, is :func:`training_dataset` built already.
    """
    if dataset is None:
        dataset = training_dataset(cfg, split)
    batch_size = batch_size or cfg.train_dataloader.batch_size
    if len(dataset) < 2 or batch_size < 2:
        raise CLAEError('a contrastive loss needs batches of at least 2 images; '
                        f'got a dataset of {len(dataset)} and batch size {batch_size}')
    batch_size = min(batch_size, len(dataset))
    generator = np.random.default_rng(seed)
    order: List[int] = []
    collate = _collate_fn(cfg)
    batches = []
    for _ in range(num_batches):
        if len(order) < batch_size:
            order = list(generator.permutation(len(dataset)))
        indices, order = order[:batch_size], order[batch_size:]
        data = model.data_preprocessor(collate([dataset[int(i)] for i in indices]), training=True)
        views = data['inputs'] if isinstance(data['inputs'], (list, tuple)) else [data['inputs']]
        samples = data.get('data_samples') or []
        labels = None
        if samples and all('gt_label' in sample for sample in samples):
            labels = torch.cat([sample.gt_label for sample in samples]).to(views[0].device)
        batches.append(ViewBatch(list(views), labels, [int(i) for i in indices]))
    return batches


def to_pixels(view: torch.Tensor, data_preprocessor) -> np.ndarray:
    """Model inputs (B, C, H, W) back to (B, H, W, C) pixels in [0, 1] with
    the preprocessor's mean and std (given on the 0-255 scale)."""
    view = view.detach().float().cpu()
    if getattr(data_preprocessor, '_enable_normalize', True) and hasattr(data_preprocessor, 'mean'):
        view = view * data_preprocessor.std.cpu() + data_preprocessor.mean.cpu()
    return (view / 255.0).clamp(0, 1).permute(0, 2, 3, 1).numpy()


def pixel_delta(view: torch.Tensor, perturbed: torch.Tensor, data_preprocessor) -> np.ndarray:
    """``perturbed - view`` (model inputs, (B, C, H, W)) as (B, H, W, C) in
    [0, 1] pixel units, before any clamping to the image range."""
    delta = (perturbed - view).detach().float().cpu() * pixel_scale(data_preprocessor)
    return delta.permute(0, 2, 3, 1).numpy()


def pixel_scale(data_preprocessor) -> torch.Tensor:
    """(C, 1, 1) size of one model-input unit in [0, 1] pixel units."""
    if getattr(data_preprocessor, '_enable_normalize', True) and hasattr(data_preprocessor, 'std'):
        return data_preprocessor.std.detach().float().cpu() / 255.0
    return torch.full((1, 1, 1), 1.0 / 255.0)
