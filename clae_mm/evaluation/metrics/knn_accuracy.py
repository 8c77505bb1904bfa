"""The paper's kNN protocol as an mmengine metric."""
import math

from clae_mm.evaluation.knn import knn_accuracy
from clae_mm.evaluation.validation_split import carve_validation_split, validation_size
from clae_mm.registry import METRICS
from .frozen_feature_metric import FrozenFeatureMetric


@METRICS.register_module()
class KNNAccuracy(FrozenFeatureMetric):
    """Top-1 / top-5 accuracy (%) of the weighted kNN classifier of Wu et al.
    (CVPR 2018; :func:`~clae_mm.evaluation.knn.knn_accuracy`) on clean,
    unaugmented images: every image of the bank (the full train set) votes,
    every query (the full test set) is scored once, also under
    torch.distributed. The authors' code drops the last test batch and
    mis-fills its bank.

    Logged as ``knn/top1``, ``knn/top5`` and, with ``val_fraction``,
    ``knn/val_top1``: a seeded part of the bank is held out as a validation
    set and scored against the rest; the test set is then scored against that
    same rest, so the epoch with the best ``val_top1`` is chosen without the
    test set.

    Args:
        stage (str): the feature ('embedding': the authors' choice for all
            three methods).
        k (int): neighbours (the paper's 200).
        sigma (float): temperature of the vote weights exp(s / sigma) (the
            authors use the training temperature: 0.5 SimCLR, 0.1 Plain/UEL).
        chunk_size (int): queries per similarity block.
        val_fraction (float): part of the bank held out for selection (0: none).
        seed (int): seed of that split.
    """

    default_prefix = 'knn'

    def __init__(self, stage: str = 'embedding', k: int = 200, sigma: float = 0.1,
                 chunk_size: int = 1024, val_fraction: float = 0.0, seed: int = 0,
                 collect_device: str = 'cpu', prefix=None):
        super().__init__(stage=stage, collect_device=collect_device, prefix=prefix)
        # `sigma <= 0` is False for NaN: a NaN sigma voted with NaN weights.
        if not (sigma > 0 and math.isfinite(sigma)):
            raise ValueError(f'sigma must be a finite number > 0, got {sigma}')
        for name, value in (('k', k), ('chunk_size', chunk_size)):
            if value < 1:
                raise ValueError(f'{name} must be >= 1, got {value}')
        validation_size(2, val_fraction)  # refuses a fraction outside [0, 1)
        self.k, self.sigma, self.chunk_size = k, sigma, chunk_size
        self.val_fraction, self.seed = val_fraction, seed

    def describe(self) -> dict:
        """The settings and the bank's size after the split, of the last
        evaluation (all ranks)."""
        num_val = validation_size(self.bank_size, self.val_fraction) if self.bank_size else 0
        return dict(stage=self.stage, k=self.k, sigma=self.sigma, val_fraction=self.val_fraction,
                    split_seed=self.seed, num_val=num_val, num_bank=self.bank_size - num_val)

    def score(self, bank, features, labels, num_classes) -> dict:
        device = bank.device
        bank_feats = bank.features.to(device)
        bank_labels = bank.labels.to(device)
        settings = dict(num_classes=num_classes, k=self.k, sigma=self.sigma,
                        chunk_size=self.chunk_size)
        val, num_val = None, 0
        if self.val_fraction:
            train_index, val_index = carve_validation_split(len(bank_labels), self.val_fraction,
                                                            self.seed)
            train_index, val_index = train_index.to(device), val_index.to(device)
            num_val = len(val_index)
            val = knn_accuracy(bank_feats[train_index], bank_labels[train_index],
                               bank_feats[val_index], bank_labels[val_index], **settings)
            bank_feats, bank_labels = bank_feats[train_index], bank_labels[train_index]
        test = knn_accuracy(bank_feats, bank_labels, features, labels, **settings)
        return dict(test=test, val=val, num_bank=len(bank_labels), num_query=len(labels),
                    num_val=num_val, num_classes=num_classes, feature_dim=bank_feats.shape[1])

    def scalars(self, details: dict) -> dict:
        scalars = dict(top1=details['test']['top1'], top5=details['test']['top5'])
        if details['val'] is not None:
            scalars['val_top1'] = details['val']['top1']
        return scalars
