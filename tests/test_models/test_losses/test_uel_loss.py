import math

import torch
import torch.nn.functional as F

from clae_mm.models.losses import uel_loss


def authors_batch_criterion(x, T):
    """UEL/BatchAverage.py BatchCriterion (negM=1) written out, on the CPU."""
    batch = x.size(0)
    reordered = torch.cat((x.narrow(0, batch // 2, batch // 2), x.narrow(0, 0, batch // 2)), 0)
    pos = (x * reordered.data).sum(1).div_(T).exp_()
    all_prob = torch.mm(x, x.t().data).div_(T).exp_() * (1 - torch.eye(batch))
    all_div = all_prob.sum(1)
    lnPmt = torch.div(pos, all_div)
    lnPon = torch.div(all_prob, all_div.repeat(batch, 1).t())
    lnPon = -lnPon.add(-1)
    lnPon.log_()
    lnPon = lnPon.sum(1) - (-lnPmt.add(-1)).log_()
    lnPmt.log_()
    return -(lnPmt.sum(0) + lnPon.sum(0)) / batch


def test_matches_definition_by_hand():
    torch.manual_seed(0)
    z1 = F.normalize(torch.randn(3, 4), dim=1)
    z2 = F.normalize(torch.randn(3, 4), dim=1)
    T = 0.1
    x = torch.cat([z1, z2]).tolist()
    n = len(x)
    dot = lambda a, b: sum(u * v for u, v in zip(a, b))  # noqa: E731
    total = 0.0
    for i in range(n):
        pos = (i + n // 2) % n
        s = [math.exp(dot(x[i], x[j]) / T) if j != i else 0.0 for j in range(n)]
        denominator = sum(s)
        total += math.log(s[pos] / denominator)
        total += sum(math.log(1 - s[j] / denominator) for j in range(n) if j not in (i, pos))
    expected = -total / n
    assert abs(uel_loss(z1, z2, T).item() - expected) < 1e-4


def test_value_and_gradient_match_authors_batch_criterion():
    torch.manual_seed(2)
    a = F.normalize(torch.randn(5, 8), dim=1)
    b = F.normalize(torch.randn(5, 8), dim=1)
    z1, z2 = a.clone().requires_grad_(), b.clone().requires_grad_()
    ours = uel_loss(z1, z2, 0.1)
    ours.backward()
    x = torch.cat([a, b]).requires_grad_()
    theirs = authors_batch_criterion(x, 0.1)
    theirs.backward()
    assert torch.allclose(ours, theirs, atol=1e-5)
    # The stop-gradient of the compared-with side is part of the method.
    assert torch.allclose(torch.cat([z1.grad, z2.grad]), x.grad, atol=1e-5)
