"""The authors' training augmentations, per method, as plain data: the PIL
transform (``clae_mm.datasets.transforms.ContrastiveAugment``) and the
on-device batch augmentation (``clae_mm.models.data_preprocessors``) both
read them here, so models never import the datasets package."""

# CLAE repo: Plain/main.py and UEL/main.py ``transform_train``;
# SimCLR/modules/transformations/simclr.py.
AUGMENT_PRESETS = {
    'plain': dict(crop_scale=(0.2, 1.0), jitter=(0.4, 0.4, 0.4, 0.4), jitter_p=1.0,
                  grey_p=0.2, flip_first=False),
    'uel': dict(crop_scale=(0.2, 1.0), jitter=(0.4, 0.4, 0.4, 0.4), jitter_p=1.0,
                grey_p=0.2, flip_first=False),
    'simclr': dict(crop_scale=(0.08, 1.0), jitter=(0.8, 0.8, 0.8, 0.2), jitter_p=0.8,
                   grey_p=0.2, flip_first=True),
}


def augment_settings(method: str, **overrides) -> dict:
    """The preset ``method`` of :data:`AUGMENT_PRESETS` with some of its
    settings (``crop_scale``, ``jitter``, ``jitter_p``, ``grey_p``) replaced."""
    if method not in AUGMENT_PRESETS:
        raise ValueError(f'unknown augmentation preset {method!r}: choose one of {sorted(AUGMENT_PRESETS)}')
    preset = dict(AUGMENT_PRESETS[method])
    unknown = sorted(set(overrides) - (set(preset) - {'flip_first'}))
    if unknown:
        raise ValueError(f'unknown augmentation settings {unknown}: choose among crop_scale, '
                         'jitter, jitter_p, grey_p')
    preset.update({key: value for key, value in overrides.items() if value is not None})
    return preset
