"""Weighted k-nearest-neighbour classifier of Wu et al. (CVPR 2018), the
paper's kNN protocol (k = 200)."""
from typing import Dict

import torch
import torch.nn.functional as F


def knn_predict(bank_feats: torch.Tensor,
                bank_labels: torch.Tensor,
                query_feats: torch.Tensor,
                num_classes: int,
                k: int = 200,
                sigma: float = 0.1,
                chunk_size: int = 1024) -> torch.Tensor:
    """Class scores of each query: the k most similar bank features vote for
    their class with weight exp(s / sigma), s the cosine similarity.

    Features are L2-normalised here (a no-op for the normalised embeddings
    the authors use), so any stage can be scored. The weights are scaled by
    each query's exp(-s_max / sigma), which leaves its vote unchanged and
    cannot overflow for small sigma. Queries are processed ``chunk_size`` at
    a time on the bank's device, so a (chunk x bank) similarity matrix is
    the largest tensor. The authors' ``kNN`` (Plain/utils.py) does the same
    vote with one matmul per test batch.

    Args:
        bank_feats (Tensor): (N, D) features of the labelled bank (train set).
        bank_labels (Tensor): (N,) int64 labels.
        query_feats (Tensor): (Q, D) features to classify.
        num_classes (int): C.
        k (int): neighbours; a bank smaller than k votes with all of it.
        sigma (float): temperature of the weights.
        chunk_size (int): queries per similarity block (any size >= 1).

    Return:
        (Q, C) float32 scores on the CPU.
    """
    if sigma <= 0 or k < 1 or chunk_size < 1:
        raise ValueError(f'need sigma > 0, k >= 1, chunk_size >= 1; got {sigma}, {k}, {chunk_size}')
    if bank_feats.shape[0] == 0:
        raise ValueError('the kNN bank is empty')
    device = bank_feats.device
    bank = F.normalize(bank_feats.float(), dim=1)
    bank_labels = bank_labels.to(device, torch.long)
    k = min(k, bank.shape[0])
    scores = []
    for start in range(0, query_feats.shape[0], chunk_size):
        query = F.normalize(query_feats[start:start + chunk_size].to(device).float(), dim=1)
        similarity, neighbours = (query @ bank.T).topk(k, dim=1)
        weights = ((similarity - similarity[:, :1]) / sigma).exp()
        votes = torch.zeros(query.shape[0], num_classes, device=device)
        votes.scatter_add_(1, bank_labels[neighbours], weights)
        scores.append(votes.cpu())
    if not scores:
        return torch.zeros(0, num_classes)
    return torch.cat(scores)


def topk_accuracy(scores: torch.Tensor, labels: torch.Tensor) -> Dict[str, float]:
    """Top-1 and top-5 accuracy (%) of (Q, C) scores; top-5 is top-C when C < 5."""
    if scores.shape[0] == 0:
        raise ValueError('no queries to score')
    labels = labels.to(scores.device).view(-1, 1)
    ranked = scores.topk(min(5, scores.shape[1]), dim=1).indices
    correct = ranked.eq(labels)
    num = labels.shape[0]
    return {'top1': 100.0 * correct[:, :1].any(1).sum().item() / num,
            'top5': 100.0 * correct.any(1).sum().item() / num}


def knn_accuracy(bank_feats: torch.Tensor,
                 bank_labels: torch.Tensor,
                 query_feats: torch.Tensor,
                 query_labels: torch.Tensor,
                 num_classes: int,
                 k: int = 200,
                 sigma: float = 0.1,
                 chunk_size: int = 1024) -> Dict[str, float]:
    """{'top1', 'top5'} accuracy (%) of :func:`knn_predict` on labelled queries."""
    scores = knn_predict(bank_feats, bank_labels, query_feats, num_classes, k, sigma, chunk_size)
    return topk_accuracy(scores, query_labels)
