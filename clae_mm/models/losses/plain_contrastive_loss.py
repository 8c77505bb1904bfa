import torch
import torch.nn.functional as F


def plain_contrastive_loss(query: torch.Tensor, key: torch.Tensor,
                           temperature: float = 0.1) -> torch.Tensor:
    """In-batch instance discrimination, the paper's "Plain" loss (eq. 5).

    Row i of ``query @ key.T / T`` is a B-way softmax whose target is i, i.e.
    the cross-entropy of eq. 10 with the keys as classifier weights W.
    Reduced as the authors' ``CL()`` (Plain/main.py): mean over the batch of
    -log of the diagonal of the row softmax.

    Args:
        query (Tensor): (B, D) L2-normalised embeddings f(x^p), the anchors.
        key (Tensor): (B, D) L2-normalised embeddings f(x^q) of the same
            instances, the "weights" W of eq. 10.
        temperature (float): tau of eq. 5.

    Return:
        Tensor: the scalar loss.
    """
    logits = query @ key.t() / temperature
    targets = torch.arange(query.shape[0], device=query.device)
    return F.cross_entropy(logits, targets)
