from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from clae_mm.evaluation.evaluation_settings import evaluation_settings
from clae_mm.evaluation.linear_evaluation import evaluate_linear
from clae_mm.registry import HOOKS
from clae_mm.utils.errors import CLAEError


@HOOKS.register_module()
class LinearEvalHook(Hook):
    """Train and score the paper's linear probe once training has ended.

    The frozen encoder (clean BNs, eval mode) embeds the train and test sets
    once; a linear classifier is trained on those cached features
    (:func:`evaluate_linear`) and scored on the test set every
    ``eval_interval`` probe epochs. Logged (message hub, log, visualiser
    backends): ``linear/top1`` and ``linear/top5`` of the probe's last epoch,
    and ``linear/best_top1``, the best over probe epochs selected on the test
    set (what the authors report); with ``val_fraction`` also
    ``linear/val_selected_top1``, the test top-1 at the epoch with the best
    validation score. Add it with
    ``custom_hooks = [dict(type='LinearEvalHook')]``.

    Args:
        stage, epochs, batch_size, lr, weight_decay: feature and probe
            settings; None takes ``evaluation.linear`` of the config.
        train, test (dict, optional): dataset configs; None takes the
            config's ``eval_bank`` / ``eval_query``.
        val_fraction (float): part of the train set held out for selection.
        eval_interval (int): score the test set every this many probe epochs.
        seed (int): seed of the probe and the validation split.
        extract_batch_size, num_workers: of the feature extraction.
    """

    priority = 'LOW'

    def __init__(self,
                 stage: Optional[str] = None,
                 epochs: Optional[int] = None,
                 batch_size: Optional[int] = None,
                 lr: Optional[float] = None,
                 weight_decay: Optional[float] = None,
                 train: Optional[dict] = None,
                 test: Optional[dict] = None,
                 val_fraction: float = 0.0,
                 eval_interval: int = 1,
                 seed: int = 0,
                 extract_batch_size: int = 256,
                 num_workers: int = 0):
        self.overrides = dict(stage=stage, epochs=epochs, batch_size=batch_size, lr=lr,
                              weight_decay=weight_decay)
        self.train_cfg, self.test_cfg = train, test
        self.val_fraction = val_fraction
        self.eval_interval = eval_interval
        self.seed = seed
        self.extract_batch_size = extract_batch_size
        self.num_workers = num_workers
        self.result = None

    def after_train(self, runner) -> None:
        settings = evaluation_settings(runner.cfg, 'linear', **self.overrides)
        train = self.train_cfg if self.train_cfg is not None else runner.cfg.get('eval_bank')
        test = self.test_cfg if self.test_cfg is not None else runner.cfg.get('eval_query')
        if train is None or test is None:
            raise CLAEError('LinearEvalHook needs the eval_bank and eval_query datasets of the '
                            'config (or train=/test= arguments); add them')
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        self.result = evaluate_linear(
            model, train, test, val_fraction=self.val_fraction, eval_interval=self.eval_interval,
            seed=self.seed, extract_batch_size=self.extract_batch_size,
            num_workers=self.num_workers, **settings)
        last, best = self.result['last_epoch'], self.result['best_over_epochs']
        scalars = {'linear/top1': last['test']['top1'], 'linear/top5': last['test']['top5'],
                   'linear/best_top1': best['test']['top1']}
        if self.result['val_selected'] is not None:
            scalars['linear/val_selected_top1'] = self.result['val_selected']['test']['top1']
        runner.message_hub.update_scalars(scalars)
        runner.visualizer.add_scalars(scalars, step=runner.epoch)
        runner.logger.info(
            f"linear probe ({settings['stage']}, {settings['epochs']} epochs, batch "
            f"{settings['batch_size']}, Adam lr {settings['lr']}): last epoch top1 "
            f"{last['test']['top1']:.2f} top5 {last['test']['top5']:.2f}; best over probe "
            f"epochs, selected on the test set: top1 {best['test']['top1']:.2f} at epoch "
            f"{best['epoch']}" + (
                f"; selected on the validation split: top1 "
                f"{self.result['val_selected']['test']['top1']:.2f} at epoch "
                f"{self.result['val_selected']['epoch']}"
                if self.result['val_selected'] is not None else ''))
