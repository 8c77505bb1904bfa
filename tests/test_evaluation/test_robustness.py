"""Robust accuracy under L-inf attacks, against a linear classifier whose worst case is known in
closed form: the margin of class y over the other class, (w_y - w_o) x + b_y - b_o, falls by at
most eps * ||w_y - w_o||_1 inside the eps-ball, and exactly that at its corner."""
import pytest
import torch
from torch import nn

from clae_mm.evaluation.robustness import autoattack_accuracy, fixed_subset, pgd_robust_accuracy

EPS = [0.0, 1 / 255, 2 / 255, 4 / 255, 8 / 255]


def linear_problem(num_images=64, seed=0):
    """Two classes, 3x4x4 images in [0.4, 0.6] (the [0, 1] box never binds at eps <= 8/255),
    margins spread over [-1, 3] so that no softmax saturates and each eps leaves some robust."""
    generator = torch.Generator().manual_seed(seed)
    classifier = nn.Sequential(nn.Flatten(), nn.Linear(48, 2))
    with torch.no_grad():
        classifier[1].weight.copy_(torch.randn(2, 48, generator=generator) * 2)
        classifier[1].bias.zero_()
    images = 0.4 + 0.2 * torch.rand(num_images, 3, 4, 4, generator=generator)
    labels = torch.randint(0, 2, (num_images,), generator=generator)
    with torch.no_grad():
        logits = classifier(images)
    margin = logits.gather(1, labels[:, None])[:, 0] - logits.gather(1, 1 - labels[:, None])[:, 0]
    weight = classifier[1].weight
    l1 = (weight[0] - weight[1]).abs().sum().item()
    return classifier, images, labels, margin, l1


def test_pgd_reaches_the_closed_form_worst_case_of_a_linear_model():
    classifier, images, labels, margin, l1 = linear_problem()
    result = pgd_robust_accuracy(classifier, images, labels, EPS, steps=20, batch_size=16)
    assert result['clean'] == pytest.approx(100 * (margin > 0).float().mean().item())
    for eps in EPS:
        expected = 100 * (margin > eps * l1).float().mean().item()
        assert result['pgd'][eps] == pytest.approx(expected), eps
    assert result['pgd'][0.0] == result['clean']  # eps 0: the images are not moved
    accuracies = [result['pgd'][eps] for eps in EPS]
    assert accuracies == sorted(accuracies, reverse=True) and accuracies[-1] < accuracies[0]


def test_autoattack_reaches_the_closed_form_of_a_ten_class_linear_model():
    """With ten classes an image is robust iff every pairwise margin m_j stays above
    eps * ||w_y - w_j||_1 (each has its own worst corner); AutoAttack's targeted attacks find
    each of them."""
    generator = torch.Generator().manual_seed(1)
    classifier = nn.Sequential(nn.Flatten(), nn.Linear(48, 10))
    with torch.no_grad():
        classifier[1].weight.copy_(torch.randn(10, 48, generator=generator))
        classifier[1].bias.zero_()
    images = 0.4 + 0.2 * torch.rand(24, 3, 4, 4, generator=generator)
    with torch.no_grad():
        logits = classifier(images)
    labels = logits.argmax(1)  # all clean-correct
    weight, eps = classifier[1].weight.detach(), 4 / 255
    worst = torch.stack([
        min(logits[i, y] - logits[i, j] - eps * (weight[y] - weight[j]).abs().sum()
            for j in range(10) if j != y) for i, y in enumerate(labels.tolist())])
    expected = 100 * (worst > 0).float().mean().item()
    assert 0 < expected < 100
    assert autoattack_accuracy(classifier, images, labels, eps, num_classes=10) == \
        pytest.approx(expected)


def test_the_autoattack_subset_is_fixed_and_sorted():
    subset = fixed_subset(10000, 1000, seed=0)
    assert torch.equal(subset, fixed_subset(10000, 1000, seed=0)) and len(set(subset.tolist())) == 1000
    assert torch.equal(subset, subset.sort().values)
    assert torch.equal(fixed_subset(10, 1000), torch.arange(10))
