import torch

from clae_mm.evaluation import evaluate_linear_probe, train_linear_probe


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
