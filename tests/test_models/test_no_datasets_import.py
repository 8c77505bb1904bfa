"""clae_mm.models does not depend on clae_mm.datasets (the augmentation presets
both use live in clae_mm.utils.augment_presets)."""
import os
import subprocess
import sys

from tests.conftest import REPO


def test_importing_the_models_imports_no_dataset_module():
    code = ('import sys, clae_mm.models\n'
            "print(sorted(m for m in sys.modules if m.startswith('clae_mm.datasets')))")
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO, capture_output=True, text=True,
                          env=dict(os.environ, OMP_NUM_THREADS='1'), timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == '[]'


def test_the_pil_and_the_batch_augmentations_read_one_preset_table():
    from clae_mm.datasets.transforms import AUGMENT_PRESETS as datasets_presets
    from clae_mm.utils.augment_presets import AUGMENT_PRESETS, augment_settings
    assert datasets_presets is AUGMENT_PRESETS
    assert augment_settings('simclr', jitter=(0.4, 0.4, 0.4, 0.1))['jitter'] == (0.4, 0.4, 0.4, 0.1)
    assert augment_settings('simclr')['jitter'] == (0.8, 0.8, 0.8, 0.2)
