import math

import pytest
import torch
import torch.nn.functional as F

from clae_mm.evaluation import knn_accuracy, knn_predict


def brute_force_scores(bank, bank_labels, queries, num_classes, k, sigma):
    """Wu et al.'s vote written out one query and one neighbour at a time."""
    bank = F.normalize(bank.double(), dim=1)
    queries = F.normalize(queries.double(), dim=1)
    scores = torch.zeros(len(queries), num_classes, dtype=torch.float64)
    for q, query in enumerate(queries):
        similarities = [(float(query @ item), int(label)) for item, label in zip(bank, bank_labels)]
        for similarity, label in sorted(similarities, reverse=True)[:k]:
            scores[q, label] += math.exp(similarity / sigma)
    return scores


def random_problem(num_bank=300, num_query=50, dim=16, num_classes=7, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(num_bank, dim, generator=g),
            torch.randint(0, num_classes, (num_bank,), generator=g),
            torch.randn(num_query, dim, generator=g),
            torch.randint(0, num_classes, (num_query,), generator=g))


@pytest.mark.parametrize('k, sigma', [(200, 0.1), (20, 0.5), (1, 0.1)])
def test_matches_brute_force_reference(k, sigma):
    bank, bank_labels, queries, query_labels = random_problem()
    ours = knn_predict(bank, bank_labels, queries, 7, k=k, sigma=sigma)
    reference = brute_force_scores(bank, bank_labels, queries, 7, k, sigma)
    assert torch.equal(ours.argmax(1), reference.argmax(1))
    # Same vote up to each query's positive factor exp(-s_max / sigma).
    torch.testing.assert_close(ours.double() / ours.sum(1, keepdim=True),
                               reference / reference.sum(1, keepdim=True), rtol=1e-4, atol=1e-6)
    expected_top1 = 100.0 * (reference.argmax(1) == query_labels).double().mean().item()
    top5_hits = (reference.topk(5, dim=1).indices == query_labels[:, None]).any(1)
    expected_top5 = 100.0 * top5_hits.double().mean().item()
    accuracy = knn_accuracy(bank, bank_labels, queries, query_labels, 7, k=k, sigma=sigma)
    assert accuracy['top1'] == pytest.approx(expected_top1)
    assert accuracy['top5'] == pytest.approx(expected_top5)


def test_well_separated_clusters_are_classified_perfectly():
    g = torch.Generator().manual_seed(1)
    centres = torch.eye(8) * 10
    bank_labels = torch.arange(8).repeat_interleave(30)
    bank = centres[bank_labels] + torch.randn(240, 8, generator=g)
    query_labels = torch.arange(8).repeat(5)
    queries = centres[query_labels] + torch.randn(40, 8, generator=g)
    # k larger than a class: every other class' members vote too, with tiny weights.
    assert knn_accuracy(bank, bank_labels, queries, query_labels, 8, k=200, sigma=0.1) == \
        {'top1': 100.0, 'top5': 100.0}


def test_chunked_equals_unchunked():
    bank, bank_labels, queries, _ = random_problem(num_query=101)
    whole = knn_predict(bank, bank_labels, queries, 7, chunk_size=10_000)
    for chunk_size in (1, 7, 100):
        chunked = knn_predict(bank, bank_labels, queries, 7, chunk_size=chunk_size)
        assert torch.equal(chunked.argmax(1), whole.argmax(1))
        torch.testing.assert_close(chunked, whole, rtol=1e-5, atol=1e-6)


def test_bank_smaller_than_k_and_chunk_larger_than_queries():
    """The tiny CI datasets: 5 bank images for k=200, 3 queries for a 1024 chunk."""
    bank = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.2, 1.0]])
    bank_labels = torch.tensor([0, 0, 1, 1, 1])
    queries = torch.tensor([[1.0, 0.05], [0.05, 1.0], [0.6, 0.4]])
    scores = knn_predict(bank, bank_labels, queries, 3, k=200, sigma=0.1, chunk_size=1024)
    assert scores.shape == (3, 3)
    assert scores.argmax(1).tolist() == [0, 1, 0]
    assert torch.all(scores[:, 2] == 0)  # a class without bank images gets no vote
    # Fewer classes than 5: top-5 is top-C, i.e. always right.
    result = knn_accuracy(bank, bank_labels, queries, torch.tensor([0, 1, 1]), 3)
    assert result == {'top1': pytest.approx(200 / 3), 'top5': 100.0}


def test_small_sigma_does_not_overflow():
    bank, bank_labels, queries, query_labels = random_problem()
    scores = knn_predict(bank, bank_labels, queries, 7, sigma=0.001)
    assert torch.isfinite(scores).all()
