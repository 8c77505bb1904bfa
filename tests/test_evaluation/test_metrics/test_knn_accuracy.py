import pytest
import torch
from mmengine.evaluator import Evaluator

from clae_mm.evaluation import KNNAccuracy, carve_validation_split, feature_samples, knn_accuracy
from clae_mm.utils import CLAEError


def test_metric_is_the_knn_of_the_bank_with_its_validation_split():
    g = torch.Generator().manual_seed(0)
    bank, bank_labels = torch.randn(30, 6, generator=g), torch.randint(0, 3, (30,), generator=g)
    query, query_labels = torch.randn(7, 6, generator=g), torch.randint(0, 3, (7,), generator=g)
    metric = KNNAccuracy(k=5, sigma=0.2, val_fraction=0.2, seed=1)
    evaluator = Evaluator(metric)  # mmengine's own, as the loop's
    evaluator.dataset_meta = dict(classes=['a', 'b', 'c', 'd'])  # the query set has 4 classes
    evaluator.process(feature_samples({'embedding': bank}, bank_labels, bank_classes=3))
    evaluator.process(feature_samples({'embedding': query}, query_labels))
    scalars = evaluator.evaluate(len(query_labels))
    train, val = carve_validation_split(30, 0.2, seed=1)
    settings = dict(num_classes=4, k=5, sigma=0.2)
    expected_val = knn_accuracy(bank[train], bank_labels[train], bank[val], bank_labels[val],
                                **settings)
    expected = knn_accuracy(bank[train], bank_labels[train], query, query_labels, **settings)
    assert scalars == {'knn/top1': expected['top1'], 'knn/top5': expected['top5'],
                       'knn/val_top1': expected_val['top1']}
    assert (metric.details['num_bank'], metric.details['num_val'],
            metric.details['num_classes']) == (24, 6, 4)
    assert metric.describe() == dict(stage='embedding', k=5, sigma=0.2, val_fraction=0.2,
                                     split_seed=1, num_val=6, num_bank=24)
    # the bank served that evaluation: queries alone (a stock ValLoop) are refused in one line
    evaluator.process(feature_samples({'embedding': query}, query_labels))
    with pytest.raises(CLAEError, match='got no bank samples.*FrozenFeatureValLoop'):
        evaluator.evaluate(len(query_labels))


def test_settings_are_checked_when_built():
    with pytest.raises(ValueError, match='sigma'):
        KNNAccuracy(sigma=0.0)
    with pytest.raises(ValueError, match='fraction'):
        KNNAccuracy(val_fraction=-0.1)
