"""Importing clae_mm (and so mmpretrain and mmcv-lite) prints no warning about
mmcv's compiled MultiScaleDeformableAttention, which clae_mm never uses."""
import os
import subprocess
import sys

from tests.conftest import REPO


def _stderr_of(code: str) -> str:
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, '-W', 'default', '-c', code], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stderr


def test_importing_the_models_prints_no_deformable_attention_warning(tmp_path):
    # One interpreter also checks that clae_mm.models imports no clae_mm.datasets
    # module (the augmentation presets both need live in clae_mm.utils).
    out = tmp_path / 'modules.txt'
    stderr = _stderr_of('import sys, clae_mm.models\n'
                        f'open({str(out)!r}, "w").write(" ".join(sorted(m for m in sys.modules '
                        "if m.startswith('clae_mm.datasets'))))")
    assert 'MultiScaleDeformableAttention' not in stderr
    assert out.read_text() == ''


def test_other_mmcv_warnings_are_kept():
    # The filter matches the one message only: a warning of that module with
    # another text still shows.
    stderr = _stderr_of(
        'import clae_mm, warnings\n'
        "warnings.warn_explicit('another message', UserWarning, 'transformer.py', 1,\n"
        "                       module='mmcv.cnn.bricks.transformer')")
    assert 'another message' in stderr
