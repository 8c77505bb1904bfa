"""Logistic-regression probe on cached features (the paper's LR protocol)."""
from typing import Callable, Dict, Optional, Union

import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from .knn import topk_accuracy


def train_linear_probe(train_feats: torch.Tensor,
                       train_labels: torch.Tensor,
                       num_classes: int,
                       epochs: int = 1000,
                       batch_size: int = 256,
                       lr: float = 3e-4,
                       weight_decay: float = 0.0,
                       seed: int = 0,
                       device: Optional[Union[str, torch.device]] = None,
                       progress: bool = False,
                       epoch_callback: Optional[Callable[[int, nn.Linear], None]] = None
                       ) -> nn.Linear:
    """Train a linear classifier with Adam and cross-entropy on fixed features.

    As the authors' ``eval_lr.py`` (Adam 3e-4, no weight decay, shuffled
    mini-batches of 256 for SimCLR / 128 for Plain and UEL, 1000 epochs), but
    on features extracted once: the whole training set is one tensor on
    ``device`` and every mini-batch is an index into it, so an epoch costs
    N / batch_size small matmuls and no data loading. Unlike the authors the
    last partial batch is kept (every image is used every epoch).

    Args:
        train_feats (Tensor): (N, D) cached features.
        train_labels (Tensor): (N,) int64 labels.
        num_classes (int): C.
        epochs, batch_size, lr, weight_decay: the probe's optimisation.
        seed (int): seeds the initialisation and the shuffling (the global
            random state is left untouched).
        device: where to train; default the features' device.
        progress (bool): show a progress bar over epochs.
        epoch_callback: called as ``fn(epoch, classifier)`` after each epoch
            (1-based), e.g. to score the test set every epoch.

    Return:
        The trained ``nn.Linear(D, C)``.
    """
    if epochs < 0 or batch_size < 1:
        raise ValueError(f'need epochs >= 0 and batch_size >= 1, got {epochs}, {batch_size}')
    device = torch.device(device) if device is not None else train_feats.device
    feats = train_feats.to(device, torch.float32)
    labels = train_labels.to(device, torch.long)
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        classifier = nn.Linear(feats.shape[1], num_classes).to(device)
    optimizer = torch.optim.Adam(classifier.parameters(), lr=lr, weight_decay=weight_decay)
    num_samples = feats.shape[0]
    for epoch in tqdm(range(1, epochs + 1), desc='linear probe', disable=not progress):
        order = torch.randperm(num_samples, generator=generator).to(device)
        for start in range(0, num_samples, batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(classifier(feats[batch]), labels[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        if epoch_callback is not None:
            epoch_callback(epoch, classifier)
    return classifier


@torch.no_grad()
def evaluate_linear_probe(classifier: nn.Module, feats: torch.Tensor, labels: torch.Tensor,
                          chunk_size: int = 8192) -> Dict[str, float]:
    """{'top1', 'top5'} accuracy (%) and mean cross-entropy 'loss' of the
    classifier on (N, D) features, on the classifier's device."""
    device = next(classifier.parameters()).device
    logits = torch.cat([classifier(feats[i:i + chunk_size].to(device, torch.float32))
                        for i in range(0, feats.shape[0], chunk_size)])
    labels = labels.to(device, torch.long)
    result = topk_accuracy(logits, labels)
    result['loss'] = F.cross_entropy(logits, labels).item()
    return result
