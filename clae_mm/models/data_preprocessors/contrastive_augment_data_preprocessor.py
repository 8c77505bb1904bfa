from typing import Optional, Sequence

import torch
from mmpretrain.models.utils.data_preprocessor import SelfSupDataPreprocessor

from clae_mm.registry import MODELS
from clae_mm.utils.augment_presets import augment_settings

from .batch_contrastive_augment import augment_batch


@MODELS.register_module()
class ContrastiveAugmentDataPreprocessor(SelfSupDataPreprocessor):
    """Makes the augmented views of a training batch on the model's device.

    The training loader yields one unaugmented uint8 image per sample (the
    pipeline is just ``PackInputs``); in training mode this preprocessor moves
    the batch to the device, draws ``num_views`` views of every image with the
    authors' augmentation preset (:func:`augment_batch`: per-sample
    crops, flips, colour jitter and greyscale) and normalises them, so no CPU
    worker bounds an epoch of small images. Outside training it only
    normalises, like :class:`SelfSupDataPreprocessor` (kNN and linear
    evaluation see the clean images).

    Args:
        method (str): augmentation preset, 'plain', 'uel' or 'simclr'.
        size (int): side of the views. Defaults to 32.
        num_views (int): views per image. Defaults to 2.
        channels_last (bool): return the views in channels_last memory format
            (faster convolutions on GPUs; the model follows its input).
        crop_scale (tuple, optional): replaces the preset's RandomResizedCrop
            area range (e.g. milder crops for small images); None keeps it.
        jitter (tuple, optional): replaces the preset's ColorJitter strengths
            (brightness, contrast, saturation, hue); None keeps them.
        mean, std, to_rgb, ...: as :class:`SelfSupDataPreprocessor`, in the
            0-255 scale.
    """

    takes_single_images = True  # one image per sample, the views are made here

    def __init__(self,
                 method: str,
                 size: int = 32,
                 num_views: int = 2,
                 channels_last: bool = False,
                 crop_scale: Optional[Sequence[float]] = None,
                 jitter: Optional[Sequence[float]] = None,
                 mean: Optional[Sequence[float]] = None,
                 std: Optional[Sequence[float]] = None,
                 **kwargs):
        super().__init__(mean=mean, std=std, **kwargs)
        if crop_scale is not None and not (len(crop_scale) == 2
                                           and 0 < crop_scale[0] <= crop_scale[1] <= 1):
            raise ValueError(f'crop_scale must be (low, high) with 0 < low <= high <= 1, '
                             f'got {crop_scale}')
        if jitter is not None and not (len(jitter) == 4 and min(jitter) >= 0 and jitter[3] <= 0.5):
            raise ValueError('jitter must be (brightness, contrast, saturation, hue) >= 0 with '
                             f'hue <= 0.5, got {jitter}')
        self.augment_overrides = dict(crop_scale=tuple(crop_scale) if crop_scale else None,
                                      jitter=tuple(jitter) if jitter is not None else None)
        augment_settings(method, **self.augment_overrides)  # an unknown preset fails here
        if num_views < 1:
            raise ValueError(f'num_views must be >= 1, got {num_views}')
        self.method = method
        self.size = size
        self.num_views = num_views
        self.channels_last = channels_last

    def forward(self, data: dict, training: bool = False) -> dict:
        if not training:
            return super().forward(data, training=False)
        data = self.cast_data(data)
        images = data['inputs']
        if isinstance(images, (list, tuple)) and images and isinstance(images[0], (list, tuple)):
            raise ValueError(
                'ContrastiveAugmentDataPreprocessor makes the views itself: the training '
                'pipeline must yield one unaugmented image per sample (drop MultiView and '
                'ContrastiveAugment, keep PackInputs)')
        if isinstance(images, (list, tuple)):
            if len({tuple(img.shape) for img in images}) > 1:
                raise ValueError('images of different sizes cannot be augmented in one batch: '
                                 'resize them in the pipeline or use the CPU ContrastiveAugment')
            images = torch.stack(list(images))
        if images.shape[1] == 1:  # grey images, as ToRGB
            images = images.expand(-1, 3, -1, -1)
        if self._channel_conversion:
            images = images[:, [2, 1, 0], ...]
        images = images.float() / 255.0
        views = []
        for _ in range(self.num_views):
            view = augment_batch(images, self.method, self.size, **self.augment_overrides) * 255.0
            if self._enable_normalize:
                view = (view - self.mean) / self.std
            if self.channels_last:
                view = view.contiguous(memory_format=torch.channels_last)
            views.append(view)
        return {'inputs': views, 'data_samples': data.get('data_samples')}
