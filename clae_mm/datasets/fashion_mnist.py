import gzip
import os.path as osp

import numpy as np
from mmpretrain.datasets import BaseDataset

from clae_mm.registry import DATASETS
from clae_mm.utils.errors import DatasetNotFoundError

DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist'
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049


def read_idx(path: str, magic: int) -> np.ndarray:
    """Read an IDX file (gzip-compressed or raw) of unsigned bytes."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    if len(data) < 8 or int.from_bytes(data[:4], 'big') != magic:
        raise DatasetNotFoundError(f'{path} is not an IDX file with magic number {magic}')
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim))
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise DatasetNotFoundError(f'{path} is truncated: header says {shape}, '
                                   f'found {array.size} bytes of data')
    return array.reshape(shape)


@DATASETS.register_module()
class FashionMNIST(BaseDataset):
    """Fashion-MNIST from its IDX files (``train-images-idx3-ubyte[.gz]`` ...),
    by default Debian's ``dataset-fashion-mnist`` in
    ``/usr/share/datasets/fashion-mnist``. Images are 28x28 grey uint8; the
    pipeline turns them into 3-channel 32x32 images (``ToRGB`` + resize).
    """

    METAINFO = {'classes': ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
                            'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot')}
    FILES = {'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
             'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')}

    def __init__(self, data_root: str = DEBIAN_FASHION_MNIST, split: str = 'train', **kwargs):
        if split not in self.FILES:
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        self.split = split
        super().__init__(ann_file='', data_root=data_root,
                         data_prefix=dict(root=''), **kwargs)

    def _find(self, stem: str) -> str:
        root = self.data_prefix['root'] or self.data_root
        for name in (stem + '.gz', stem):
            if osp.isfile(osp.join(root, name)):
                return osp.join(root, name)
        raise DatasetNotFoundError(
            f'Fashion-MNIST not found under {root}: expected {stem}.gz (IDX); '
            "install Debian's dataset-fashion-mnist (files in "
            f'{DEBIAN_FASHION_MNIST}) or pass --data-root')

    def load_data_list(self):
        images_stem, labels_stem = self.FILES[self.split]
        images = read_idx(self._find(images_stem), _IMAGES_MAGIC)
        labels = read_idx(self._find(labels_stem), _LABELS_MAGIC)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels) or not len(images):
            raise DatasetNotFoundError(
                f'Fashion-MNIST under {self.data_root} is malformed: '
                f'{images.shape} images, {labels.shape} labels')
        num_classes = len(self.METAINFO['classes'])
        bad = np.flatnonzero(labels >= num_classes)  # uint8: never negative, always integers
        if bad.size:
            raise DatasetNotFoundError(
                f'Fashion-MNIST under {self.data_root} is malformed: label {labels[bad[0]]} at '
                f'index {bad[0]} of {labels_stem} is not a class index 0..{num_classes - 1}; '
                're-extract the dataset')
        return [dict(img=img, gt_label=int(label)) for img, label in zip(images, labels)]
