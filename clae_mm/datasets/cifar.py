import os.path as osp

import numpy as np
from mmpretrain.datasets import CIFAR10 as _MMPretrainCIFAR10
from mmpretrain.datasets import CIFAR100 as _MMPretrainCIFAR100

from clae_mm.registry import DATASETS
from clae_mm.utils.errors import DatasetNotFoundError
from .safe_pickle import load_data_pickle


class _OfflineCIFAR:
    """CIFAR python batches read from disk: no md5 check, no download, and a
    one-line error that says where the files go."""

    def __init__(self, data_root: str = 'data/cifar10', split: str = 'train', **kwargs):
        kwargs.pop('download', None)
        super().__init__(data_root=data_root, split=split, download=False, **kwargs)

    def _expected_files(self):
        files = self.train_list if self.split == 'train' else self.test_list
        return [name for name, _ in files]

    def load_data_list(self):
        root = osp.join(self.data_prefix['root'], self.base_folder)
        names = self._expected_files()
        missing = [n for n in names if not osp.isfile(osp.join(root, n))]
        if missing:
            raise DatasetNotFoundError(
                f'{self.__class__.__name__} not found under {root}: expected '
                f'{", ".join(names)} (the python version of the dataset, '
                f'{self.url}); unpack it there or pass --data-root')
        num_classes = len(self.METAINFO['classes'])
        images, labels = [], []
        for name in names:
            path = osp.join(root, name)
            try:
                with open(path, 'rb') as f:
                    entry = load_data_pickle(f.read())
                data = np.asarray(entry['data'], dtype=np.uint8).reshape(-1, 3, 32, 32)
                file_labels = entry['labels'] if 'labels' in entry else entry['fine_labels']
                problem = _label_problem(file_labels, len(data), num_classes)
            except Exception as exc:  # noqa: BLE001 -- any malformed file
                problem = str(exc)
            if problem:
                raise DatasetNotFoundError(
                    f'{self.__class__.__name__} file {path} is malformed ({problem}); '
                    're-extract the python version of the dataset')
            images.append(data)
            labels.extend(int(label) for label in file_labels)
        images = np.concatenate(images).transpose(0, 2, 3, 1)  # to HWC, RGB
        return [dict(img=img, gt_label=label) for img, label in zip(images, labels)]


def _label_problem(labels, num_images: int, num_classes: int) -> str:
    """What is wrong with a batch file's labels ('' when nothing): a batch
    file with no image, labels that are not integers (3.5, '3', True) or not
    class indices, or a count that differs from the images'."""
    if num_images == 0:
        return 'it holds no image'
    if len(labels) != num_images:
        return f'{num_images} images but {len(labels)} labels'
    for index, label in enumerate(labels):
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
            return f'label {label!r} at index {index} is not an integer'
        if not 0 <= label < num_classes:
            return f'label {label} at index {index} is not a class index 0..{num_classes - 1}'
    return ''


@DATASETS.register_module()
class CIFAR10(_OfflineCIFAR, _MMPretrainCIFAR10):
    """CIFAR-10 from ``data_root/cifar-10-batches-py/{data,test}_batch*``."""


@DATASETS.register_module()
class CIFAR100(_OfflineCIFAR, _MMPretrainCIFAR100):
    """CIFAR-100 from ``data_root/cifar-100-python/{train,test}``."""

    def __init__(self, data_root: str = 'data/cifar100', split: str = 'train', **kwargs):
        super().__init__(data_root=data_root, split=split, **kwargs)
