import os
import os.path as osp
import shutil

import numpy as np
import pytest

from clae_mm.datasets import TinyImageNet
from clae_mm.registry import DATASETS
from clae_mm.utils import DatasetNotFoundError, register_all_modules
from tests.test_datasets.fake_layouts import PALETTE, make_tiny_imagenet

register_all_modules()
LOAD = [dict(type='LoadRGBImageFromFile')]


@pytest.fixture
def root(tmp_path):
    return make_tiny_imagenet(str(tmp_path / 'tiny-imagenet-200'), num_classes=3,
                              train_per_class=4, val_per_class=2)


def test_train_split_labels_follow_sorted_wnids(root):
    dataset = TinyImageNet(data_root=root, split='train', pipeline=LOAD)
    wnids = dataset.metainfo['classes']
    assert list(wnids) == sorted(wnids) and len(wnids) == 3
    assert len(dataset) == 12
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        wnid = osp.basename(info['img_path']).split('_')[0]
        assert info['gt_label'] == wnids.index(wnid)
    # Loaded as 64x64 RGB: the class colour comes back in RGB order.
    sample = dataset[0]
    assert sample['img'].shape == (64, 64, 3) and sample['img'].dtype == np.uint8
    mean = sample['img'].reshape(-1, 3).mean(0)
    assert np.abs(mean - np.array(PALETTE[sample['gt_label']])).max() < 8


def test_val_split_is_labelled_by_annotations(root):
    dataset = DATASETS.build(dict(type='TinyImageNet', data_root=root, split='val'))
    assert len(dataset) == 6
    with open(osp.join(root, 'val', 'val_annotations.txt')) as f:
        wnid_of = dict(line.split('\t')[:2] for line in f)
    classes = dataset.metainfo['classes']
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        assert classes[info['gt_label']] == wnid_of[osp.basename(info['img_path'])]


def test_unknown_split_is_refused(root):
    with pytest.raises(ValueError, match='split'):
        TinyImageNet(data_root=root, split='test')


def test_missing_dataset_names_the_layout(tmp_path):
    with pytest.raises(DatasetNotFoundError) as info:
        TinyImageNet(data_root=str(tmp_path / 'nowhere'), split='train')
    message = str(info.value)
    assert 'not found under' in message and 'wnids.txt' in message and '--data-root' in message
    assert '\n' not in message


def test_missing_class_folder(root):
    wnid = sorted(os.listdir(osp.join(root, 'train')))[0]
    shutil.rmtree(osp.join(root, 'train', wnid))
    with pytest.raises(DatasetNotFoundError, match=f'train/{wnid}/images'):
        TinyImageNet(data_root=root, split='train')


def test_unlabelled_validation_image(root):
    path = osp.join(root, 'val', 'val_annotations.txt')
    with open(path) as f:
        lines = f.readlines()
    with open(path, 'w') as f:
        f.writelines(lines[1:])
    with pytest.raises(DatasetNotFoundError, match='malformed.*not in val_annotations'):
        TinyImageNet(data_root=root, split='val')


def test_annotation_with_unknown_wnid(root):
    with open(osp.join(root, 'val', 'val_annotations.txt'), 'a') as f:
        f.write('val_99.JPEG\tn00000042\t0\t0\t1\t1\n')
    with pytest.raises(DatasetNotFoundError, match='line 7'):
        TinyImageNet(data_root=root, split='val')
