import pytest
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as TF

from clae_mm.utils.augment_presets import AUGMENT_PRESETS
from clae_mm.models.data_preprocessors import augment_batch
from clae_mm.models.data_preprocessors.batch_contrastive_augment import (
    adjust_brightness, adjust_contrast, adjust_hue, adjust_saturation, colour_jitter,
    random_grayscale, random_horizontal_flip, random_resized_crop_boxes, resized_crops)


def images(batch=16, size=32, seed=0):
    return torch.rand(batch, 3, size, size, generator=torch.Generator().manual_seed(seed))


def is_grey(views):
    return (views[:, 0] == views[:, 1]).flatten(1).all(1) & (views[:, 1] == views[:, 2]).flatten(1).all(1)


@pytest.mark.parametrize('method', sorted(AUGMENT_PRESETS))
@pytest.mark.parametrize('in_size,out_size', [(32, 32), (28, 32), (64, 24)])
def test_views_have_the_requested_shape_and_range(method, in_size, out_size):
    views = augment_batch(images(size=in_size), method, out_size)
    assert views.shape == (16, 3, out_size, out_size) and views.dtype == torch.float32
    assert views.min() >= 0 and views.max() <= 1


def test_views_are_reproducible_under_a_seed_and_differ_across_samples():
    batch = images(1).expand(8, -1, -1, -1)  # one image eight times
    torch.manual_seed(3)
    first = augment_batch(batch, 'simclr', 32)
    torch.manual_seed(3)
    assert torch.equal(first, augment_batch(batch, 'simclr', 32))
    assert not torch.equal(first, augment_batch(batch, 'simclr', 32))
    # per-sample parameters: the copies of one image get different views
    assert len({tuple(v.flatten()[:64].tolist()) for v in first}) == 8


def test_crop_boxes_lie_in_the_image_and_follow_torchvision_distribution():
    torch.manual_seed(0)
    n, scale, ratio = 4000, (0.08, 1.0), (3 / 4, 4 / 3)
    boxes = random_resized_crop_boxes(n, 32, 40, scale, ratio)
    left, top, right, bottom = boxes.unbind(1)
    assert (left >= 0).all() and (top >= 0).all() and (right <= 40).all() and (bottom <= 32).all()
    w, h = right - left, bottom - top
    assert (w >= 1).all() and (h >= 1).all()
    area = w * h / (32 * 40)
    # rounding of w and h lets the area and ratio leave their bounds by a pixel at most
    assert area.min() > 0.05 and ((w / h) > 0.6).all() and ((w / h) < 1.6).all()
    reference = torch.tensor([T.RandomResizedCrop.get_params(torch.zeros(3, 32, 40), scale, ratio)
                              for _ in range(n)], dtype=torch.float)
    ref_area = reference[:, 2] * reference[:, 3] / (32 * 40)
    assert abs(area.mean() - ref_area.mean()) < 0.02
    assert abs(top.mean() - reference[:, 0].mean()) < 0.5
    assert abs(left.mean() - reference[:, 1].mean()) < 0.5


def test_crop_falls_back_to_the_central_crop_when_no_attempt_fits():
    boxes = random_resized_crop_boxes(50, 10, 40, scale=(1.0, 1.0))  # wide image: never fits
    # the widest box within ratio 4/3: 13 x 10, centred
    assert torch.equal(boxes, torch.tensor([[13.0, 0.0, 26.0, 10.0]]).expand(50, 4))


@pytest.mark.parametrize('size', [32, 12])
def test_resized_crop_equals_torchvision_bilinear_resize_of_the_crop(size):
    x = images(3)
    boxes = torch.tensor([[4.0, 6.0, 20.0, 26.0], [0.0, 0.0, 32.0, 32.0], [30.0, 0.0, 32.0, 3.0]])
    ours = resized_crops(x, boxes, size)
    for img, (left, top, right, bottom), view in zip(x, boxes.int().tolist(), ours):
        expected = TF.resized_crop(img, top, left, bottom - top, right - left, [size, size],
                                   antialias=False)
        assert torch.allclose(view, expected, atol=1e-5)
    if size == 32:
        assert torch.allclose(ours[1], x[1], atol=1e-6)  # the whole image at its size


@pytest.mark.parametrize('ours,theirs,factor', [
    (adjust_brightness, TF.adjust_brightness, 1.4), (adjust_contrast, TF.adjust_contrast, 0.5),
    (adjust_saturation, TF.adjust_saturation, 1.6), (adjust_hue, TF.adjust_hue, 0.2),
    (adjust_hue, TF.adjust_hue, -0.4)])
def test_colour_operations_match_torchvision(ours, theirs, factor):
    x = images(4)
    x[0, :, :8] = 0.5  # grey pixels: no hue
    expected = torch.stack([theirs(img, factor) for img in x])
    # torchvision's tensor grey weights are (0.2989, 0.587, 0.114), ours PIL's 0.299
    assert torch.allclose(ours(x, torch.full((4,), factor)), expected, atol=2e-4)


def test_colour_jitter_applies_the_drawn_factors_in_each_samples_own_order():
    x, strength, p = images(12), (0.8, 0.8, 0.8, 0.2), 0.8
    torch.manual_seed(5)
    ours = colour_jitter(x, strength, p)
    # the same draws, in the same order, applied one sample at a time by torchvision
    torch.manual_seed(5)
    factors = [torch.rand(12) * 2 * s + (1 - s) for s in strength[:3]]
    factors.append(torch.rand(12) * 2 * strength[3] - strength[3])
    order = torch.rand(12, 4).argsort(dim=1)
    applied = torch.rand(12) < p
    functions = (TF.adjust_brightness, TF.adjust_contrast, TF.adjust_saturation, TF.adjust_hue)
    for i in range(12):
        expected = x[i]
        if applied[i]:
            for op in order[i].tolist():
                expected = functions[op](expected, factors[op][i].item())
        assert torch.allclose(ours[i], expected, atol=1e-3), i


def test_flip_greyscale_and_jitter_rates():
    torch.manual_seed(0)
    x = images(2000, size=8)
    flipped = random_horizontal_flip(x)
    flip_rate = (flipped != x).flatten(1).any(1).float().mean()
    assert abs(flip_rate - 0.5) < 0.05
    assert abs(is_grey(random_grayscale(x, 0.2)).float().mean() - 0.2) < 0.03
    changed = (colour_jitter(x, (0.8, 0.8, 0.8, 0.2), p=0.8) != x).flatten(1).any(1)
    assert abs(changed.float().mean() - 0.8) < 0.04


@pytest.mark.parametrize('method', ['plain', 'simclr'])
def test_greyscale_rate_of_whole_views(method):
    torch.manual_seed(1)
    views = augment_batch(images(2000, size=16), method, 16)
    assert abs(is_grey(views).float().mean() - AUGMENT_PRESETS[method]['grey_p']) < 0.03
