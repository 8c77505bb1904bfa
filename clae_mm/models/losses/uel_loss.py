import torch


def uel_loss(z1: torch.Tensor, z2: torch.Tensor,
             temperature: float = 0.1) -> torch.Tensor:
    """Unsupervised embedding learning (Ye et al. 2019), the paper's "UEL".

    A re-derivation of the authors' ``BatchCriterion`` (UEL/BatchAverage.py)
    with ``negM=1``, applied to the 2B rows x = cat(z1, z2). For row i with
    positive x_i' (the other view) and s_ij = exp(x_i . x_j / T), j != i:

        P_i   = s_ii' / sum_{j != i} s_ij
        P_ij  = s_ij  / sum_{k != i} s_ik
        loss  = -(1 / 2B) sum_i [log P_i + sum_{j != i, i'} log(1 - P_ij)]

    The compared-with side is taken with ``.detach()`` exactly where the
    authors take ``.data`` (the reordered positives and the transposed matrix):
    each row gets gradient through its own embedding only.

    Args:
        z1 (Tensor): (B, D) L2-normalised embeddings of the first view.
        z2 (Tensor): (B, D) L2-normalised embeddings of the second view.
        temperature (float): T.

    Return:
        Tensor: the scalar loss.
    """
    x = torch.cat([z1, z2], dim=0)
    batch = z1.shape[0]
    reordered = torch.cat([z2, z1], dim=0).detach()
    positive = torch.exp((x * reordered).sum(1) / temperature)
    off_diagonal = 1.0 - torch.eye(2 * batch, device=x.device, dtype=x.dtype)
    similarity = torch.exp(x @ x.detach().t() / temperature) * off_diagonal
    denominator = similarity.sum(1)
    prob_positive = positive / denominator
    prob_negative = similarity / denominator[:, None]
    # log(1 - P_ij) over j != i (the masked diagonal contributes log 1 = 0),
    # minus the positive pair's own term.
    log_not_negative = torch.log(1.0 - prob_negative).sum(1) - torch.log(1.0 - prob_positive)
    return -(torch.log(prob_positive).sum() + log_not_negative.sum()) / (2 * batch)
