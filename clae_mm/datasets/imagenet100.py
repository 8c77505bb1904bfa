import os
import os.path as osp

from mmpretrain.datasets import BaseDataset

from clae_mm.registry import DATASETS
from clae_mm.utils.errors import DatasetNotFoundError

# The 100 ImageNet classes of Tian et al. 2019 (CMC), as their imagenet100.txt.
IMAGENET100_CLASSES_FILE = osp.join(osp.dirname(osp.abspath(__file__)), 'meta', 'imagenet100.txt')
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif')


def read_class_list(path: str):
    """wnids of a class-list file, one per line (blank lines ignored)."""
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


@DATASETS.register_module()
class ImageNet100(BaseDataset):
    """ImageNet-100: the 100-class ImageNet subset of Tian et al. 2019 (CMC),
    the pre-training set of the paper's Table 2.

    Reads the ImageNet folder layout (``<data_root>/<split>/<wnid>/*.JPEG``,
    with the validation images sorted into class folders, as
    ``torchvision.datasets.ImageFolder`` and mmpretrain's ``ImageNet`` read
    it) and keeps only the classes of ``classes_file`` (by default the CMC
    list shipped in ``clae_mm/datasets/meta/imagenet100.txt``), so a full
    ImageNet and an extracted 100-class copy both work. Class indices follow
    the sorted wnids, as ``ImageFolder`` on the 100-class copy gives them.
    Items carry ``img_path``: put ``LoadRGBImageFromFile`` first in the
    pipeline.
    """

    SPLITS = ('train', 'val')

    def __init__(self, data_root: str = 'data/imagenet', split: str = 'train',
                 classes_file: str = IMAGENET100_CLASSES_FILE, **kwargs):
        if split not in self.SPLITS:
            raise ValueError(f'split must be one of {self.SPLITS}, got {split!r}')
        self.split = split
        self.classes_file = classes_file
        super().__init__(ann_file='', data_root=data_root, data_prefix=split, **kwargs)

    def load_data_list(self):
        wnids = sorted(read_class_list(self.classes_file))
        if len(set(wnids)) != len(wnids) or not wnids:
            raise DatasetNotFoundError(f'class list {self.classes_file} is empty or has duplicates')
        self._metainfo['classes'] = tuple(wnids)
        root = self.img_prefix
        missing = [wnid for wnid in wnids if not osp.isdir(osp.join(root, wnid))]
        if missing:
            raise DatasetNotFoundError(
                f'ImageNet-100 not found under {root}: {len(missing)} of its {len(wnids)} class '
                f'folders are missing (e.g. {missing[0]}); expected the ImageNet layout '
                f'{self.split}/<wnid>/*.JPEG (validation images sorted into class folders); '
                'pass --data-root')
        data_list = []
        for label, wnid in enumerate(wnids):
            folder = osp.join(root, wnid)
            names = sorted(n for n in os.listdir(folder) if n.lower().endswith(IMAGE_EXTENSIONS))
            if not names:
                raise DatasetNotFoundError(
                    f'ImageNet-100 under {root} is malformed: {self.split}/{wnid} holds no image; '
                    're-extract that class')
            data_list += [dict(img_path=osp.join(folder, name), gt_label=label) for name in names]
        return data_list
