"""Top-1 / top-5 accuracy of a classifier's scores as an mmengine metric."""
from typing import List, Sequence

import torch
from mmengine.evaluator import BaseMetric

from clae_mm.evaluation.knn import topk_accuracy
from clae_mm.registry import METRICS


@METRICS.register_module()
class TopKAccuracy(BaseMetric):
    """Top-1 and top-5 accuracy (%) of ``dict(pred_score=(C,), gt_label=int)``
    samples (top-C when C < 5), counted exactly as the probes' other scores
    (:func:`~clae_mm.evaluation.knn.topk_accuracy`); mmpretrain's
    ``Accuracy`` counts in float32 and thresholds the scores at 0 by default.
    """

    default_prefix = 'accuracy'

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append((sample['pred_score'].cpu(), int(sample['gt_label'])))

    def compute_metrics(self, results: List[tuple]) -> dict:
        scores = torch.stack([score for score, _ in results])
        return topk_accuracy(scores, torch.tensor([label for _, label in results]))
