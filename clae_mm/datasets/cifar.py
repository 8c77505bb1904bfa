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
        images, labels = [], []
        for name in names:
            path = osp.join(root, name)
            try:
                with open(path, 'rb') as f:
                    entry = load_data_pickle(f.read())
                data = np.asarray(entry['data'], dtype=np.uint8)
                images.append(data.reshape(-1, 3, 32, 32))
                labels.extend(entry['labels'] if 'labels' in entry else entry['fine_labels'])
            except Exception as exc:  # noqa: BLE001 -- any malformed file
                raise DatasetNotFoundError(
                    f'{self.__class__.__name__} file {path} is malformed ({exc}); '
                    're-extract the python version of the dataset') from None
        images = np.concatenate(images).transpose(0, 2, 3, 1)  # to HWC, RGB
        if len(images) != len(labels):
            raise DatasetNotFoundError(f'{root}: {len(images)} images but {len(labels)} labels')
        return [dict(img=img, gt_label=int(label)) for img, label in zip(images, labels)]


@DATASETS.register_module()
class CIFAR10(_OfflineCIFAR, _MMPretrainCIFAR10):
    """CIFAR-10 from ``data_root/cifar-10-batches-py/{data,test}_batch*``."""


@DATASETS.register_module()
class CIFAR100(_OfflineCIFAR, _MMPretrainCIFAR100):
    """CIFAR-100 from ``data_root/cifar-100-python/{train,test}``."""

    def __init__(self, data_root: str = 'data/cifar100', split: str = 'train', **kwargs):
        super().__init__(data_root=data_root, split=split, **kwargs)
