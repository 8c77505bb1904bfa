import pytest
import torch

from clae_mm.evaluation import evaluate_linear, evaluate_linear_probe, train_linear_probe
from tests.model_utils import tiny_clae


def separable_problem(num, seed):
    """Labels of a fixed linear map, keeping only points with a margin."""
    g = torch.Generator().manual_seed(seed)
    weights = torch.randn(20, 4, generator=torch.Generator().manual_seed(123))
    feats = torch.randn(4 * num, 20, generator=g)
    top2 = (feats @ weights).topk(2, dim=1)
    keep = (top2.values[:, 0] - top2.values[:, 1] > 1.0).nonzero().squeeze(1)[:num]
    return feats[keep], top2.indices[keep, 0]


def test_probe_learns_linearly_separable_features():
    train_feats, train_labels = separable_problem(600, seed=0)
    test_feats, test_labels = separable_problem(300, seed=1)
    classifier = train_linear_probe(train_feats, train_labels, 4, epochs=60, batch_size=64, lr=1e-2)
    result = evaluate_linear_probe(classifier, test_feats, test_labels)
    assert result['top1'] >= 95.0
    assert result['top5'] == 100.0  # 4 classes
    assert result['loss'] < 0.2


def test_probe_is_seeded_and_leaves_the_global_random_state_alone():
    feats, labels = separable_problem(100, seed=0)
    state = torch.random.get_rng_state()
    first = train_linear_probe(feats, labels, 4, epochs=3, batch_size=16, seed=5)
    assert torch.equal(torch.random.get_rng_state(), state)
    second = train_linear_probe(feats, labels, 4, epochs=3, batch_size=16, seed=5)
    other = train_linear_probe(feats, labels, 4, epochs=3, batch_size=16, seed=6)
    assert torch.equal(first.weight, second.weight)
    assert not torch.equal(first.weight, other.weight)


@pytest.fixture(scope='module')
def model():
    return tiny_clae('simclr').eval()


def count_encoder_forwards(model):
    calls = []
    handle = model.backbone.register_forward_hook(lambda *_: calls.append(1))
    return calls, handle


def test_features_are_extracted_once_whatever_the_number_of_epochs(model, cifar10_root):
    """The cache is reused: 40 train + 8 test images in batches of 16 are
    3 + 1 encoder forwards, for 1 probe epoch as for 6."""
    data = dict(type='CIFAR10', data_root=cifar10_root, pipeline=[dict(type='PackInputs')])
    counts = {}
    for epochs in (1, 6):
        calls, handle = count_encoder_forwards(model)
        result = evaluate_linear(model, dict(data, split='train'), dict(data, split='test'),
                                 stage='backbone', epochs=epochs, batch_size=8,
                                 extract_batch_size=16)
        handle.remove()
        counts[epochs] = len(calls)
        assert [entry['epoch'] for entry in result['history']] == list(range(1, epochs + 1))
    assert counts == {1: 4, 6: 4}
    assert result['num_train'] == 40 and result['num_test'] == 8 and result['feature_dim'] == 64


def test_last_best_and_validation_selected_epochs_are_reported_apart(model, cifar10_root):
    data = dict(type='CIFAR10', data_root=cifar10_root, pipeline=[dict(type='PackInputs')])
    result = evaluate_linear(model, dict(data, split='train'), dict(data, split='test'),
                             stage='backbone', epochs=12, batch_size=8, lr=1e-2,
                             val_fraction=0.25, eval_interval=5)
    history = result['history']
    assert [entry['epoch'] for entry in history] == [5, 10, 12]  # every 5 and the last
    assert result['num_train'] == 30 and result['num_val'] == 10
    assert result['last_epoch'] is history[-1]
    assert result['best_over_epochs']['test']['top1'] == max(e['test']['top1'] for e in history)
    assert result['val_selected']['val']['top1'] == max(e['val']['top1'] for e in history)
