import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from clae_mm.models.losses import nt_xent_loss


def authors_nt_xent(z_i, z_j, T):
    """SimCLR/modules/nt_xent.py NT_Xent with its mask_correlated_samples mask."""
    batch = z_i.shape[0]
    mask = torch.ones((2 * batch, 2 * batch), dtype=bool).fill_diagonal_(0)
    for i in range(batch):
        mask[i, batch + i] = 0
        mask[batch + i, i] = 0
    p1 = torch.cat((z_i, z_j), dim=0)
    sim = nn.CosineSimilarity(dim=2)(p1.unsqueeze(1), p1.unsqueeze(0)) / T
    positives = torch.cat((torch.diag(sim, batch), torch.diag(sim, -batch))).reshape(2 * batch, 1)
    negatives = sim[mask].reshape(2 * batch, -1)
    logits = torch.cat((positives, negatives), dim=1)
    loss = nn.CrossEntropyLoss(reduction='sum')(logits, torch.zeros(2 * batch).long())
    return loss / (2 * batch)


def test_matches_definition_by_hand():
    torch.manual_seed(0)
    z1, z2 = torch.randn(3, 4), torch.randn(3, 4)
    z = F.normalize(torch.cat([z1, z2]), dim=1).tolist()
    n, T = 6, 0.5
    cos = lambda a, b: sum(u * v for u, v in zip(a, b))  # noqa: E731
    total = 0.0
    for i in range(n):
        pos = (i + 3) % n
        denominator = sum(math.exp(cos(z[i], z[k]) / T) for k in range(n) if k != i)
        total += -math.log(math.exp(cos(z[i], z[pos]) / T) / denominator)
    assert abs(nt_xent_loss(z1, z2, T).item() - total / n) < 1e-5


def test_value_and_gradient_match_authors_nt_xent():
    torch.manual_seed(3)
    a, b = torch.randn(6, 16), torch.randn(6, 16)
    z1, z2 = a.clone().requires_grad_(), b.clone().requires_grad_()
    ours = nt_xent_loss(z1, z2, 0.5)
    ours.backward()
    y1, y2 = a.clone().requires_grad_(), b.clone().requires_grad_()
    theirs = authors_nt_xent(y1, y2, 0.5)
    theirs.backward()
    assert torch.allclose(ours, theirs, atol=1e-5)
    assert torch.allclose(z1.grad, y1.grad, atol=1e-5) and torch.allclose(z2.grad, y2.grad, atol=1e-5)
