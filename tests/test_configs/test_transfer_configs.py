"""The Table 2 configs read their datasets: the ImageNet-100 pre-training
pipeline makes two 224x224 views, and every linear-probe config's
test bank (test_cfg.bank) and test set (moved by --data-root's apply_data_root) yield clean
224x224 images of that transfer set."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from clae_mm.datasets.imagenet100 import IMAGENET100_CLASSES_FILE, read_class_list
from clae_mm.registry import DATASETS
from clae_mm.utils import apply_data_root, register_all_modules
from tests.data_utils import make_cifar
from tests.test_datasets import fake_layouts

register_all_modules()
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PROBES = {
    'cifar10': lambda root: (make_cifar(root, num_per_file=2), 10),
    'cifar100': lambda root: (make_cifar(root, num_per_file=4, num_classes=100), 4),
    'cars': lambda root: (fake_layouts.make_stanford_cars(root)[0], 4),
    'aircraft': lambda root: (fake_layouts.make_fgvc_aircraft(root)[0], 8),
    'dtd': lambda root: (fake_layouts.make_dtd(root)[0], 8),
    'pets': lambda root: (fake_layouts.make_oxford_pets(root)[0], 4),
    'caltech101': lambda root: (fake_layouts.make_caltech101(root)[0], 4),
    'flowers102': lambda root: (fake_layouts.make_flowers102(root)[0], 8),
}


def _packed_image(dataset, index=0):
    inputs = dataset[index]['inputs']
    return inputs if isinstance(inputs, torch.Tensor) else inputs[0]


def test_imagenet100_pretraining_reads_imagenet_folders(tmp_path):
    root = fake_layouts.make_imagenet_folders(str(tmp_path), read_class_list(IMAGENET100_CLASSES_FILE),
                                              size=40)
    cfg = Config.fromfile(osp.join(REPO, 'configs/transfer/simclr_r18_imagenet100.py'))
    apply_data_root(cfg, root)
    train = DATASETS.build(cfg.train_dataloader.dataset)
    assert len(train) == 100
    views = train[0]['inputs']
    assert len(views) == 2 and all(v.shape == (3, 224, 224) and v.dtype == torch.uint8 for v in views)
    query = DATASETS.build(cfg.test_dataloader.dataset)
    assert _packed_image(query).shape == (3, 224, 224)


@pytest.mark.parametrize('target', sorted(PROBES))
def test_linear_probe_config_reads_its_transfer_set(target, tmp_path):
    root, num_train = PROBES[target](str(tmp_path / target))
    for name in (f'{target}.py', f'{target}_eps0.py'):
        cfg = Config.fromfile(osp.join(REPO, 'configs/transfer/linear_probe', name))
        apply_data_root(cfg, root)
        bank = DATASETS.build(cfg.test_cfg.bank.dataset)
        query = DATASETS.build(cfg.test_dataloader.dataset)
        assert cfg.val_dataloader.dataset == cfg.test_dataloader.dataset
        assert len(bank) == num_train and len(query) > 0
        assert bank.split != query.split
        image = _packed_image(query)
        assert image.shape == (3, 224, 224) and image.dtype == torch.uint8
