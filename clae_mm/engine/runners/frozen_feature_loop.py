"""kNN and linear-probe evaluation as mmengine validation and test loops."""
from typing import Dict, List, Union

from mmengine.evaluator import Evaluator
from mmengine.runner import TestLoop, ValLoop
from mmengine.runner.amp import autocast
from torch.utils.data import DataLoader

from clae_mm.evaluation.feature_extractor import (batch_features, build_dataset,
                                                  extract_features, frozen_eval_mode,
                                                  num_classes_of)
from clae_mm.evaluation.metrics import FrozenFeatureMetric, feature_samples
from clae_mm.engine.hooks.random_state_hook import get_random_state, set_random_state
from clae_mm.registry import LOOPS
from clae_mm.utils.errors import CLAEError
from clae_mm.utils.model_wrapper import unwrap_model

BANK_KEYS = ('dataset', 'batch_size', 'num_workers')


class FrozenFeatureLoop:
    """The evaluation both loops run (one implementation for ``runner.val()``
    during training, ``runner.test()``, tools/test.py and the benchmark
    tools); :class:`FrozenFeatureValLoop` and :class:`FrozenFeatureTestLoop`
    only name the mode (which hooks it calls) and the mmengine loop it is.

    1. The encoder (unwrapped, eval mode, clean BNs, no gradient) embeds the
       bank dataset, the labelled train set, once: each rank a contiguous
       shard, gathered, so every image is in the bank once
       (:func:`~clae_mm.evaluation.extract_features`); the bank goes to the
       evaluator as data samples flagged ``in_bank=True``, the whole bank on
       every rank (:class:`~clae_mm.evaluation.FrozenFeatureMetric`).
    2. Each batch of the loop's dataloader (the query set: the test split) is
       embedded the same way and sent to the evaluator as
       ``dict(features={stage: ...}, gt_label=...)``, between the usual
       ``before/after_{val,test}_iter`` hooks (LoggerHook prints progress).
    3. ``evaluator.evaluate`` gathers the queries of every rank (dropping
       the sampler's padding) and the metrics score them (rank 0) and
       broadcast the scalars; the model gets its previous mode back.

    The global random streams are left as they were: the dataloaders draw
    their seeds from torch's generator, and a validation after an epoch's
    checkpoint must not change what the training after it draws (a resumed
    run never runs that validation).

    Args:
        runner, dataloader, evaluator, fp16: as mmengine's ``ValLoop`` /
            ``TestLoop``; the evaluator holds :class:`KNNAccuracy` /
            :class:`LinearProbeAccuracy` metrics.
        bank (dict): ``dict(dataset=..., batch_size=256, num_workers=0)``:
            the labelled train set (test pipeline) that the kNN votes with
            and the linear probe trains on; ``dataset.indices`` takes a subset.
        log_interval (int): batches between progress lines of the bank (a
            pass over 50,000 or 130,000 images takes minutes).
    """

    mode: str  # 'val' or 'test'

    def __init__(self, runner, dataloader: Union[DataLoader, dict],
                 evaluator: Union[Evaluator, dict, list], bank: dict,
                 log_interval: int = 50, fp16: bool = False):
        super().__init__(runner, dataloader, evaluator, fp16)
        if not isinstance(bank, dict) or 'dataset' not in bank or set(bank) - set(BANK_KEYS):
            raise CLAEError(f'{type(self).__name__}: bank must be dict(dataset=..., batch_size=..., '
                            f'num_workers=...), got {bank!r}')
        if log_interval < 1:
            raise ValueError(f'log_interval must be >= 1, got {log_interval}')
        self.bank_cfg = dict(bank)
        self.log_interval = log_interval
        self._bank_dataset = None
        others = [type(metric).__name__ for metric in self.evaluator.metrics
                  if not isinstance(metric, FrozenFeatureMetric)]
        if others:
            raise CLAEError(f'{type(self).__name__} scores encoder features: its evaluator takes '
                            f'KNNAccuracy / LinearProbeAccuracy metrics, not {", ".join(others)}')
        self.stages: List[str] = list(dict.fromkeys(m.stage for m in self.evaluator.metrics))

    @property
    def bank_dataset(self):
        if self._bank_dataset is None:
            self._bank_dataset = build_dataset(self.bank_cfg['dataset'])
        return self._bank_dataset

    def _log_bank_progress(self, done: int, total: int) -> None:
        if done % self.log_interval == 0 or done == total:
            self.runner.logger.info(f'{self.mode}: {"/".join(self.stages)} features of the bank '
                                    f'({len(self.bank_dataset)} images) [{done}/{total}]')

    def run(self) -> dict:
        self.runner.call_hook(f'before_{self.mode}')
        self.runner.call_hook(f'before_{self.mode}_epoch')
        state = get_random_state()
        try:
            metrics = self._evaluate()
        finally:
            set_random_state(state)
        self.runner.call_hook(f'after_{self.mode}_epoch', metrics=metrics)
        self.runner.call_hook(f'after_{self.mode}')
        return metrics

    def _evaluate(self) -> Dict[str, float]:
        model = unwrap_model(self.runner.model)
        with autocast(enabled=self.fp16), frozen_eval_mode(model):
            features, labels = extract_features(
                model, self.bank_dataset, self.stages, self.bank_cfg.get('batch_size', 256),
                self.bank_cfg.get('num_workers', 0), progress=self._log_bank_progress)
            self.evaluator.process(data_samples=feature_samples(
                features, labels, bank_classes=num_classes_of(self.bank_dataset, labels)))
            for idx, data_batch in enumerate(self.dataloader):
                self.runner.call_hook(f'before_{self.mode}_iter', batch_idx=idx,
                                      data_batch=data_batch)
                features, labels = batch_features(model, data_batch, self.stages)
                features = {stage: value.cpu() for stage, value in features.items()}
                outputs = feature_samples(features, labels)
                self.evaluator.process(data_samples=outputs, data_batch=data_batch)
                self.runner.call_hook(f'after_{self.mode}_iter', batch_idx=idx,
                                      data_batch=data_batch, outputs=outputs)
        # Outside the no-grad context: the linear probe trains.
        return self.evaluator.evaluate(len(self.dataloader.dataset))


@LOOPS.register_module()
class FrozenFeatureValLoop(FrozenFeatureLoop, ValLoop):
    """``val_cfg`` of kNN (or linear-probe) monitoring: ``runner.val()``, run
    by the train loop every ``train_cfg.val_interval`` epochs, scores the
    encoder on ``val_dataloader`` (the query set) against ``bank`` with
    ``val_evaluator`` (arguments: :class:`FrozenFeatureLoop`)."""

    mode = 'val'


@LOOPS.register_module()
class FrozenFeatureTestLoop(FrozenFeatureLoop, TestLoop):
    """``test_cfg`` of ``runner.test()`` and tools/test.py: the same
    evaluation on ``test_dataloader`` with ``test_evaluator`` (the paper's kNN
    and linear probe; arguments: :class:`FrozenFeatureLoop`)."""

    mode = 'test'
