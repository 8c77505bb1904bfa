"""Tiny datasets in their real on-disk formats, for tests."""
import gzip
import os
import os.path as osp
import sys

import numpy as np

sys.path.insert(0, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'tools', 'benchmarks'))
from synthetic_cifar import write_synthetic_cifar  # noqa: E402


def make_cifar(root: str, num_per_file: int = 8, num_classes: int = 10, seed: int = 0) -> str:
    """CIFAR-10 (``num_classes=10``) or CIFAR-100 python batches under ``root``
    (tools/benchmarks/synthetic_cifar.py, which the GPU check writes its images with)."""
    return write_synthetic_cifar(root, num_per_file=num_per_file, num_classes=num_classes, seed=seed)


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
