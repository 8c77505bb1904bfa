import mmcv
import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine import fileio

from clae_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadRGBImageFromFile(LoadImageFromFile):
    """Load an image file as an RGB uint8 array, decoded by Pillow.

    mmcv's ``LoadImageFromFile`` always returns BGR, but the contrastive
    augmentations (``ContrastiveAugment``: colour jitter, greyscale) work on
    RGB as the authors' torchvision pipelines do, and the authors open every
    file with ``PIL.Image.open(path).convert('RGB')`` (``load_imagenet.py``).
    This loader does the same: grey, palette and CMYK files become RGB, and
    EXIF orientation is ignored, as PIL's ``open`` ignores it.
    Takes the arguments of :class:`mmcv.transforms.LoadImageFromFile`
    (``backend_args``, ``ignore_empty``, ``to_float32``).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault('imdecode_backend', 'pillow')
        kwargs.setdefault('color_type', 'color_ignore_orientation')
        super().__init__(**kwargs)

    def transform(self, results: dict):
        filename = results['img_path']
        try:
            img_bytes = fileio.get(filename, backend_args=self.backend_args)
            img = mmcv.imfrombytes(img_bytes, flag=self.color_type, channel_order='rgb',
                                   backend=self.imdecode_backend)
        except Exception:
            if self.ignore_empty:
                return None
            raise
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results
