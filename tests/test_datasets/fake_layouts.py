"""Tiny copies of the image datasets in their real on-disk layouts, for tests.

Images are small JPEGs whose colour depends on the class, so a pipeline
that loads them can be checked for channel order and labels.
"""
import os
import os.path as osp

import mat4py
import numpy as np
from PIL import Image

# Distinct, saturated colours; class c gets PALETTE[c % len(PALETTE)].
PALETTE = [(220, 30, 30), (30, 200, 30), (30, 30, 220), (220, 220, 30), (30, 220, 220), (220, 30, 220)]


def write_image(path: str, label: int, size=(16, 16), seed: int = 0) -> str:
    """A JPEG of class colour ``PALETTE[label]`` with a little noise."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    rng = np.random.default_rng(seed)
    base = np.array(PALETTE[label % len(PALETTE)], dtype=np.int64)
    pixels = base + rng.integers(-10, 11, (size[1], size[0], 3))
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path, quality=95)
    return path


def make_tiny_imagenet(root: str, num_classes: int = 3, train_per_class: int = 4,
                       val_per_class: int = 2, size: int = 64) -> str:
    """tiny-imagenet-200 layout: ``wnids.txt`` (not sorted, as the official
    one), ``train/<wnid>/images/<wnid>_<i>.JPEG`` + ``<wnid>_boxes.txt``,
    ``val/images/val_<i>.JPEG`` + ``val/val_annotations.txt``."""
    wnids = [f'n0{9 - c}000000' for c in range(num_classes)]  # reverse-sorted on purpose
    os.makedirs(root, exist_ok=True)
    with open(osp.join(root, 'wnids.txt'), 'w') as f:
        f.write(''.join(w + '\n' for w in wnids))
    label_of = {w: i for i, w in enumerate(sorted(wnids))}
    for wnid in wnids:
        folder = osp.join(root, 'train', wnid)
        for i in range(train_per_class):
            write_image(osp.join(folder, 'images', f'{wnid}_{i}.JPEG'), label_of[wnid], (size, size), i)
        with open(osp.join(folder, f'{wnid}_boxes.txt'), 'w') as f:
            f.write(''.join(f'{wnid}_{i}.JPEG\t0\t0\t{size - 1}\t{size - 1}\n'
                            for i in range(train_per_class)))
    lines, index = [], 0
    for wnid in wnids:
        for _ in range(val_per_class):
            name = f'val_{index}.JPEG'
            write_image(osp.join(root, 'val', 'images', name), label_of[wnid], (size, size), index)
            lines.append(f'{name}\t{wnid}\t0\t0\t{size - 1}\t{size - 1}\n')
            index += 1
    with open(osp.join(root, 'val', 'val_annotations.txt'), 'w') as f:
        f.write(''.join(lines))
    return root


def make_imagenet_folders(root: str, wnids, per_class: int = 1, size: int = 8,
                          splits=('train', 'val')) -> str:
    """ImageNet folder layout ``<split>/<wnid>/<wnid>_<i>.JPEG``."""
    for split in splits:
        for label, wnid in enumerate(sorted(wnids)):
            for i in range(per_class):
                write_image(osp.join(root, split, wnid, f'{wnid}_{i}.JPEG'), label, (size, size), i)
    return root


# Each maker writes two classes, two images per class in every split it
# knows, and returns (root, {split: number of images}).

def make_stanford_cars(root: str, devkit: bool = True):
    """Stanford Cars: ``cars_{train,test}/`` + ``devkit/*.mat`` (the
    torchvision layout) or ``car_ims/`` + ``cars_annos.mat``."""
    if devkit:
        for split, mat in (('train', 'cars_train_annos.mat'), ('test', 'cars_test_annos_withlabels.mat')):
            names = [f'{split}_{i:05d}.jpg' for i in range(4)]
            for i, name in enumerate(names):
                write_image(osp.join(root, f'cars_{split}', name), i % 2, seed=i)
            os.makedirs(osp.join(root, 'devkit'), exist_ok=True)
            mat4py.savemat(osp.join(root, 'devkit', mat),
                           {'annotations': {'fname': names, 'class': [1, 2, 1, 2]}})
    else:
        paths = [f'car_ims/{i:06d}.jpg' for i in range(8)]
        for i, path in enumerate(paths):
            write_image(osp.join(root, path), i % 2, seed=i)
        mat4py.savemat(osp.join(root, 'cars_annos.mat'), {'annotations': {
            'relative_im_path': paths, 'class': [1, 2] * 4, 'test': [0, 0, 0, 0, 1, 1, 1, 1]}})
    return root, {'train': 4, 'test': 4}


def make_fgvc_aircraft(root: str, classes=('707-320', '727-200')):
    data = osp.join(root, 'data')
    index = 1000000
    for split in ('train', 'val', 'test'):
        lines = []
        for i in range(4):
            write_image(osp.join(data, 'images', f'{index}.jpg'), i % 2, seed=i)
            lines.append(f'{index} {classes[i % 2]}\n')
            index += 1
        with open(osp.join(data, f'images_variant_{split}.txt'), 'w') as f:
            f.write(''.join(lines))
    with open(osp.join(data, 'images_variant_trainval.txt'), 'w') as f:
        for split in ('train', 'val'):
            with open(osp.join(data, f'images_variant_{split}.txt')) as part:
                f.write(part.read())
    return root, {'trainval': 8, 'test': 4}


def make_dtd(root: str):
    names, labels, sets = [], [], []
    for part in (1, 2, 3):  # train, val, test
        for i in range(4):
            cls = ('banded', 'blotchy')[i % 2]
            name = f'{cls}/{cls}_{part}{i:03d}.jpg'
            write_image(osp.join(root, 'images', name), i % 2, seed=i)
            names.append(name)
            labels.append(i % 2 + 1)
            sets.append(part)
    os.makedirs(osp.join(root, 'imdb'), exist_ok=True)
    mat4py.savemat(osp.join(root, 'imdb', 'imdb.mat'),
                   {'images': {'name': names, 'class': labels, 'set': sets}})
    return root, {'trainval': 8, 'test': 4}


def make_oxford_pets(root: str):
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    for split in ('trainval', 'test'):
        lines = []
        for i in range(4):
            breed = ('Abyssinian', 'american_bulldog')[i % 2]
            name = f'{breed}_{split}{i}'
            write_image(osp.join(root, 'images', f'{name}.jpg'), i % 2, seed=i)
            lines.append(f'{name} {i % 2 + 1} {i % 2 + 1} 1\n')
        with open(osp.join(root, 'annotations', f'{split}.txt'), 'w') as f:
            f.write(''.join(lines))
    return root, {'trainval': 4, 'test': 4}


def make_caltech101(root: str):
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    for split in ('train', 'test'):
        lines = []
        for i in range(4):
            cls = ('BACKGROUND_Google', 'Faces')[i % 2]
            path = f'{cls}/image_{split}{i:04d}.jpg'
            write_image(osp.join(root, '101_ObjectCategories', path), i % 2, seed=i)
            lines.append(f'{path} {i % 2}\n')
        with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
            f.write(''.join(lines))
    return root, {'train': 4, 'test': 4}


def make_flowers102(root: str):
    labels = [1, 2] * 6
    for i, label in enumerate(labels, 1):
        write_image(osp.join(root, 'jpg', f'image_{i:05d}.jpg'), label - 1, seed=i)
    mat4py.savemat(osp.join(root, 'imagelabels.mat'), {'labels': labels})
    mat4py.savemat(osp.join(root, 'setid.mat'),
                   {'trnid': [1, 2, 3, 4], 'valid': [5, 6, 7, 8], 'tstid': [9, 10, 11, 12]})
    return root, {'trainval': 8, 'test': 4}
