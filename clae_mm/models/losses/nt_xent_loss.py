import torch
import torch.nn.functional as F


def nt_xent_loss(z1: torch.Tensor, z2: torch.Tensor,
                 temperature: float = 0.5) -> torch.Tensor:
    """NT-Xent of SimCLR (Chen et al. 2020): each of the 2B anchors has one
    positive (its other view) and 2B-2 negatives.

    Cosine similarity as the authors' ``NT_Xent`` (SimCLR/modules/nt_xent.py),
    cross-entropy summed over the 2B anchors and divided by 2B.

    Args:
        z1 (Tensor): (B, D) embeddings of the first view (normalised or not).
        z2 (Tensor): (B, D) embeddings of the second view.
        temperature (float): tau.

    Return:
        Tensor: the scalar loss.
    """
    batch = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    logits = z @ z.t() / temperature
    self_mask = torch.eye(2 * batch, device=z.device, dtype=torch.bool)
    logits = logits.masked_fill(self_mask, float('-inf'))
    # Made on the device: built on the CPU and copied, they cost a host sync a call.
    targets = torch.arange(2 * batch, device=z.device).roll(batch)
    return F.cross_entropy(logits, targets, reduction='sum') / (2 * batch)
