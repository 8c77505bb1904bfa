"""The transfer sets of the paper's Table 2, read offline.

mmpretrain's classes already parse each official layout; these subclasses
check the layout first and turn a missing or malformed copy into a
one-line :class:`DatasetNotFoundError` that names the expected files (mmpretrain
raises an assertion, a ``RuntimeError`` or a bare ``FileNotFoundError``
deep inside its parser). None of them downloads or checks checksums.
"""
import os.path as osp
from typing import List

from mmpretrain.datasets import DTD as _MMPretrainDTD
from mmpretrain.datasets import Caltech101 as _MMPretrainCaltech101
from mmpretrain.datasets import FGVCAircraft as _MMPretrainFGVCAircraft
from mmpretrain.datasets import Flowers102 as _MMPretrainFlowers102
from mmpretrain.datasets import OxfordIIITPet as _MMPretrainOxfordIIITPet
from mmpretrain.datasets import StanfordCars as _MMPretrainStanfordCars

from clae_mm.registry import DATASETS
from clae_mm.utils.errors import DatasetNotFoundError


class _CheckedLayout:
    """Checks the files a split needs before mmpretrain parses them, and that
    every listed image exists and every label is a class index after."""

    NAME = ''
    LAYOUT = ''  # the expected layout, in one line

    def required_paths(self, data_root: str, split: str) -> List[str]:
        """Paths (relative to ``data_root``) the split cannot be read without."""
        raise NotImplementedError

    def __init__(self, data_root: str, split: str, **kwargs):
        kwargs.pop('download', None)
        missing = [p for p in self.required_paths(data_root, split)
                   if not osp.exists(osp.join(data_root, p))]
        if missing:
            raise DatasetNotFoundError(
                f'{self.NAME} not found under {data_root}: missing {", ".join(missing)}; '
                f'expected {self.LAYOUT}; pass --data-root')
        super().__init__(data_root=data_root, split=split, **kwargs)

    def _malformed(self, what: str) -> DatasetNotFoundError:
        return DatasetNotFoundError(
            f'{self.NAME} under {self.data_root} is malformed ({what}); expected {self.LAYOUT}')

    def load_data_list(self):
        try:
            data_list = super().load_data_list()
        except Exception as exc:  # noqa: BLE001 -- any parse failure of the annotations
            raise self._malformed(f'{type(exc).__name__}: {exc}') from None
        if not data_list:
            raise self._malformed(f'split {self.split!r} lists no image')
        absent = [d['img_path'] for d in data_list if not osp.isfile(d['img_path'])]
        if absent:
            raise self._malformed(f'{len(absent)} of {len(data_list)} listed images are absent, '
                                  f'e.g. {absent[0]}')
        classes = (self._metainfo or {}).get('classes')
        if classes:
            bad = [d['gt_label'] for d in data_list if not 0 <= d['gt_label'] < len(classes)]
            if bad:
                raise self._malformed(f'label {bad[0]} is not a class index (0..{len(classes) - 1})')
        return data_list


@DATASETS.register_module()
class StanfordCars(_CheckedLayout, _MMPretrainStanfordCars):
    """Stanford Cars (196 classes; 8,144 train / 8,041 test images)."""

    NAME = 'Stanford Cars'
    LAYOUT = ('car_ims/ + cars_annos.mat, or cars_train/ + cars_test/ + '
              'devkit/cars_{train_annos,test_annos_withlabels}.mat')

    def __init__(self, data_root: str = 'data/stanford_cars', split: str = 'train', **kwargs):
        super().__init__(data_root=data_root, split=split, **kwargs)

    def required_paths(self, data_root, split):
        if osp.isfile(osp.join(data_root, 'cars_annos.mat')):
            return ['car_ims']
        if split == 'test':
            return ['devkit/cars_test_annos_withlabels.mat', 'cars_test']
        return ['devkit/cars_train_annos.mat', 'cars_train']


@DATASETS.register_module()
class FGVCAircraft(_CheckedLayout, _MMPretrainFGVCAircraft):
    """FGVC-Aircraft 2013b, 100 variants (6,667 trainval / 3,333 test images)."""

    NAME = 'FGVC-Aircraft'
    LAYOUT = 'data/images/*.jpg and data/images_variant_{train,val,trainval,test}.txt (fgvc-aircraft-2013b)'

    def __init__(self, data_root: str = 'data/fgvc-aircraft-2013b', split: str = 'trainval', **kwargs):
        super().__init__(data_root=data_root, split=split, **kwargs)

    def required_paths(self, data_root, split):
        return [f'data/images_variant_{split}.txt', 'data/images']


@DATASETS.register_module()
class DTD(_CheckedLayout, _MMPretrainDTD):
    """Describable Textures, 47 classes, split 1 of ``imdb/imdb.mat``
    (3,760 trainval / 1,880 test images)."""

    NAME = 'DTD'
    LAYOUT = 'images/<class>/*.jpg and imdb/imdb.mat (dtd-r1.0.1)'

    def __init__(self, data_root: str = 'data/dtd', split: str = 'trainval', **kwargs):
        super().__init__(data_root=data_root, split=split, **kwargs)

    def required_paths(self, data_root, split):
        return ['imdb/imdb.mat', 'images']


@DATASETS.register_module()
class OxfordIIITPet(_CheckedLayout, _MMPretrainOxfordIIITPet):
    """Oxford-IIIT Pets, 37 breeds (3,680 trainval / 3,669 test images)."""

    NAME = 'Oxford-IIIT Pets'
    LAYOUT = 'images/*.jpg and annotations/{trainval,test}.txt'

    def __init__(self, data_root: str = 'data/oxford-iiit-pet', split: str = 'trainval', **kwargs):
        super().__init__(data_root=data_root, split=split, **kwargs)

    def required_paths(self, data_root, split):
        return [f'annotations/{"test" if split == "test" else "trainval"}.txt', 'images']


@DATASETS.register_module()
class Caltech101(_CheckedLayout, _MMPretrainCaltech101):
    """Caltech-101 with background, 102 classes, on mmpretrain's split
    (``meta/{train,test}.txt``: 30 training images per class)."""

    NAME = 'Caltech-101'
    LAYOUT = ('101_ObjectCategories/<class>/*.jpg and meta/{train,test}.txt (mmpretrain\'s split, '
              'https://download.openmmlab.com/mmpretrain/datasets/caltech_meta.zip)')

    def __init__(self, data_root: str = 'data/caltech-101', split: str = 'train', **kwargs):
        super().__init__(data_root=data_root, split=split, **kwargs)

    def required_paths(self, data_root, split):
        return [f'meta/{"test" if split == "test" else "train"}.txt', '101_ObjectCategories']


@DATASETS.register_module()
class Flowers102(_CheckedLayout, _MMPretrainFlowers102):
    """Oxford Flowers-102 (2,040 trainval / 6,149 test images). mmpretrain
    gives no class names; they are the dataset's label numbers '1'..'102'."""

    NAME = 'Flowers-102'
    LAYOUT = 'jpg/image_%05d.jpg, imagelabels.mat and setid.mat (102flowers.tgz + the two .mat files)'
    METAINFO = {'classes': tuple(str(i) for i in range(1, 103))}

    def __init__(self, data_root: str = 'data/flowers102', split: str = 'trainval', **kwargs):
        super().__init__(data_root=data_root, split=split, **kwargs)

    def required_paths(self, data_root, split):
        return ['imagelabels.mat', 'setid.mat', 'jpg']
