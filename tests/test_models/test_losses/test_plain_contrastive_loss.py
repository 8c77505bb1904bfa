import math

import torch
import torch.nn.functional as F

from clae_mm.models.losses import plain_contrastive_loss


def test_matches_eq5_by_hand():
    torch.manual_seed(0)
    q = F.normalize(torch.randn(4, 3), dim=1)
    k = F.normalize(torch.randn(4, 3), dim=1)
    tau = 0.1
    expected = 0.0
    for i in range(4):  # eq. 5: -log exp(q_i.k_i/tau) / sum_j exp(q_i.k_j/tau)
        numerator = math.exp(float(q[i] @ k[i]) / tau)
        denominator = sum(math.exp(float(q[i] @ k[j]) / tau) for j in range(4))
        expected += -math.log(numerator / denominator)
    expected /= 4
    assert abs(plain_contrastive_loss(q, k, tau).item() - expected) < 1e-5


def test_equals_authors_softmax_diagonal_form():
    # The authors' CL(): exp(x1 x2^T / T), row-normalise, -mean(log diag).
    torch.manual_seed(1)
    q = F.normalize(torch.randn(6, 5), dim=1)
    k = F.normalize(torch.randn(6, 5), dim=1)
    mat = torch.exp(q @ k.t() / 0.1)
    authors = -torch.mean(torch.log(torch.diag(mat / mat.sum(1, keepdim=True))))
    assert torch.allclose(plain_contrastive_loss(q, k, 0.1), authors, atol=1e-6)


def test_perfectly_aligned_distinct_keys_give_small_loss():
    q = torch.eye(4)
    assert plain_contrastive_loss(q, q, 0.1).item() < 1e-3
