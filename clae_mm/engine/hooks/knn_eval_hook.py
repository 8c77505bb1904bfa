import json
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop

from clae_mm.evaluation.epoch_selection import KNN_TIES, best_entry
from clae_mm.evaluation.metrics import KNNAccuracy
from clae_mm.registry import HOOKS
from clae_mm.utils.atomic_io import atomic_write_text
from clae_mm.utils.errors import CLAEError

HISTORY_KEY = 'knn/history'
HISTORY_FILE = 'knn_history.json'


@HOOKS.register_module()
class KNNEvalHook(Hook):
    """What the authors' kNN monitoring has on top of mmengine's validation.

    The kNN score itself is the validation: ``val_cfg =
    dict(type='FrozenFeatureValLoop', bank=...)`` with a ``KNNAccuracy``
    ``val_evaluator``, run every ``train_cfg.val_interval`` epochs (and after
    the last) and logged like any mmpretrain metric (``knn/top1``, save_best).
    This hook adds, during training:

    - ``eval_at_start``: the score of the encoder at initialisation (step 0),
      before the first iteration (not on resume);
    - the history of every kNN score with its settings and sizes, in the
      message hub's runtime info (``knn/history``: saved in checkpoints, so
      it survives a resume) and in ``<work_dir>/knn_history.json``, rewritten
      after each validation (the checkpoint of epoch N is saved before its
      validation, so only the file holds the last epoch's score). The
      authors' best-epoch selection (``checkpoint_selection``) reads it;
    - a log line with the best top-1 so far, labelled as selected on the test
      set (the number the authors report).

    Args:
        eval_at_start (bool): run the validation before the first iteration.
    """

    priority = 'LOW'

    def __init__(self, eval_at_start: bool = False):
        self.eval_at_start = eval_at_start
        self.history = []
        self._training = False

    def before_train(self, runner) -> None:
        self._training = True
        self.history = list(runner.message_hub.get_info(HISTORY_KEY, []) or [])

    def before_train_epoch(self, runner) -> None:
        # Here rather than in before_train: every hook is set up by now
        # (CheckpointHook's save_best needs its before_train).
        if self.eval_at_start and runner.iter == 0:
            if runner.val_loop is None:
                raise CLAEError('KNNEvalHook(eval_at_start=True) runs the validation, but the '
                                'config has none: set val_dataloader, val_cfg and val_evaluator '
                                '(configs/_base_/datasets/*)')
            runner.val_loop.run()  # the encoder at initialisation, logged as step 0

    def after_train(self, runner) -> None:
        self._training = False

    def after_val_epoch(self, runner, metrics=None) -> None:
        if not self._training or not metrics:
            return  # runner.val() outside training: no training step to record
        by_epoch = not isinstance(runner.train_loop, IterBasedTrainLoop)
        step = runner.epoch if by_epoch else runner.iter
        num_query = len(runner.val_dataloader.dataset)
        for metric in runner.val_loop.evaluator.metrics:
            if isinstance(metric, KNNAccuracy) and metric.prefix == 'knn':
                self.record(runner, metric, metrics, step, by_epoch, num_query)

    def record(self, runner, metric: KNNAccuracy, metrics: dict, step: int, by_epoch: bool,
               num_query: int) -> None:
        scalars = {key: value for key, value in metrics.items() if key.startswith('knn/')}
        settings = metric.describe()
        settings.pop('num_val')
        entry = dict(step=step, by_epoch=by_epoch, **scalars, **settings, num_query=num_query)
        self.history = [e for e in self.history if e['step'] != step] + [entry]
        runner.message_hub.update_info(HISTORY_KEY, list(self.history))
        if is_main_process():
            atomic_write_text(osp.join(runner.work_dir, HISTORY_FILE),
                              json.dumps(self.history, indent=1) + '\n')
        best = best_entry(self.history, lambda e: e['knn/top1'], KNN_TIES)
        unit = 'epoch' if by_epoch else 'iter'
        runner.logger.info(
            f"kNN ({metric.stage}, k={metric.k}, sigma={metric.sigma}) {unit} {step}: "
            + '  '.join(f'{key[4:]}: {value:.2f}' for key, value in scalars.items())
            + f"  (best top1 over {unit}s, selected on the test set: "
            f"{best['knn/top1']:.2f} at {unit} {best['step']})")
