"""tools/benchmarks/robust_eval.py on a trained checkpoint: the probe of linear_eval.py,
attacked end to end in pixel space (the attacks' arithmetic is tested against closed forms in
tests/test_evaluation/test_robustness.py)."""
import json

import pytest

from tests.conftest import TINY_ENCODER, load_tool


def test_robust_accuracy_of_the_probe_linear_eval_trains(simclr_run, tmp_path, capsys):
    common = ['--data-root', simclr_run['data_root'], '--cfg-options', *TINY_ENCODER,
              '--work-dir', str(tmp_path / 'work'), '--epochs', '3', '--no-progress']
    robust = load_tool('benchmarks/robust_eval.py')
    assert robust.main([simclr_run['checkpoint'], *common, '--eps', '8', '0', '2',
                        '--steps', '3', '--autoattack-images', '0',
                        '--out', str(tmp_path / 'robust.json')]) == 0
    result = json.loads((tmp_path / 'robust.json').read_text())
    assert result['result_type'] == 'robust_eval' and result['feature'] == 'backbone'
    assert list(result['pgd']) == ['8/255', '0/255', '2/255']  # as asked, sorted inside
    assert result['pgd']['0/255'] == result['clean_top1']
    assert result['clean_top1'] >= result['pgd']['2/255'] >= result['pgd']['8/255']
    assert result['num_test'] == 8 and result['autoattack'] is None
    assert result['provenance']['config_sha256']
    assert 'robust accuracy (backbone probe, 3 epochs): clean' in capsys.readouterr().out
    # the pixel-space classifier is the probe linear_eval.py scores, on the same images
    linear = load_tool('benchmarks/linear_eval.py')
    assert linear.main([simclr_run['checkpoint'], *common,
                        '--out', str(tmp_path / 'linear.json')]) == 0
    probe = json.loads((tmp_path / 'linear.json').read_text())['last_epoch']
    assert probe['top1'] == result['clean_top1']


def test_bad_radii_are_one_line(simclr_run, capsys):
    robust = load_tool('benchmarks/robust_eval.py')
    with pytest.raises(SystemExit) as exit:
        robust.main([simclr_run['checkpoint'], '--eps', 'nan'])
    assert exit.value.code == 2 and '--eps and --autoattack-eps >= 0' in capsys.readouterr().err
