import csv
import json
import math
import os.path as osp

from .tool_loader import checkpoint_args, load_tool, read_png

perturbation_loss = load_tool('perturbation_loss')


def test_adversarial_perturbations_raise_the_loss_more_than_random_ones(simclr_run, tmp_path):
    out = str(tmp_path)
    assert perturbation_loss.main(checkpoint_args(simclr_run, out) + [
        '--eps', '0', '0.03', '0.07', '--batches', '2', '--batch-size', '8',
        '--probe-epochs', '3']) == 0
    assert read_png(osp.join(out, 'perturbation_loss.png')).shape[:2] == (450, 1200)
    numbers = json.load(open(osp.join(out, 'perturbation_loss.json')))
    results = {entry['eps']: entry for entry in numbers['results']}
    assert sorted(results) == [0.0, 0.03, 0.07]
    # eps = 0: both perturbations are the identity, so the losses agree.
    assert results[0.0]['adversarial_loss']['mean'] == results[0.0]['random_loss']['mean']
    for eps in (0.03, 0.07):  # Fig. 3a: the attack beats random noise of its size
        assert len(results[eps]['adversarial_loss']['per_batch']) == 2
        assert results[eps]['adversarial_loss']['mean'] > results[eps]['random_loss']['mean']
        for kind in ('clean', 'adversarial', 'random'):  # Fig. 3b was measured
            assert math.isfinite(results[eps][f'{kind}_cross_entropy']['mean'])
    assert numbers['probe']['epochs'] == 3 and numbers['probe']['num_train'] == 40
    with open(osp.join(out, 'perturbation_loss.csv')) as f:
        rows = list(csv.DictReader(f))
    assert [(float(r['eps']), r['perturbation']) for r in rows] == [
        (eps, kind) for eps in (0.0, 0.03, 0.07) for kind in ('adversarial', 'random')]
