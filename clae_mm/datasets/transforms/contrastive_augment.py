import numpy as np
import torchvision.transforms as T
from mmcv.transforms import BaseTransform
from PIL import Image

from clae_mm.registry import TRANSFORMS
from clae_mm.utils.augment_presets import augment_settings

def build_view_transform(method: str, size: int) -> T.Compose:
    """The torchvision (PIL) pipeline of one augmented view, in the authors' order."""
    p = augment_settings(method)
    crop = T.RandomResizedCrop(size, scale=p['crop_scale'])
    jitter = T.ColorJitter(*p['jitter'])
    if p['jitter_p'] < 1:
        jitter = T.RandomApply([jitter], p=p['jitter_p'])
    grey = T.RandomGrayscale(p=p['grey_p'])
    flip = T.RandomHorizontalFlip()
    ops = [crop, flip, jitter, grey] if p['flip_first'] else [crop, jitter, grey, flip]
    return T.Compose(ops)


@TRANSFORMS.register_module()
class ContrastiveAugment(BaseTransform):
    """One random view with the authors' training augmentation of ``method``.

    Plain/UEL: RandomResizedCrop(scale 0.2-1), ColorJitter(0.4, 0.4, 0.4, 0.4),
    RandomGrayscale(0.2), HorizontalFlip. SimCLR: RandomResizedCrop(0.08-1),
    HorizontalFlip, ColorJitter(0.8, 0.8, 0.8, 0.2) with p=0.8,
    RandomGrayscale(0.2). Runs torchvision's PIL ops, so the result matches the
    authors' pipeline; normalisation is left to the data preprocessor. Grey
    images are made RGB first. Use inside ``MultiView(num_views=2, ...)``.
    """

    def __init__(self, method: str, size: int = 32):
        self.method = method
        self.size = size
        self.view = build_view_transform(method, size)

    def transform(self, results: dict) -> dict:
        img = Image.fromarray(np.ascontiguousarray(results['img'])).convert('RGB')
        results['img'] = np.asarray(self.view(img), dtype=np.uint8)
        results['img_shape'] = results['img'].shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(method={self.method!r}, size={self.size})'


@TRANSFORMS.register_module()
class ToRGB(BaseTransform):
    """Grey (H, W) or (H, W, 1) images to 3 channels; others unchanged."""

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        if img.shape[2] == 1:
            img = np.repeat(img, 3, axis=2)
        results['img'] = np.ascontiguousarray(img)
        return results
