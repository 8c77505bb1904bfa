"""What the kNN and linear-probe metrics share: features of a frozen encoder,
scored against a labelled bank (the train set) that the evaluation loop
hands over before the query batches."""
from typing import List, NamedTuple, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric

from clae_mm.evaluation.feature_extractor import STAGES
from clae_mm.utils.errors import CLAEError


class FeatureBank(NamedTuple):
    """The labelled features every query is scored against."""
    features: torch.Tensor      # (N, D) float32, CPU
    labels: torch.Tensor        # (N,) int64, CPU
    num_classes: int            # from the bank dataset's classes, else its labels
    device: torch.device        # where to score (the encoder's device)


class FrozenFeatureMetric(BaseMetric):
    """A metric of ``stage`` features of a frozen encoder.

    :class:`~clae_mm.engine.runners.FrozenFeatureValLoop` (and its test twin)
    extracts the bank's features once, passes them with :meth:`set_bank`,
    then sends every query batch as ``dict(features={stage: (D,)},
    gt_label=int)`` samples to :meth:`process`; :meth:`compute_metrics`
    scores the gathered queries against the bank with :meth:`score`, keeps
    its full result in ``details`` (on rank 0) and returns the scalars that
    go to the message hub, the log and the visualiser backends.

    Args:
        stage (str): the feature: 'backbone', 'embedding' or 'pixels'.
        collect_device, prefix: as mmengine's ``BaseMetric``.
    """

    def __init__(self, stage: str = 'embedding', collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if stage not in STAGES:
            raise ValueError(f'stage must be one of {STAGES}, got {stage!r}')
        self.stage = stage
        self.bank: Optional[FeatureBank] = None
        self.details: Optional[dict] = None

    def set_bank(self, bank: FeatureBank) -> None:
        self.bank = bank

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append((sample['features'][self.stage], int(sample['gt_label'])))

    def compute_metrics(self, results: List[tuple]) -> dict:
        if self.bank is None:
            raise CLAEError(f'{type(self).__name__} scores features against a bank (the train '
                            "set): evaluate it with val_cfg=dict(type='FrozenFeatureValLoop', "
                            "bank=dict(dataset=...)) or test_cfg=dict(type='FrozenFeatureTestLoop', "
                            'bank=...)')
        features = torch.stack([feature for feature, _ in results]).float()
        labels = torch.tensor([label for _, label in results], dtype=torch.long)
        classes = (self.dataset_meta or {}).get('classes')
        query_classes = len(classes) if classes else (int(labels.max()) + 1 if len(labels) else 0)
        self.details = self.score(features, labels, max(self.bank.num_classes, query_classes))
        return self.scalars(self.details)

    def score(self, features: torch.Tensor, labels: torch.Tensor, num_classes: int) -> dict:
        """The full result of the protocol on the queries (kept as ``details``)."""
        raise NotImplementedError

    def scalars(self, details: dict) -> dict:
        """The metrics to log, without the prefix."""
        raise NotImplementedError
