import json
import os

from tests.conftest import run_tool


def test_summary_compares_init_epochs_and_raw_pixels(tmp_path, capsys):
    run_dir = tmp_path / '20260101_000000' / 'vis_data'
    os.makedirs(run_dir)
    records = [{'knn/top1': 60.0, 'step': 0}, {'loss': 5.0, 'iter': 1, 'step': 1},
               {'knn/top1': 70.5, 'step': 1}, {'knn/top1': 80.25, 'step': 2}]
    (run_dir / 'scalars.json').write_text('\n'.join(json.dumps(r) for r in records))
    (tmp_path / 'knn_raw_pixels.json').write_text(json.dumps({'last_epoch': {'top1': 78.0}}))
    assert run_tool('analysis/demo_summary.py', str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert '| at initialisation | 60.00 |' in out
    assert '| after epoch 2 | 80.25 |' in out
    assert '| raw pixels (no encoder) | 78.00 |' in out
    assert 'final - initialisation: +20.25 points' in out
    assert 'beats k-NN on raw pixels (+2.25 points)' in out


def test_no_scores_is_an_error(tmp_path, capsys):
    assert run_tool('analysis/demo_summary.py', str(tmp_path)) == 2
    assert capsys.readouterr().err.startswith('error: no kNN scores')


def test_a_missing_initial_score_or_pixel_floor_is_named_not_nan(tmp_path, capsys):
    run_dir = tmp_path / '20260101_000000' / 'vis_data'
    os.makedirs(run_dir)
    records = [{'knn/top1': 70.5, 'step': 1}, {'knn/top1': 80.25, 'step': 2}]
    (run_dir / 'scalars.json').write_text('\n'.join(json.dumps(r) for r in records))
    assert run_tool('analysis/demo_summary.py', str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert 'nan' not in out
    assert ('final - initialisation: not available, no kNN score at initialisation (step 0)'
            in out)
    assert 'eval_at_start=True' in out
    assert 'raw pixels: not available, no ' in out and 'knn_raw_pixels.json' in out
