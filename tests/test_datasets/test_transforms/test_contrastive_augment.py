import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose

from clae_mm.datasets.transforms import AUGMENT_PRESETS, ContrastiveAugment
from tests.conftest import REPO
from tests.model_utils import register_all_modules  # noqa: F401


@pytest.mark.parametrize('config', ['configs/clae/plain_r18_cifar10.py',
                                    'configs/clae/simclr_r18_cifar100.py',
                                    'configs/_base_/datasets/fashion_mnist_simclr.py'])
def test_real_training_pipeline_with_hue_jitter_runs_under_this_numpy(config):
    """Every method jitters hue; mmcv's adjust_hue overflows under numpy >= 2
    (uint8 + negative Python int). Our views go through torchvision's PIL ops."""
    cfg = Config.fromfile(osp.join(REPO, config))
    pipeline = Compose(cfg.train_dataloader.dataset.pipeline)
    rng = np.random.default_rng(0)
    grey = 'fashion' in config
    for _ in range(30):
        img = rng.integers(0, 256, (28, 28) if grey else (32, 32, 3), dtype=np.uint8)
        out = pipeline(dict(img=img, gt_label=0))
        views = out['inputs']
        assert len(views) == 2
        assert all(v.shape == (3, 32, 32) and v.dtype == torch.uint8 for v in views)


def test_presets_follow_the_authors():
    assert AUGMENT_PRESETS['plain']['jitter'] == (0.4, 0.4, 0.4, 0.4)
    assert AUGMENT_PRESETS['simclr']['jitter'] == (0.8, 0.8, 0.8, 0.2)
    assert AUGMENT_PRESETS['simclr']['crop_scale'] == (0.08, 1.0)
    assert AUGMENT_PRESETS['plain']['crop_scale'] == (0.2, 1.0)


def test_views_differ_and_unknown_preset_is_refused():
    augment = ContrastiveAugment('simclr', size=32)
    img = np.random.default_rng(1).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    a = augment(dict(img=img.copy()))['img']
    b = augment(dict(img=img.copy()))['img']
    assert a.shape == (32, 32, 3) and not np.array_equal(a, b)
    with pytest.raises(ValueError, match='unknown augmentation preset'):
        ContrastiveAugment('byol')
