"""The PIL transform and the batch augmentation share one preset table, which
lives in clae_mm.utils.augment_presets: clae_mm.models does not import
clae_mm.datasets (tested with the imports in tests/test_utils/test_import_warnings.py)."""


def test_the_pil_and_the_batch_augmentations_read_one_preset_table():
    from clae_mm.datasets.transforms import AUGMENT_PRESETS as datasets_presets
    from clae_mm.utils.augment_presets import AUGMENT_PRESETS, augment_settings
    assert datasets_presets is AUGMENT_PRESETS
    assert augment_settings('simclr', jitter=(0.4, 0.4, 0.4, 0.1))['jitter'] == (0.4, 0.4, 0.4, 0.1)
    assert augment_settings('simclr')['jitter'] == (0.8, 0.8, 0.8, 0.2)
