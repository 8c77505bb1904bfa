"""Linear-probe score of an encoder: features cached once, a probe trained on them."""
from typing import Optional

import torch
from mmengine.dist import get_dist_info

from .feature_extractor import build_dataset, extract_features, num_classes_of
from .linear_probe import evaluate_linear_probe, train_linear_probe
from .validation_split import carve_validation_split


def select_epochs(history: list) -> dict:
    """The probe's last evaluated epoch, its best epoch on the test set and,
    when a validation split exists, the epoch with the best validation top-1
    with its test scores (honest selection)."""
    selected = dict(last_epoch=history[-1],
                    best_over_epochs=max(history, key=lambda entry: entry['test']['top1']),
                    val_selected=None)
    if history[-1].get('val') is not None:
        selected['val_selected'] = max(history, key=lambda entry: entry['val']['top1'])
    return selected


def evaluate_linear(model, train, test, stage: str = 'embedding', epochs: int = 1000,
                    batch_size: int = 256, lr: float = 3e-4, weight_decay: float = 0.0,
                    seed: int = 0, val_fraction: float = 0.0, eval_interval: int = 1,
                    extract_batch_size: int = 256, num_workers: int = 0, device=None,
                    progress: bool = False) -> dict:
    """Extract ``stage`` features of ``train`` and ``test`` once with the frozen
    encoder (clean BNs, eval mode, the test pipeline: no augmentation), then
    train a linear probe on the cache (:func:`train_linear_probe`) and score
    it on the test set every ``eval_interval`` epochs and at the last one.

    Returns:
        dict with 'last_epoch', 'best_over_epochs' (selected on the test set,
        as the authors report), 'val_selected' (selected on the validation
        split, or None), 'history' (every evaluated epoch) and the sizes.
    """
    if eval_interval < 1:
        raise ValueError(f'eval_interval must be >= 1, got {eval_interval}')
    train, test = build_dataset(train), build_dataset(test)
    train_feats, train_labels = extract_features(model, train, stage, extract_batch_size,
                                                 num_workers, device, progress)
    test_feats, test_labels = extract_features(model, test, stage, extract_batch_size,
                                               num_workers, device, progress)
    num_classes = max(num_classes_of(train, train_labels), num_classes_of(test, test_labels))
    run_device = next(model.parameters()).device if device is None else torch.device(device)
    val_feats: Optional[torch.Tensor] = None
    if val_fraction:
        train_index, val_index = carve_validation_split(len(train_labels), val_fraction, seed)
        val_feats, val_labels = train_feats[val_index], train_labels[val_index]
        train_feats, train_labels = train_feats[train_index], train_labels[train_index]
    # The cache lives on the probe's device for the whole run.
    test_feats, test_labels = test_feats.to(run_device), test_labels.to(run_device)
    if val_feats is not None:
        val_feats, val_labels = val_feats.to(run_device), val_labels.to(run_device)
    history = []

    def score(epoch: int, classifier) -> None:
        if epoch % eval_interval and epoch != epochs:
            return
        entry = dict(epoch=epoch, test=evaluate_linear_probe(classifier, test_feats, test_labels))
        if val_feats is not None:
            entry['val'] = evaluate_linear_probe(classifier, val_feats, val_labels)
        history.append(entry)

    classifier = train_linear_probe(train_feats, train_labels, num_classes, epochs=epochs,
                                    batch_size=batch_size, lr=lr, weight_decay=weight_decay,
                                    seed=seed, device=run_device,
                                    progress=progress and get_dist_info()[0] == 0,
                                    epoch_callback=score)
    if not history:  # epochs == 0: score the untrained probe
        score(0, classifier)
    result = select_epochs(history)
    result.update(history=history, num_train=len(train_labels), num_test=len(test_labels),
                  num_val=0 if val_feats is None else len(val_feats), num_classes=num_classes,
                  feature_dim=train_feats.shape[1])
    return result
