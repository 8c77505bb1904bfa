import os.path as osp
import pickle

import numpy as np
import pytest

from clae_mm.datasets import CIFAR10, CIFAR100
from clae_mm.utils.errors import DatasetNotFoundError
from tests.data_utils import make_cifar


def test_reads_cifar10_python_batches(tmp_path):
    make_cifar(str(tmp_path), num_per_file=4)
    train = CIFAR10(data_root=str(tmp_path), split='train')
    test = CIFAR10(data_root=str(tmp_path), split='test')
    assert len(train) == 20 and len(test) == 4
    item = train.get_data_info(0)
    assert item['img'].shape == (32, 32, 3) and item['img'].dtype == np.uint8
    assert 0 <= item['gt_label'] < 10


def test_reads_cifar100_fine_labels(tmp_path):
    make_cifar(str(tmp_path), num_per_file=6, num_classes=100)
    assert len(CIFAR100(data_root=str(tmp_path), split='train')) == 6


def test_missing_files_name_the_layout_and_never_download(tmp_path):
    with pytest.raises(DatasetNotFoundError, match='expected data_batch_1') as err:
        CIFAR10(data_root=str(tmp_path), split='train')
    assert '\n' not in str(err.value)


def test_malformed_batch_is_a_clear_error(tmp_path):
    make_cifar(str(tmp_path), num_per_file=4)
    with open(osp.join(str(tmp_path), 'cifar-10-batches-py', 'test_batch'), 'wb') as f:
        f.write(b'not a pickle')
    with pytest.raises(DatasetNotFoundError, match='malformed'):
        CIFAR10(data_root=str(tmp_path), split='test')


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    make_cifar(str(tmp_path), num_per_file=4)
    marker = tmp_path / 'pwned'

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), 'w'))

    with open(osp.join(str(tmp_path), 'cifar-10-batches-py', 'test_batch'), 'wb') as f:
        pickle.dump({'data': Payload(), 'labels': [0]}, f)
    with pytest.raises(DatasetNotFoundError, match='refusing to load'):
        CIFAR10(data_root=str(tmp_path), split='test')
    assert not marker.exists()
