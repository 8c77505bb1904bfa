"""kNN score of an encoder: the train set is the bank, the test set is scored."""
import torch

from .feature_extractor import build_dataset, extract_features, num_classes_of
from .knn import knn_accuracy
from .validation_split import carve_validation_split


def evaluate_knn(model, bank, query, stage: str = 'embedding', k: int = 200, sigma: float = 0.1,
                 chunk_size: int = 1024, batch_size: int = 256, num_workers: int = 0,
                 val_fraction: float = 0.0, seed: int = 0, device=None,
                 progress: bool = False) -> dict:
    """Score ``model`` with :func:`knn_accuracy` on clean, unaugmented images.

    Every image of ``bank`` (the full train set) is in the bank once and
    every image of ``query`` (the full test set) is scored once, also under
    torch.distributed (see :func:`extract_features`); the authors' code drops
    the last test batch and mis-fills its bank. With ``val_fraction`` > 0 a
    seeded part of the bank is held out as a validation set and scored with
    the rest as bank; the test set is then scored against that same bank.

    Returns:
        dict with 'test' ({'top1', 'top5'}), 'val' (or None) and the sizes.
    """
    bank, query = build_dataset(bank), build_dataset(query)
    bank_feats, bank_labels = extract_features(model, bank, stage, batch_size, num_workers,
                                               device, progress)
    query_feats, query_labels = extract_features(model, query, stage, batch_size, num_workers,
                                                 device, progress)
    num_classes = max(num_classes_of(bank, bank_labels), num_classes_of(query, query_labels))
    run_device = next(model.parameters()).device if device is None else torch.device(device)
    bank_feats, bank_labels = bank_feats.to(run_device), bank_labels.to(run_device)
    settings = dict(num_classes=num_classes, k=k, sigma=sigma, chunk_size=chunk_size)
    val = None
    num_val = 0
    if val_fraction:
        train_index, val_index = carve_validation_split(len(bank_labels), val_fraction, seed)
        train_index, val_index = train_index.to(run_device), val_index.to(run_device)
        num_val = len(val_index)
        val = knn_accuracy(bank_feats[train_index], bank_labels[train_index],
                           bank_feats[val_index], bank_labels[val_index], **settings)
        bank_feats, bank_labels = bank_feats[train_index], bank_labels[train_index]
    test = knn_accuracy(bank_feats, bank_labels, query_feats, query_labels, **settings)
    return dict(test=test, val=val, num_bank=len(bank_labels), num_query=len(query_labels),
                num_val=num_val, num_classes=num_classes, feature_dim=bank_feats.shape[1])
