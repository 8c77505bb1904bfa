"""Synthetic CIFAR in the real on-disk format, for tests and benchmarks that
must run where the dataset cannot be downloaded (a GPU machine with no
internet, the test suite)."""
import os
import os.path as osp
import pickle

import numpy as np


def write_synthetic_cifar(root: str, num_per_file: int = 8, num_classes: int = 10,
                          seed: int = 0) -> str:
    """CIFAR-10 (``num_classes=10``: ``cifar-10-batches-py/data_batch_1..5`` and
    ``test_batch``) or CIFAR-100 (``cifar-100-python/train`` and ``test``)
    python pickles under ``root``, ``num_per_file`` 32x32 images in each, as the
    :class:`~clae_mm.datasets.CIFAR10` loader reads them. Returns ``root``.

    Images are class-dependent colour blobs plus noise, so a learned (or even
    raw-pixel) kNN can beat chance. ``num_per_file=10000`` gives CIFAR-10's
    sizes (50,000 training images)."""
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
