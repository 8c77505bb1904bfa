import gzip
import os.path as osp

import numpy as np
import pytest

from clae_mm.datasets import FashionMNIST
from clae_mm.utils.errors import DatasetNotFoundError
from tests.data_utils import make_fashion_mnist


def test_reads_idx_gz_files(tmp_path):
    make_fashion_mnist(str(tmp_path), num_train=12, num_test=5)
    train = FashionMNIST(data_root=str(tmp_path), split='train')
    assert len(train) == 12 and len(FashionMNIST(data_root=str(tmp_path), split='test')) == 5
    img = train.get_data_info(0)['img']
    assert img.shape == (28, 28) and img.dtype == np.uint8


def test_pipeline_makes_32x32_rgb(tmp_path):
    make_fashion_mnist(str(tmp_path), num_train=4, num_test=2)
    dataset = FashionMNIST(data_root=str(tmp_path), split='test', pipeline=[
        dict(type='ToRGB'), dict(type='Resize', scale=(32, 32)), dict(type='PackInputs')])
    assert tuple(dataset[0]['inputs'].shape) == (3, 32, 32)


def test_missing_files_point_to_the_debian_package(tmp_path):
    with pytest.raises(DatasetNotFoundError, match='dataset-fashion-mnist'):
        FashionMNIST(data_root=str(tmp_path), split='train')


def test_truncated_idx_is_a_clear_error(tmp_path):
    make_fashion_mnist(str(tmp_path), num_train=4, num_test=2)
    path = osp.join(str(tmp_path), 'train-images-idx3-ubyte.gz')
    with gzip.open(path) as f:
        data = f.read()
    with gzip.open(path, 'wb') as f:
        f.write(data[:-100])
    with pytest.raises(DatasetNotFoundError, match='truncated'):
        FashionMNIST(data_root=str(tmp_path), split='train')


@pytest.mark.skipif(not osp.isfile('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz'),
                    reason="Debian's dataset-fashion-mnist is not installed")
def test_reads_the_real_debian_files():
    test = FashionMNIST(split='test')
    assert len(test) == 10000
    labels = np.array([test.get_data_info(i)['gt_label'] for i in range(0, 10000, 97)])
    assert set(labels.tolist()) == set(range(10))
