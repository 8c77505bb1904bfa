import os
import os.path as osp

import numpy as np
import pytest

from clae_mm.datasets import (DTD, Caltech101, FGVCAircraft, Flowers102, OxfordIIITPet,
                              StanfordCars)
from clae_mm.registry import DATASETS
from clae_mm.utils import DatasetNotFoundError, register_all_modules
from tests.test_datasets import fake_layouts

register_all_modules()

# class, maker, (train split, test split), an annotation file of the layout
SETS = {
    'StanfordCars': (StanfordCars, fake_layouts.make_stanford_cars, ('train', 'test'),
                     'devkit/cars_train_annos.mat'),
    'FGVCAircraft': (FGVCAircraft, fake_layouts.make_fgvc_aircraft, ('trainval', 'test'),
                     'data/images_variant_trainval.txt'),
    'DTD': (DTD, fake_layouts.make_dtd, ('trainval', 'test'), 'imdb/imdb.mat'),
    'OxfordIIITPet': (OxfordIIITPet, fake_layouts.make_oxford_pets, ('trainval', 'test'),
                      'annotations/trainval.txt'),
    'Caltech101': (Caltech101, fake_layouts.make_caltech101, ('train', 'test'), 'meta/train.txt'),
    'Flowers102': (Flowers102, fake_layouts.make_flowers102, ('trainval', 'test'), 'imagelabels.mat'),
}


@pytest.mark.parametrize('name', sorted(SETS))
def test_reads_its_layout_through_the_registry(name, tmp_path):
    cls, make, splits, _ = SETS[name]
    root, sizes = make(str(tmp_path / name))
    for split in splits:
        dataset = DATASETS.build(dict(type=name, data_root=root, split=split,
                                      pipeline=[dict(type='LoadRGBImageFromFile')]))
        assert type(dataset) is cls  # ours, not mmpretrain's, in the clae_mm scope
        assert len(dataset) == sizes[split]
        labels = [dataset.get_data_info(i)['gt_label'] for i in range(len(dataset))]
        assert sorted(set(labels)) == [0, 1]
        sample = dataset[0]
        assert sample['img'].shape == (16, 16, 3)
        # RGB: the red channel of a class-0 (red) image dominates.
        red = [i for i, label in enumerate(labels) if label == 0][0]
        assert np.argmax(dataset[red]['img'].reshape(-1, 3).mean(0)) == 0


def test_stanford_cars_single_annotation_layout(tmp_path):
    root, sizes = fake_layouts.make_stanford_cars(str(tmp_path), devkit=False)
    assert len(StanfordCars(data_root=root, split='train')) == sizes['train']
    assert len(StanfordCars(data_root=root, split='test')) == sizes['test']


@pytest.mark.parametrize('name', sorted(SETS))
def test_missing_copy_names_the_layout(name, tmp_path):
    cls = SETS[name][0]
    with pytest.raises(DatasetNotFoundError) as info:
        cls(data_root=str(tmp_path / 'nowhere'))
    message = str(info.value)
    assert f'{cls.NAME} not found under' in message and cls.LAYOUT in message
    assert '--data-root' in message and '\n' not in message


@pytest.mark.parametrize('name', sorted(SETS))
def test_absent_image_is_malformed(name, tmp_path):
    cls, make, splits, _ = SETS[name]
    root, _ = make(str(tmp_path / name))
    path = cls(data_root=root, split=splits[1]).get_data_info(0)['img_path']
    os.remove(path)
    with pytest.raises(DatasetNotFoundError, match=r'malformed \(1 of \d+ listed images are absent'):
        cls(data_root=root, split=splits[1])


@pytest.mark.parametrize('name', sorted(SETS))
def test_corrupt_annotations_are_malformed(name, tmp_path):
    cls, make, splits, annotation = SETS[name]
    root, _ = make(str(tmp_path / name))
    with open(osp.join(root, annotation), 'wb') as f:
        f.write(b'not an annotation\n')
    with pytest.raises(DatasetNotFoundError) as info:
        cls(data_root=root, split=splits[0])
    assert f'{cls.NAME} under {root} is malformed' in str(info.value)


def test_out_of_range_label_is_malformed(tmp_path):
    root, _ = fake_layouts.make_caltech101(str(tmp_path))
    with open(osp.join(root, 'meta', 'test.txt'), 'a') as f:
        f.write('Faces/image_test0001.jpg 102\n')
    with pytest.raises(DatasetNotFoundError, match='label 102 is not a class index'):
        Caltech101(data_root=root, split='test')


def test_download_argument_is_ignored(tmp_path):
    root, sizes = fake_layouts.make_oxford_pets(str(tmp_path))
    assert len(OxfordIIITPet(data_root=root, split='test', download=True)) == sizes['test']
