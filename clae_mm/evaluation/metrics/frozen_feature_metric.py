"""What the kNN and linear-probe metrics share: features of a frozen encoder,
scored against a labelled bank (the train set) that the evaluation loop sends
through the evaluator, flagged, beside the query samples."""
from typing import Dict, List, NamedTuple, Optional, Sequence

import torch
from mmengine.device import get_device
from mmengine.evaluator import BaseMetric

from clae_mm.evaluation.feature_extractor import STAGES
from clae_mm.utils.errors import CLAEError

# The key that marks a data sample as a bank sample rather than a query.
BANK_FLAG = 'in_bank'


def feature_samples(features: Dict[str, torch.Tensor], labels: torch.Tensor,
                    bank_classes: Optional[int] = None) -> List[dict]:
    """The data samples of (N, D) features, one per row: ``dict(features={stage:
    (D,)}, gt_label=int)``, flagged as bank samples of a dataset of
    ``bank_classes`` classes when that is given."""
    meta = {} if bank_classes is None else {BANK_FLAG: True, 'num_classes': bank_classes}
    rows = {stage: value.unbind(0) for stage, value in features.items()}
    return [dict(features={stage: value[i] for stage, value in rows.items()}, gt_label=label,
                 **meta) for i, label in enumerate(labels.tolist())]


class FeatureBank(NamedTuple):
    """The labelled features every query is scored against."""
    features: torch.Tensor      # (N, D) float32, CPU
    labels: torch.Tensor        # (N,) int64, CPU
    num_classes: int            # from the bank dataset's classes, else its labels
    device: torch.device        # where to score


class FrozenFeatureMetric(BaseMetric):
    """A metric of ``stage`` features of a frozen encoder.

    It takes two kinds of data samples (:func:`feature_samples`) through
    mmengine's ``Evaluator.process``
    (:class:`~clae_mm.engine.runners.FrozenFeatureValLoop` and its test twin
    send both):

    - bank samples, ``dict(features={stage: (D,)}, gt_label=int,
      in_bank=True, num_classes=C)``: the whole bank (gathered, in dataset
      order) on every rank, ``C`` the bank dataset's number of classes;
    - query samples, ``dict(features={stage: (D,)}, gt_label=int)``: each
      rank its part of the loop's dataloader, gathered by ``BaseMetric``.

    :meth:`evaluate` scores the gathered queries against the bank with
    :meth:`score` (rank 0), keeps the full result in ``details`` and returns
    the scalars that go to the message hub, the log and the visualiser
    backends; the bank serves that one evaluation. Given no bank (a stock
    ``ValLoop``), it stops in one line instead of scoring.

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
        self.bank_samples: List[tuple] = []
        self.bank_classes = 0
        self.bank_size = 0  # of the last evaluation, on every rank
        self.details: Optional[dict] = None

    def _needs_the_loop(self, problem: str) -> CLAEError:
        return CLAEError(f'{type(self).__name__} {problem}: evaluate it with '
                         "val_cfg=dict(type='FrozenFeatureValLoop', bank=dict(dataset=...)) or "
                         "test_cfg=dict(type='FrozenFeatureTestLoop', bank=...), which send the "
                         'bank and the queries')

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'features' not in sample:
                raise self._needs_the_loop('scores encoder features against a bank, got a '
                                           f'sample of {sorted(sample)}')
            entry = (sample['features'][self.stage], int(sample['gt_label']))
            if sample.get(BANK_FLAG):
                self.bank_samples.append(entry)
                self.bank_classes = sample['num_classes']
            else:
                self.results.append(entry)

    def evaluate(self, size: int) -> dict:
        # Checked on every rank, before BaseMetric's collectives.
        if not self.bank_samples:
            raise self._needs_the_loop('got no bank samples (the labelled train set it scores '
                                       'against)')
        try:
            return super().evaluate(size)
        finally:
            self.bank_size = len(self.bank_samples)
            self.bank_samples = []

    def compute_metrics(self, results: List[tuple]) -> dict:
        # The device mmengine's Runner moved the model to (Runner.wrap_model):
        # where the encoder ran and the bank is scored.
        bank = FeatureBank(torch.stack([feature for feature, _ in self.bank_samples]),
                           torch.tensor([label for _, label in self.bank_samples],
                                        dtype=torch.long),
                           self.bank_classes, torch.device(get_device()))
        features = torch.stack([feature for feature, _ in results]).float()
        labels = torch.tensor([label for _, label in results], dtype=torch.long)
        classes = (self.dataset_meta or {}).get('classes')
        query_classes = len(classes) if classes else (int(labels.max()) + 1 if len(labels) else 0)
        self.details = self.score(bank, features, labels, max(bank.num_classes, query_classes))
        return self.scalars(self.details)

    def score(self, bank: FeatureBank, features: torch.Tensor, labels: torch.Tensor,
              num_classes: int) -> dict:
        """The full result of the protocol on the queries (kept as ``details``)."""
        raise NotImplementedError

    def scalars(self, details: dict) -> dict:
        """The metrics to log, without the prefix."""
        raise NotImplementedError
