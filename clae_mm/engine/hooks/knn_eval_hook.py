from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from clae_mm.evaluation.evaluation_settings import evaluation_settings
from clae_mm.evaluation.feature_extractor import build_dataset
from clae_mm.evaluation.knn_evaluation import evaluate_knn
from clae_mm.registry import HOOKS
from clae_mm.utils.errors import CLAEError

HISTORY_KEY = 'knn/history'


@HOOKS.register_module()
class KNNEvalHook(Hook):
    """Score the encoder with the paper's kNN classifier during training.

    Every ``interval`` epochs (and after the last one) the clean, eval-mode
    encoder embeds the whole train set (the bank) and test set, and
    :func:`evaluate_knn` scores it; the model gets its train mode back. The
    scores go to the message hub (``knn/top1``, ``knn/top5``), the log and
    every visualiser backend (step = epoch). The history of all evaluations
    is kept in the message hub's runtime info (``knn/history``), so it is
    saved in checkpoints and survives a resume; the log line also states the
    best top-1 so far, labelled as selected on the test set (the number the
    authors report).

    Args:
        interval (int): evaluate every this many epochs (iterations when
            ``by_epoch=False``); the last epoch is always evaluated.
        by_epoch (bool): count epochs (True) or iterations.
        stage, k, sigma: the feature ('backbone' or 'embedding'), neighbours
            and temperature; None takes ``evaluation.knn`` of the config.
        bank, query (dict, optional): dataset configs of the bank and the
            scored set; None takes the config's ``eval_bank`` / ``eval_query``.
        batch_size, num_workers: of the feature extraction.
        chunk_size (int): queries per similarity block.
        val_fraction (float): hold this part of the bank out as a validation
            set and also log ``knn/val_top1`` (0 disables it).
        seed (int): seed of the validation split.
        eval_at_start (bool): also score the encoder before the first
            iteration (step 0: the random-init reference), unless resuming.
    """

    priority = 'LOW'  # before CheckpointHook (VERY_LOW): checkpoints hold the history

    def __init__(self,
                 interval: int = 1,
                 by_epoch: bool = True,
                 stage: Optional[str] = None,
                 k: Optional[int] = None,
                 sigma: Optional[float] = None,
                 bank: Optional[dict] = None,
                 query: Optional[dict] = None,
                 batch_size: int = 256,
                 num_workers: int = 0,
                 chunk_size: int = 1024,
                 val_fraction: float = 0.0,
                 seed: int = 0,
                 eval_at_start: bool = False):
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.interval = interval
        self.by_epoch = by_epoch
        self.overrides = dict(stage=stage, k=k, sigma=sigma)
        self.bank_cfg, self.query_cfg = bank, query
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.chunk_size = chunk_size
        self.val_fraction = val_fraction
        self.seed = seed
        self.eval_at_start = eval_at_start
        self.settings = None
        self.history = []

    def before_train(self, runner) -> None:
        self.settings = evaluation_settings(runner.cfg, 'knn', **self.overrides)
        bank = self.bank_cfg if self.bank_cfg is not None else runner.cfg.get('eval_bank')
        query = self.query_cfg if self.query_cfg is not None else runner.cfg.get('eval_query')
        if bank is None or query is None:
            raise CLAEError('KNNEvalHook needs the eval_bank and eval_query datasets of the '
                            'config (or bank=/query= arguments); add them or set '
                            'default_hooks.knn=None')
        self.bank, self.query = build_dataset(bank), build_dataset(query)
        self.history = list(runner.message_hub.get_info(HISTORY_KEY, []) or [])
        if self.eval_at_start and runner.iter == 0:
            self.evaluate(runner, 0)  # the encoder at initialisation, logged as step 0

    def after_train_epoch(self, runner) -> None:
        if self.by_epoch and (self.every_n_epochs(runner, self.interval)
                              or self.is_last_train_epoch(runner)):
            self.evaluate(runner, runner.epoch + 1)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if not self.by_epoch and (self.every_n_train_iters(runner, self.interval)
                                  or self.is_last_train_iter(runner)):
            self.evaluate(runner, runner.iter + 1)

    def evaluate(self, runner, step: int) -> dict:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        result = evaluate_knn(model, self.bank, self.query, stage=self.settings['stage'],
                              k=self.settings['k'], sigma=self.settings['sigma'],
                              chunk_size=self.chunk_size, batch_size=self.batch_size,
                              num_workers=self.num_workers, val_fraction=self.val_fraction,
                              seed=self.seed)
        scalars = {'knn/top1': result['test']['top1'], 'knn/top5': result['test']['top5']}
        if result['val'] is not None:
            scalars['knn/val_top1'] = result['val']['top1']
        entry = dict(step=step, by_epoch=self.by_epoch, **scalars, **self.settings,
                     val_fraction=self.val_fraction, split_seed=self.seed,
                     num_bank=result['num_bank'],
                     num_query=result['num_query'])
        self.history = [e for e in self.history if e['step'] != step] + [entry]
        best = max(self.history, key=lambda e: e['knn/top1'])
        runner.message_hub.update_scalars(scalars)
        runner.message_hub.update_info(HISTORY_KEY, list(self.history))
        runner.visualizer.add_scalars(scalars, step=step)
        unit = 'epoch' if self.by_epoch else 'iter'
        runner.logger.info(
            f"kNN ({self.settings['stage']}, k={self.settings['k']}, "
            f"sigma={self.settings['sigma']}) {unit} {step}: "
            + '  '.join(f'{key[4:]}: {value:.2f}' for key, value in scalars.items())
            + f"  (best top1 over {unit}s, selected on the test set: "
            f"{best['knn/top1']:.2f} at {unit} {best['step']})")
        return result
