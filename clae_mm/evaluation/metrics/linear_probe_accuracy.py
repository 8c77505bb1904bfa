"""The paper's linear-probe (logistic regression) protocol as an mmengine metric."""
import math
from typing import Optional

import torch

from clae_mm.evaluation.epoch_selection import PROBE_TIES, best_entry
from clae_mm.evaluation.linear_probe import evaluate_linear_probe, train_linear_probe
from clae_mm.evaluation.validation_split import carve_validation_split, validation_size
from clae_mm.registry import METRICS
from .frozen_feature_metric import FrozenFeatureMetric


def select_epochs(history: list) -> dict:
    """The probe's last evaluated epoch, its best epoch on the test set and,
    when a validation split exists, the epoch with the best validation top-1
    with its test scores (honest selection); of equal scores the earlier
    epoch, as the authors' probes (:mod:`~clae_mm.evaluation.epoch_selection`)."""
    selected = dict(last_epoch=history[-1],
                    best_over_epochs=best_entry(history, lambda e: e['test']['top1'], PROBE_TIES),
                    val_selected=None)
    if history[-1].get('val') is not None:
        selected['val_selected'] = best_entry(history, lambda e: e['val']['top1'], PROBE_TIES)
    return selected


@METRICS.register_module()
class LinearProbeAccuracy(FrozenFeatureMetric):
    """A linear classifier trained on the bank's cached features (the train
    set, embedded once by the frozen encoder: clean BNs, eval mode, the test
    pipeline) with :func:`~clae_mm.evaluation.linear_probe.train_linear_probe`
    and scored on the queries (the test set) every ``eval_interval`` probe
    epochs and at the last one.

    Logged: ``linear/top1`` and ``linear/top5`` of the probe's last epoch,
    ``linear/best_top1``, the best over probe epochs selected on the test set
    (what the authors report), and with ``val_fraction``
    ``linear/val_selected_top1``, the test top-1 at the epoch of best
    validation top-1. ``details`` holds every evaluated epoch.

    Args:
        stage (str): the feature (the authors': 'backbone' for SimCLR,
            'embedding' for Plain and UEL).
        epochs, batch_size, lr, weight_decay: the probe's Adam (the authors'
            eval_lr.py: 1000 epochs, 3e-4, no decay; batch 256 SimCLR, 128
            Plain/UEL).
        seed (int): seed of the probe and of the validation split.
        val_fraction (float): part of the train set held out for selection.
        eval_interval (int): score the test set every this many probe epochs.
        progress (bool): a progress bar over the probe's epochs.
    """

    default_prefix = 'linear'

    def __init__(self, stage: str = 'embedding', epochs: int = 1000, batch_size: int = 256,
                 lr: float = 3e-4, weight_decay: float = 0.0, seed: int = 0,
                 val_fraction: float = 0.0, eval_interval: int = 1, progress: bool = False,
                 collect_device: str = 'cpu', prefix=None):
        super().__init__(stage=stage, collect_device=collect_device, prefix=prefix)
        if eval_interval < 1 or epochs < 0 or batch_size < 1:
            raise ValueError(f'need eval_interval >= 1, epochs >= 0 and batch_size >= 1, got '
                             f'{eval_interval}, {epochs}, {batch_size}')
        if not (lr > 0 and math.isfinite(lr)) or not (weight_decay >= 0 and
                                                       math.isfinite(weight_decay)):
            raise ValueError(f'lr must be a finite number > 0 and weight_decay one >= 0, got '
                             f'lr={lr}, weight_decay={weight_decay}')
        validation_size(2, val_fraction)  # refuses a fraction outside [0, 1)
        self.epochs, self.batch_size, self.lr, self.weight_decay = epochs, batch_size, lr, \
            weight_decay
        self.seed, self.val_fraction, self.eval_interval = seed, val_fraction, eval_interval
        self.progress = progress

    def score(self, bank, features, labels, num_classes) -> dict:
        device = bank.device
        train_feats, train_labels = bank.features, bank.labels
        val_feats: Optional[torch.Tensor] = None
        if self.val_fraction:
            train_index, val_index = carve_validation_split(len(train_labels), self.val_fraction,
                                                            self.seed)
            val_feats, val_labels = train_feats[val_index], train_labels[val_index]
            train_feats, train_labels = train_feats[train_index], train_labels[train_index]
        # The cache lives on the probe's device for the whole run.
        test_feats, test_labels = features.to(device), labels.to(device)
        if val_feats is not None:
            val_feats, val_labels = val_feats.to(device), val_labels.to(device)
        history = []

        def score_epoch(epoch: int, classifier) -> None:
            if epoch % self.eval_interval and epoch != self.epochs:
                return
            entry = dict(epoch=epoch,
                         test=evaluate_linear_probe(classifier, test_feats, test_labels))
            if val_feats is not None:
                entry['val'] = evaluate_linear_probe(classifier, val_feats, val_labels)
            history.append(entry)

        classifier = train_linear_probe(train_feats, train_labels, num_classes, epochs=self.epochs,
                                        batch_size=self.batch_size, lr=self.lr,
                                        weight_decay=self.weight_decay, seed=self.seed,
                                        device=device, progress=self.progress,
                                        epoch_callback=score_epoch)
        if not history:  # epochs == 0: score the untrained probe
            score_epoch(0, classifier)
        result = select_epochs(history)
        result.update(history=history, num_train=len(train_labels), num_test=len(test_labels),
                      num_val=0 if val_feats is None else len(val_feats), num_classes=num_classes,
                      feature_dim=train_feats.shape[1])
        return result

    def scalars(self, details: dict) -> dict:
        last, best = details['last_epoch'], details['best_over_epochs']
        scalars = dict(top1=last['test']['top1'], top5=last['test']['top5'],
                       best_top1=best['test']['top1'])
        if details['val_selected'] is not None:
            scalars['val_selected_top1'] = details['val_selected']['test']['top1']
        return scalars
