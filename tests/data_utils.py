"""Tiny datasets in their real on-disk formats, for tests."""
import gzip
import os
import os.path as osp
import pickle

import numpy as np


def make_cifar(root: str, num_per_file: int = 8, num_classes: int = 10, seed: int = 0) -> str:
    """CIFAR-10 (``num_classes=10``) or CIFAR-100 python batches under ``root``.

    Images are class-dependent colour blobs plus noise, so a learned (or even
    raw-pixel) kNN can beat chance."""
    rng = np.random.default_rng(seed)
    cifar100 = num_classes == 100
    folder = osp.join(root, 'cifar-100-python' if cifar100 else 'cifar-10-batches-py')
    os.makedirs(folder, exist_ok=True)
    names = ['train', 'test'] if cifar100 else [f'data_batch_{i}' for i in range(1, 6)] + ['test_batch']
    palette = rng.integers(0, 256, (num_classes, 3))
    for name in names:
        labels = rng.integers(0, num_classes, num_per_file)
        images = rng.integers(0, 64, (num_per_file, 3, 32, 32)).astype(np.int64)
        images += palette[labels][:, :, None, None] // 2
        data = np.clip(images, 0, 255).astype(np.uint8).reshape(num_per_file, -1)
        entry = {'data': data, ('fine_labels' if cifar100 else 'labels'): labels.tolist()}
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump(entry, f)
    return root


def _write_idx(path: str, array: np.ndarray) -> None:
    magic = 2051 if array.ndim == 3 else 2049
    header = magic.to_bytes(4, 'big') + b''.join(int(d).to_bytes(4, 'big') for d in array.shape)
    with gzip.open(path, 'wb') as f:
        f.write(header + array.astype(np.uint8).tobytes())


def make_fashion_mnist(root: str, num_train: int = 32, num_test: int = 16, seed: int = 0) -> str:
    """Fashion-MNIST IDX ``.gz`` files (28x28 grey) under ``root``."""
    rng = np.random.default_rng(seed)
    os.makedirs(root, exist_ok=True)
    for prefix, n in (('train', num_train), ('t10k', num_test)):
        labels = rng.integers(0, 10, n)
        images = rng.integers(0, 40, (n, 28, 28)) + (labels * 20)[:, None, None]
        _write_idx(osp.join(root, f'{prefix}-images-idx3-ubyte.gz'), images)
        _write_idx(osp.join(root, f'{prefix}-labels-idx1-ubyte.gz'), labels)
    return root
