import pytest
import torch

from clae_mm.evaluation import LinearProbeAccuracy, evaluate_linear_probe, feature_samples, \
    train_linear_probe


def features(num, seed):
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 4, (num,), generator=g)
    return torch.randn(num, 8, generator=g) + 2.0 * torch.nn.functional.one_hot(labels, 8), labels


def probe(metric, train, test):
    metric.process(None, feature_samples({metric.stage: train[0]}, train[1], bank_classes=4))
    metric.process(None, feature_samples({metric.stage: test[0]}, test[1]))
    return metric.compute_metrics(metric.results)


def test_last_best_and_validation_selected_epochs_are_reported_apart():
    metric = LinearProbeAccuracy(stage='backbone', epochs=12, batch_size=8, lr=1e-2,
                                 val_fraction=0.25, eval_interval=5)
    scalars = probe(metric, features(40, 0), features(8, 1))
    details = metric.details
    history = details['history']
    assert [entry['epoch'] for entry in history] == [5, 10, 12]  # every 5 and the last
    assert details['num_train'] == 30 and details['num_val'] == 10 and details['num_test'] == 8
    assert details['last_epoch'] is history[-1]
    assert details['best_over_epochs']['test']['top1'] == max(e['test']['top1'] for e in history)
    assert details['val_selected']['val']['top1'] == max(e['val']['top1'] for e in history)
    assert scalars == dict(top1=history[-1]['test']['top1'], top5=history[-1]['test']['top5'],
                           best_top1=details['best_over_epochs']['test']['top1'],
                           val_selected_top1=details['val_selected']['test']['top1'])


def test_metric_trains_the_probe_of_train_linear_probe():
    """The metric is the probe of the cached features: same seed, same scores."""
    train, test = features(40, 0), features(8, 1)
    metric = LinearProbeAccuracy(epochs=3, batch_size=16, lr=1e-2, seed=4)
    scalars = probe(metric, train, test)
    classifier = train_linear_probe(*train, 4, epochs=3, batch_size=16, lr=1e-2, seed=4)
    expected = evaluate_linear_probe(classifier, *test)
    assert (scalars['top1'], scalars['top5']) == (expected['top1'], expected['top5'])
    assert metric.details['last_epoch']['test']['loss'] == pytest.approx(expected['loss'])


def test_settings_are_checked_when_built():
    with pytest.raises(ValueError, match='eval_interval'):
        LinearProbeAccuracy(eval_interval=0)
    with pytest.raises(ValueError, match='fraction'):
        LinearProbeAccuracy(val_fraction=1.0)
    with pytest.raises(ValueError, match='stage'):
        LinearProbeAccuracy(stage='neck')
