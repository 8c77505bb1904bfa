import os
import os.path as osp

from mmpretrain.datasets import BaseDataset

from clae_mm.registry import DATASETS
from clae_mm.utils.errors import DatasetNotFoundError

IMAGE_EXTENSIONS = ('.jpeg', '.jpg', '.png')
LAYOUT = ('wnids.txt, train/<wnid>/images/*.JPEG, val/images/*.JPEG and '
          'val/val_annotations.txt (tiny-imagenet-200.zip, unpacked)')


def _images_in(folder: str):
    return sorted(name for name in os.listdir(folder) if name.lower().endswith(IMAGE_EXTENSIONS))


@DATASETS.register_module()
class TinyImageNet(BaseDataset):
    """tinyImageNet (200 classes, 64x64) in its official layout::

        tiny-imagenet-200/
        ├── wnids.txt
        ├── train/<wnid>/images/<wnid>_<i>.JPEG
        └── val/images/val_<i>.JPEG + val/val_annotations.txt

    ``split='train'`` (100,000 images) or ``'val'`` (10,000 images, labelled
    by ``val_annotations.txt``; the paper's test set). Class indices follow
    the sorted wnids, as the authors' ``datasets/create_pickle.py``; images
    are listed in sorted order. Items carry ``img_path``: put
    ``LoadRGBImageFromFile`` first in the pipeline.
    """

    SPLITS = ('train', 'val')

    def __init__(self, data_root: str = 'data/tiny-imagenet-200', split: str = 'train', **kwargs):
        if split not in self.SPLITS:
            raise ValueError(f'split must be one of {self.SPLITS}, got {split!r}')
        self.split = split
        super().__init__(ann_file='', data_root=data_root, data_prefix='', **kwargs)

    def _missing(self, what: str) -> DatasetNotFoundError:
        return DatasetNotFoundError(
            f'tinyImageNet not found under {self.data_root}: {what}; expected {LAYOUT}; '
            'pass --data-root')

    def _malformed(self, what: str) -> DatasetNotFoundError:
        return DatasetNotFoundError(
            f'tinyImageNet under {self.data_root} is malformed: {what}; '
            're-extract tiny-imagenet-200.zip there')

    def _read_wnids(self):
        path = osp.join(self.data_root, 'wnids.txt')
        if not osp.isfile(path):
            raise self._missing('no wnids.txt')
        with open(path) as f:
            wnids = [line.strip() for line in f if line.strip()]
        if not wnids or len(set(wnids)) != len(wnids):
            raise self._malformed(f'{path} lists {len(wnids)} wnids, {len(set(wnids))} distinct')
        return sorted(wnids)

    def _train_samples(self, label_of: dict):
        samples = []
        for wnid, label in label_of.items():
            folder = osp.join(self.data_root, 'train', wnid, 'images')
            if not osp.isdir(folder):
                raise self._missing(f'no folder train/{wnid}/images')
            names = _images_in(folder)
            if not names:
                raise self._malformed(f'train/{wnid}/images holds no image')
            samples += [(osp.join(folder, name), label) for name in names]
        return samples

    def _val_samples(self, label_of: dict):
        folder = osp.join(self.data_root, 'val', 'images')
        annotations = osp.join(self.data_root, 'val', 'val_annotations.txt')
        if not osp.isdir(folder) or not osp.isfile(annotations):
            raise self._missing('no val/images or val/val_annotations.txt')
        wnid_of = {}
        with open(annotations) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                fields = line.rstrip('\n').split('\t')
                if len(fields) < 2 or fields[1] not in label_of:
                    raise self._malformed(f'val_annotations.txt line {number} ({line.strip()!r}) '
                                          'is not "<file>\\t<wnid from wnids.txt>\\t..."')
                wnid_of[fields[0]] = fields[1]
        names = _images_in(folder)
        unlabelled = [name for name in names if name not in wnid_of]
        if not names or unlabelled:
            raise self._malformed(f'{len(names)} validation images, {len(unlabelled)} of them '
                                  f'not in val_annotations.txt (e.g. {unlabelled[:1]})')
        return [(osp.join(folder, name), label_of[wnid_of[name]]) for name in names]

    def load_data_list(self):
        wnids = self._read_wnids()
        self._metainfo['classes'] = tuple(wnids)
        label_of = {wnid: index for index, wnid in enumerate(wnids)}
        samples = self._train_samples(label_of) if self.split == 'train' else self._val_samples(label_of)
        return [dict(img_path=path, gt_label=label) for path, label in samples]
