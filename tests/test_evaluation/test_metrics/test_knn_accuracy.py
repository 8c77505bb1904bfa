import pytest
import torch

from clae_mm.evaluation import FeatureBank, KNNAccuracy, carve_validation_split, knn_accuracy


def test_metric_is_the_knn_of_the_bank_with_its_validation_split():
    g = torch.Generator().manual_seed(0)
    bank, bank_labels = torch.randn(30, 6, generator=g), torch.randint(0, 3, (30,), generator=g)
    query, query_labels = torch.randn(7, 6, generator=g), torch.randint(0, 3, (7,), generator=g)
    metric = KNNAccuracy(k=5, sigma=0.2, val_fraction=0.2, seed=1)
    metric.dataset_meta = dict(classes=['a', 'b', 'c', 'd'])  # the query set has 4 classes
    metric.set_bank(FeatureBank(bank, bank_labels, num_classes=3, device=torch.device('cpu')))
    metric.process(None, [dict(features={'embedding': f}, gt_label=int(y))
                          for f, y in zip(query, query_labels)])
    scalars = metric.compute_metrics(metric.results)
    train, val = carve_validation_split(30, 0.2, seed=1)
    settings = dict(num_classes=4, k=5, sigma=0.2)
    expected_val = knn_accuracy(bank[train], bank_labels[train], bank[val], bank_labels[val],
                                **settings)
    expected = knn_accuracy(bank[train], bank_labels[train], query, query_labels, **settings)
    assert scalars == dict(top1=expected['top1'], top5=expected['top5'],
                           val_top1=expected_val['top1'])
    assert (metric.details['num_bank'], metric.details['num_val'],
            metric.details['num_classes']) == (24, 6, 4)
    assert metric.describe() == dict(stage='embedding', k=5, sigma=0.2, val_fraction=0.2,
                                     split_seed=1, num_val=6, num_bank=24)


def test_settings_are_checked_when_built():
    with pytest.raises(ValueError, match='sigma'):
        KNNAccuracy(sigma=0.0)
    with pytest.raises(ValueError, match='fraction'):
        KNNAccuracy(val_fraction=-0.1)
