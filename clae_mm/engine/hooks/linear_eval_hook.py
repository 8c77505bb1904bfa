from mmengine.hooks import Hook

from clae_mm.registry import HOOKS
from clae_mm.utils.errors import CLAEError


@HOOKS.register_module()
class LinearEvalHook(Hook):
    """Score the trained encoder with the config's test evaluation once
    training has ended, as ``tools/test.py`` would score the last checkpoint.

    It runs ``runner.test_loop`` (``test_cfg = dict(type='FrozenFeatureTestLoop',
    bank=...)``): with the configs' ``test_evaluator`` the paper's kNN and its
    linear probe (``LinearProbeAccuracy``: a logistic regression trained on
    the frozen train-set features), logged as ``linear/top1``,
    ``linear/best_top1`` (best probe epoch, selected on the test set, as the
    authors report), ``knn/top1`` ... through the message hub, the log and the
    visualiser backends. The probe's settings are the metric's arguments
    (``test_evaluator``). Add it with ``custom_hooks = [dict(type='LinearEvalHook')]``.
    """

    priority = 'LOW'

    def after_train(self, runner) -> None:
        if runner.test_loop is None:
            raise CLAEError('LinearEvalHook runs the test evaluation, but the config has none: '
                            'set test_dataloader, test_cfg and test_evaluator '
                            '(configs/_base_/datasets/*)')
        runner.test_loop.run()
