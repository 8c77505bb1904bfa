import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from clae_mm.models.utils import AdversarialAugmentation
from clae_mm.registry import MODELS
from clae_mm.utils import apply_data_root, register_all_modules
from tests.conftest import REPO

register_all_modules()
NORMALISE = dict(mean=[127.5] * 3, std=[127.5] * 3)


def preprocessor(**kwargs):
    return MODELS.build(dict(type='ContrastiveAugmentDataPreprocessor', method='simclr', **NORMALISE,
                             **kwargs))


def uint8_images(batch=6, channels=3, size=32):
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, 256, (batch, channels, size, size), generator=g, dtype=torch.uint8)


def test_training_batch_becomes_normalised_views():
    out = preprocessor(num_views=3)(dict(inputs=uint8_images(), data_samples=None), training=True)
    views = out['inputs']
    assert len(views) == 3
    for view in views:
        assert view.shape == (6, 3, 32, 32) and view.dtype == torch.float32
        assert view.min() >= -1 and view.max() <= 1
    assert not torch.equal(views[0], views[1])


def test_channels_last_views():
    views = preprocessor(channels_last=True)(dict(inputs=uint8_images()), training=True)['inputs']
    assert all(v.is_contiguous(memory_format=torch.channels_last) for v in views)


def test_list_of_images_and_grey_images_are_accepted():
    images = uint8_images()
    torch.manual_seed(0)
    stacked = preprocessor()(dict(inputs=images), training=True)['inputs']
    torch.manual_seed(0)
    listed = preprocessor()(dict(inputs=list(images)), training=True)['inputs']
    assert all(torch.equal(a, b) for a, b in zip(stacked, listed))
    grey = preprocessor()(dict(inputs=uint8_images(channels=1, size=28)), training=True)['inputs']
    assert grey[0].shape == (6, 3, 32, 32)


def test_evaluation_only_normalises_like_selfsup_preprocessor():
    images = uint8_images()
    ours = preprocessor()(dict(inputs=images, data_samples=None), training=False)['inputs']
    plain = MODELS.build(dict(type='SelfSupDataPreprocessor', **NORMALISE))
    assert torch.equal(ours, plain(dict(inputs=images, data_samples=None), False)['inputs'])


def test_views_from_the_cpu_pipeline_are_refused():
    with pytest.raises(ValueError, match='MultiView'):
        preprocessor()(dict(inputs=[list(uint8_images()), list(uint8_images())]), training=True)


@pytest.mark.parametrize('dataset_base', ['cifar10_simclr_gpu_aug', 'cifar10_plain_gpu_aug'])
def test_gpu_aug_config_trains_a_clae_step(tmp_path, cifar10_root, dataset_base):
    method = 'simclr' if 'simclr' in dataset_base else 'plain'
    leaf = tmp_path / f'{method}_gpu_aug.py'
    bases = [f'_base_/models/{method}_r18_cifar.py', f'_base_/datasets/{dataset_base}.py',
             '_base_/schedules/adam_100e.py', '_base_/default_runtime.py']
    leaf.write_text('_base_ = [%s]\n' % ', '.join(repr(osp.join(REPO, 'configs', b)) for b in bases))
    cfg = Config.fromfile(str(leaf))
    apply_data_root(cfg, cifar10_root)
    cfg.merge_from_dict({'model.backbone.base_channels': 8, 'model.backbone.stem_channels': 8,
                         'model.neck.in_channels': 64, 'model.neck.hid_channels': 64,
                         'train_dataloader.batch_size': 8, 'train_dataloader.num_workers': 0,
                         'train_dataloader.persistent_workers': False})
    loader = Runner.build_dataloader(cfg.train_dataloader)
    batch = next(iter(loader))
    assert batch['inputs'].shape == (8, 3, 32, 32) and batch['inputs'].dtype == torch.uint8
    model = MODELS.build(dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    model.adversary = AdversarialAugmentation(eps=0.03)
    log_vars = model.train_step(batch, build_optim_wrapper(model, cfg.optim_wrapper))
    assert {'loss_aug', 'loss_adv'} <= set(log_vars)
    assert all(torch.isfinite(v) for v in log_vars.values())


def test_crop_scale_replaces_the_presets_crop_range(monkeypatch):
    """crop_scale=(1, 1) crops the whole image: with the jitter and the grey
    conversion switched off, every view is its image or its mirror image."""
    from clae_mm.models.data_preprocessors import batch_contrastive_augment as augment
    monkeypatch.setattr(augment, 'colour_jitter', lambda images, *args: images)
    monkeypatch.setattr(augment, 'random_grayscale', lambda images, p: images)
    images = uint8_images(batch=16)
    whole = (images.float() - 127.5) / 127.5
    views = preprocessor(crop_scale=(1.0, 1.0))(dict(inputs=images), training=True)['inputs']
    for view in views:
        for image, got in zip(whole, view):
            assert (torch.allclose(got, image, atol=1e-5)
                    or torch.allclose(got, image.flip(-1), atol=1e-5))
    default = preprocessor()(dict(inputs=images), training=True)['inputs'][0]
    assert not all(torch.allclose(got, image, atol=1e-3) or torch.allclose(got, image.flip(-1), atol=1e-3)
                   for image, got in zip(whole, default))  # the preset's 0.08-1 crops


@pytest.mark.parametrize('crop_scale', [(0.0, 1.0), (0.5, 0.2), (0.5, 1.5), (0.5,)])
def test_bad_crop_scale_is_refused_at_build(crop_scale):
    with pytest.raises(ValueError, match='crop_scale must be'):
        preprocessor(crop_scale=crop_scale)


def test_jitter_replaces_the_presets_colour_jitter(monkeypatch):
    """jitter=(0, 0, 0, 0) draws every factor as the identity: with whole-image
    crops and no grey conversion, each view is its image or its mirror image."""
    from clae_mm.models.data_preprocessors import batch_contrastive_augment as augment
    monkeypatch.setattr(augment, 'random_grayscale', lambda images, p: images)
    images = uint8_images(batch=8)
    whole = (images.float() - 127.5) / 127.5
    views = preprocessor(crop_scale=(1.0, 1.0), jitter=(0.0, 0.0, 0.0, 0.0))(
        dict(inputs=images), training=True)['inputs']
    for view in views:
        for image, got in zip(whole, view):
            assert (torch.allclose(got, image, atol=1e-4)
                    or torch.allclose(got, image.flip(-1), atol=1e-4))


@pytest.mark.parametrize('jitter', [(0.4, 0.4, 0.4), (0.4, -0.1, 0.4, 0.1), (0.4, 0.4, 0.4, 0.6)])
def test_bad_jitter_is_refused_at_build(jitter):
    with pytest.raises(ValueError, match='jitter must be'):
        preprocessor(jitter=jitter)
