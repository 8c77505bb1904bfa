import json
import os.path as osp

import pytest

from tests.conftest import REPO
from tests.data_utils import make_fashion_mnist
from tests.test_tools.test_analysis.tool_loader import checkpoint_args, load_tool, read_png

browse_views = load_tool('browse_views', 'visualization')


def test_the_views_of_batch_augmentation_without_a_checkpoint(tmp_path):
    # Fashion-MNIST's views are drawn in batch by the data preprocessor, not the pipeline.
    root = make_fashion_mnist(str(tmp_path / 'fmnist'), num_train=8, num_test=4)
    out = str(tmp_path / 'out')
    assert browse_views.main([
        osp.join(REPO, 'configs/fashion_mnist/simclr_r18w8_fashion_mnist.py'),
        '--data-root', root, '--num-images', '3', '--out-dir', out]) == 0
    image = read_png(osp.join(out, 'views.png'))
    assert image.shape[:2] == (64 + 3 * 140, 90 + 3 * 130)  # 3 rows, 3 images
    assert image[..., :3].std() > 0.05
    numbers = json.load(open(osp.join(out, 'views.json')))
    assert numbers['rows'] == ['image', 'view 1 (x^q)', 'view 2 (x^k)']
    assert numbers['checkpoint'] is None and numbers['num_views'] == 2
    assert len({entry['index'] for entry in numbers['images']}) == 3


def test_the_adversarial_view_and_perturbation_of_a_checkpoint(simclr_run, tmp_path, capsys):
    out = str(tmp_path)
    assert browse_views.main(checkpoint_args(simclr_run, out)
                             + ['--num-images', '2', '--batch-size', '8']) == 0
    image = read_png(osp.join(out, 'views.png'))
    assert image.shape[:2] == (64 + 5 * 140, 480)  # 5 rows; 2 images, the title's width
    numbers = json.load(open(osp.join(out, 'views.json')))
    assert numbers['rows'] == ['image', 'view 1 (x^q)', 'view 2 (x^k)', 'adversarial',
                               'perturbation']
    assert numbers['attack'] == 'fgsm' and numbers['batch_size'] == 8
    # FGSM in the normalised space moves every pixel by eps * std = 0.03 * 127.5 grey levels
    for entry in numbers['images']:
        assert entry['linf_delta_px'] == pytest.approx(0.03 * 127.5, rel=1e-4)

    capsys.readouterr()
    # the checkpoint alone: its recorded config (a CLAE one, so only --eps 0 stops it)
    assert browse_views.main(checkpoint_args(simclr_run, out)[1:] + ['--eps', '0']) == 2
    error = capsys.readouterr().err
    assert error.startswith('error: eps is 0') and error.count('\n') == 1
