import csv
import json
import os.path as osp

import pytest

from .tool_loader import checkpoint_args, load_tool, read_png

vis_adversarial = load_tool('vis_adversarial')


def test_grid_of_clean_adversarial_and_difference(simclr_run, tmp_path):
    out = str(tmp_path)
    assert vis_adversarial.main(checkpoint_args(simclr_run, out) + [
        '--eps', '0.03', '--num-images', '4', '--batch-size', '8']) == 0
    image = read_png(osp.join(out, 'adversarial_examples.png'))
    assert image.shape[:2] == (3 * 160 + 40, 4 * 150)  # 3 rows, one column per image
    numbers = json.load(open(osp.join(out, 'adversarial_examples.json')))
    assert numbers['attack'] == 'fgsm' and numbers['batch_size'] == 8
    assert numbers['png_size'] == [600, 520]
    # FGSM in the normalised space moves every pixel by exactly eps there,
    # i.e. eps * std = 0.03 * 127.5 grey levels with the SimCLR preprocessor.
    for entry in numbers['images']:
        assert entry['linf_delta_px'] == pytest.approx(0.03 * 127.5, rel=1e-4)
    assert numbers['attack_loss']['adversarial'] > numbers['attack_loss']['clean']
    with open(osp.join(out, 'adversarial_examples.csv')) as f:
        assert len(list(csv.DictReader(f))) == 4


def test_eps_zero_is_refused(simclr_run, tmp_path, capsys):
    assert vis_adversarial.main(checkpoint_args(simclr_run, str(tmp_path)) + ['--eps', '0']) == 2
    assert 'error: eps is 0' in capsys.readouterr().err
    assert not osp.exists(osp.join(tmp_path, 'adversarial_examples.png'))
