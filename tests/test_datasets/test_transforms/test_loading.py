import numpy as np
import pytest
from PIL import Image

from clae_mm.datasets.transforms import LoadRGBImageFromFile


def test_loads_rgb_like_pil_convert(tmp_path):
    rgb = np.zeros((4, 6, 3), dtype=np.uint8)
    rgb[..., 0] = 200  # red
    png = tmp_path / 'red.png'
    Image.fromarray(rgb).save(png)
    results = LoadRGBImageFromFile()(dict(img_path=str(png)))
    assert results['img'].shape == (4, 6, 3) and results['img_shape'] == (4, 6)
    np.testing.assert_array_equal(results['img'], rgb)


@pytest.mark.parametrize('mode', ['L', 'P', 'CMYK'])
def test_other_modes_become_rgb_as_pil(tmp_path, mode):
    image = Image.fromarray(np.arange(48, dtype=np.uint8).reshape(4, 4, 3)).convert(mode)
    path = tmp_path / ('image.jpg' if mode == 'CMYK' else 'image.png')
    image.save(path)
    expected = np.asarray(Image.open(path).convert('RGB'))
    np.testing.assert_array_equal(LoadRGBImageFromFile()(dict(img_path=str(path)))['img'], expected)


def test_missing_file_raises_unless_ignored(tmp_path):
    with pytest.raises(FileNotFoundError):
        LoadRGBImageFromFile()(dict(img_path=str(tmp_path / 'none.jpg')))
    assert LoadRGBImageFromFile(ignore_empty=True)(dict(img_path=str(tmp_path / 'none.jpg'))) is None
