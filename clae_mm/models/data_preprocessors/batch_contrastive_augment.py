"""The authors' contrastive augmentations on a whole batch, on its device.

The same presets as :class:`ContrastiveAugment` (the torchvision PIL pipelines
of the authors' Plain/UEL ``transform_train`` and SimCLR
``TransformsSimCLR``), with every random parameter drawn per sample as
torchvision draws it: RandomResizedCrop (scale, ratio 3/4-4/3, ten attempts
then the central crop), horizontal flip (p 0.5), ColorJitter with a random
order of its four operations per sample (behind RandomApply for SimCLR) and
RandomGrayscale. Nothing leaves the device and nothing synchronises with the
host, so the augmentation of a CIFAR batch costs a few small kernels.

Deviations in numerics from the PIL pipeline (the distribution of views is
the same, single pixels are not): the images stay float in [0, 1] between the
operations (PIL rounds to uint8 after each); the crop is resized by bilinear
sampling, as PIL's bilinear for enlargements (every crop of a 32 x 32 image
to 32 x 32) but without PIL's antialiasing for reductions; the grey
conversion uses PIL's weights (0.299, 0.587, 0.114) without its rounding,
and contrast the exact grey mean (PIL rounds it to an integer).
"""
import math
from typing import Sequence

import torch
import torch.nn.functional as F

from clae_mm.utils.augment_presets import augment_settings

CROP_RATIO = (3 / 4, 4 / 3)  # torchvision's RandomResizedCrop default
CROP_ATTEMPTS = 10


def uniform(low: float, high: float, shape, device) -> torch.Tensor:
    return torch.rand(shape, device=device) * (high - low) + low


def random_resized_crop_boxes(batch: int, height: int, width: int,
                              scale: Sequence[float], ratio: Sequence[float] = CROP_RATIO,
                              device=None) -> torch.Tensor:
    """Per-sample crop boxes ``(x1, y1, x2, y2)`` in pixels, drawn as
    ``RandomResizedCrop.get_params``: the first of ten attempts (area
    fraction in ``scale``, log-uniform aspect ratio in ``ratio``) that fits,
    else the central crop of the largest box within ``ratio``."""
    area = height * width
    target_area = area * uniform(scale[0], scale[1], (batch, CROP_ATTEMPTS), device)
    aspect = torch.exp(uniform(math.log(ratio[0]), math.log(ratio[1]), (batch, CROP_ATTEMPTS), device))
    w = torch.round(torch.sqrt(target_area * aspect))
    h = torch.round(torch.sqrt(target_area / aspect))
    fits = (w > 0) & (w <= width) & (h > 0) & (h <= height)
    first = fits.int().argmax(dim=1, keepdim=True)  # first attempt that fits
    found = fits.any(dim=1)
    w, h = w.gather(1, first).squeeze(1), h.gather(1, first).squeeze(1)
    top = torch.floor(torch.rand(batch, device=device) * (height - h + 1))
    left = torch.floor(torch.rand(batch, device=device) * (width - w + 1))

    # torchvision's fallback: the central crop with the aspect ratio clamped.
    in_ratio = width / height
    if in_ratio < min(ratio):
        fallback_w, fallback_h = width, round(width / min(ratio))
    elif in_ratio > max(ratio):
        fallback_w, fallback_h = round(height * max(ratio)), height
    else:
        fallback_w, fallback_h = width, height
    w = torch.where(found, w, torch.full_like(w, fallback_w))
    h = torch.where(found, h, torch.full_like(h, fallback_h))
    top = torch.where(found, top, torch.full_like(top, (height - fallback_h) // 2))
    left = torch.where(found, left, torch.full_like(left, (width - fallback_w) // 2))
    return torch.stack([left, top, left + w, top + h], dim=1)


def resized_crops(images: torch.Tensor, boxes: torch.Tensor, size: int) -> torch.Tensor:
    """Crop every image to its box and resize it to ``size`` x ``size``.

    Bilinear samples at the output pixels' centres mapped into the box and
    clamped to the box's outer pixel centres: torchvision's
    ``resized_crop`` of a tensor without antialiasing, and PIL's bilinear
    resize of the cropped image for enlargements (every CIFAR crop)."""
    _, _, height, width = images.shape
    steps = (torch.arange(size, device=images.device, dtype=images.dtype) + 0.5) / size
    left, top, right, bottom = boxes.to(images.dtype).unbind(1)

    def centres(start, stop):  # source pixel coordinates, pixel k's centre at k
        coords = start[:, None] + steps[None] * (stop - start)[:, None] - 0.5
        return torch.minimum(torch.maximum(coords, start[:, None]), stop[:, None] - 1)

    # grid_sample (align_corners=False) spans pixel edges: centre k is (2k + 1) / W - 1
    grid_x = (2 * centres(left, right) + 1) / width - 1
    grid_y = (2 * centres(top, bottom) + 1) / height - 1
    grid = torch.stack([grid_x[:, None, :].expand(-1, size, -1),
                        grid_y[:, :, None].expand(-1, -1, size)], dim=-1)
    return F.grid_sample(images, grid, mode='bilinear', padding_mode='border', align_corners=False)


def grey(images: torch.Tensor) -> torch.Tensor:
    """ITU-R 601-2 luma (PIL's ``convert('L')`` weights), one channel."""
    r, g, b = images.unbind(dim=1)
    return (0.299 * r + 0.587 * g + 0.114 * b).unsqueeze(1)


def blend(images: torch.Tensor, other: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
    """``factor * images + (1 - factor) * other``, clamped to [0, 1] (PIL's
    ImageEnhance and torchvision's ``_blend``); ``factor`` is per sample."""
    factor = factor.view(-1, 1, 1, 1)
    return (factor * images + (1 - factor) * other).clamp(0, 1)


def adjust_brightness(images: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
    return blend(images, torch.zeros_like(images), factor)


def adjust_contrast(images: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
    return blend(images, grey(images).mean(dim=(1, 2, 3), keepdim=True), factor)


def adjust_saturation(images: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
    return blend(images, grey(images), factor)


def rgb_to_hsv(images: torch.Tensor) -> torch.Tensor:
    """PIL's RGB -> HSV (as torchvision's tensor ``adjust_hue``), all in [0, 1]."""
    r, g, b = images.unbind(dim=1)
    value = images.max(dim=1).values
    chroma = value - images.min(dim=1).values
    grey_pixel = chroma == 0
    saturation = chroma / torch.where(grey_pixel, torch.ones_like(value), value)
    divisor = torch.where(grey_pixel, torch.ones_like(chroma), chroma)
    rc, gc, bc = (value - r) / divisor, (value - g) / divisor, (value - b) / divisor
    is_r = value == r
    is_g = (value == g) & ~is_r
    is_b = ~is_g & ~is_r
    hue = is_r * (bc - gc) + is_g * (2.0 + rc - bc) + is_b * (4.0 + gc - rc)
    hue = torch.fmod(hue / 6.0 + 1.0, 1.0)
    return torch.stack([hue, saturation, value], dim=1)


def hsv_to_rgb(hsv: torch.Tensor) -> torch.Tensor:
    """HSV -> RGB: channel n is v - v s clamp(min(k, 4 - k), 0, 1), k = (n + 6 h) mod 6."""
    hue, saturation, value = hsv.unbind(dim=1)
    n = torch.tensor([5.0, 3.0, 1.0], device=hsv.device, dtype=hsv.dtype).view(1, 3, 1, 1)
    k = torch.remainder(n + 6.0 * hue.unsqueeze(1), 6.0)
    weight = torch.minimum(k, 4.0 - k).clamp(0, 1)
    return (value.unsqueeze(1) * (1 - saturation.unsqueeze(1) * weight)).clamp(0, 1)


def adjust_hue(images: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Rotate the hue by ``shift`` (a fraction of the circle, per sample)."""
    hsv = rgb_to_hsv(images)
    hue = torch.remainder(hsv[:, 0] + shift.view(-1, 1, 1), 1.0)
    return hsv_to_rgb(torch.stack([hue, hsv[:, 1], hsv[:, 2]], dim=1))


JITTER_OPERATIONS = (adjust_brightness, adjust_contrast, adjust_saturation, adjust_hue)


def colour_jitter(images: torch.Tensor, strength: Sequence[float], p: float = 1.0) -> torch.Tensor:
    """``RandomApply([ColorJitter(*strength)], p)`` per sample.

    Factors are drawn as torchvision's ``ColorJitter.get_params``
    (brightness, contrast, saturation uniform in [max(0, 1 - s), 1 + s], hue
    uniform in [-s, s]) and so is the order of the four operations: a random
    permutation per sample. Each position applies, to every sample, the
    operation that sample draws there (``torch.where``: no host sync).
    """
    batch, device = images.shape[0], images.device
    brightness, contrast, saturation, hue = strength
    factors = [uniform(max(0.0, 1 - s), 1 + s, (batch,), device)
               for s in (brightness, contrast, saturation)]
    factors.append(uniform(-hue, hue, (batch,), device))
    order = torch.rand(batch, len(JITTER_OPERATIONS), device=device).argsort(dim=1)
    applied = torch.rand(batch, device=device) < p
    out = images
    for position in range(len(JITTER_OPERATIONS)):
        for index, (operation, factor) in enumerate(zip(JITTER_OPERATIONS, factors)):
            chosen = (order[:, position] == index) & applied
            out = torch.where(chosen.view(-1, 1, 1, 1), operation(out, factor), out)
    return out


def random_grayscale(images: torch.Tensor, p: float) -> torch.Tensor:
    chosen = torch.rand(images.shape[0], device=images.device) < p
    return torch.where(chosen.view(-1, 1, 1, 1), grey(images).expand_as(images), images)


def random_horizontal_flip(images: torch.Tensor, p: float = 0.5) -> torch.Tensor:
    chosen = torch.rand(images.shape[0], device=images.device) < p
    return torch.where(chosen.view(-1, 1, 1, 1), images.flip(-1), images)


def augment_batch(images: torch.Tensor, method: str, size: int, **overrides) -> torch.Tensor:
    """One augmented view of every image of a batch, in the authors' order.

    Args:
        images (Tensor): (B, 3, H, W) float images in [0, 1], on any device.
        method (str): the preset of :data:`~clae_mm.utils.augment_presets.AUGMENT_PRESETS` ('plain', 'uel',
            'simclr').
        size (int): side of the square output views.
        **overrides: preset settings to replace (:func:`augment_settings`).

    Returns:
        Tensor: (B, 3, size, size) views in [0, 1].
    """
    preset = augment_settings(method, **overrides)
    batch, _, height, width = images.shape
    boxes = random_resized_crop_boxes(batch, height, width, preset['crop_scale'], device=images.device)
    views = resized_crops(images, boxes, size)
    if preset['flip_first']:  # SimCLR: crop, flip, jitter, grey
        views = random_horizontal_flip(views)
    views = colour_jitter(views, preset['jitter'], preset['jitter_p'])
    views = random_grayscale(views, preset['grey_p'])
    if not preset['flip_first']:  # Plain/UEL: crop, jitter, grey, flip
        views = random_horizontal_flip(views)
    return views

