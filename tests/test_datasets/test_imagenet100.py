import os
import os.path as osp
import re
import shutil

import pytest

from clae_mm.datasets import ImageNet100
from clae_mm.datasets.imagenet100 import IMAGENET100_CLASSES_FILE, read_class_list
from clae_mm.utils import DatasetNotFoundError, register_all_modules
from tests.test_datasets.fake_layouts import make_imagenet_folders

register_all_modules()
CMC_CLASSES = read_class_list(IMAGENET100_CLASSES_FILE)


def test_shipped_class_list_is_cmc_imagenet100():
    assert len(CMC_CLASSES) == 100 == len(set(CMC_CLASSES))
    assert all(re.fullmatch(r'n\d{8}', wnid) for wnid in CMC_CLASSES)
    # First and last lines of CMC's imagenet100.txt.
    assert CMC_CLASSES[0] == 'n02869837' and CMC_CLASSES[-1] == 'n02090622'


@pytest.fixture(scope='module')
def imagenet_root(tmp_path_factory):
    """A full-ImageNet-like tree: the 100 classes plus two that are not in the list."""
    root = str(tmp_path_factory.mktemp('imagenet'))
    return make_imagenet_folders(root, CMC_CLASSES + ['n00000001', 'n99999999'], per_class=1)


@pytest.mark.parametrize('split', ['train', 'val'])
def test_keeps_only_the_100_classes(imagenet_root, split):
    dataset = ImageNet100(data_root=imagenet_root, split=split)
    assert len(dataset) == 100
    classes = dataset.metainfo['classes']
    assert list(classes) == sorted(CMC_CLASSES)
    for i in (0, 57, 99):
        info = dataset.get_data_info(i)
        assert info['img_path'].startswith(osp.join(imagenet_root, split) + os.sep)
        assert osp.basename(osp.dirname(info['img_path'])) == classes[info['gt_label']]


def test_custom_class_list_and_pipeline(imagenet_root, tmp_path):
    classes_file = tmp_path / 'three.txt'
    classes_file.write_text('n02869837\n\nn01749939\nn02488291\n')
    dataset = ImageNet100(data_root=imagenet_root, split='train', classes_file=str(classes_file),
                          pipeline=[dict(type='LoadRGBImageFromFile')])
    assert len(dataset) == 3
    assert dataset.metainfo['classes'] == ('n01749939', 'n02488291', 'n02869837')
    assert dataset[0]['img'].shape == (8, 8, 3)


def test_missing_classes_are_reported(tmp_path):
    root = make_imagenet_folders(str(tmp_path), CMC_CLASSES[:98])
    with pytest.raises(DatasetNotFoundError) as info:
        ImageNet100(data_root=root, split='train')
    message = str(info.value)
    assert '2 of its 100 class folders are missing' in message and '--data-root' in message
    assert '\n' not in message


def test_missing_root(tmp_path):
    with pytest.raises(DatasetNotFoundError, match='ImageNet-100 not found under'):
        ImageNet100(data_root=str(tmp_path / 'nowhere'), split='val')


def test_empty_class_folder_is_malformed(tmp_path):
    root = make_imagenet_folders(str(tmp_path), CMC_CLASSES, splits=('val',))
    folder = osp.join(root, 'val', CMC_CLASSES[5])
    shutil.rmtree(folder)
    os.makedirs(folder)
    with pytest.raises(DatasetNotFoundError, match=f'malformed.*{CMC_CLASSES[5]} holds no image'):
        ImageNet100(data_root=root, split='val')
