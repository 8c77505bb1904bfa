import numpy as np
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer

from clae_mm.registry import HOOKS
from .contrastive_adversarial_hook import EPS_HISTORY_KEY
from clae_mm.utils.training_settings import training_settings

_BUFFER_TAG = '__history_buffer__'


def to_plain(obj):
    """numpy scalars and arrays to Python numbers and lists, recursively, and
    mmengine's ``HistoryBuffer`` to a tagged dict: what is left needs no global
    beyond torch's weights-only defaults to load."""
    if isinstance(obj, HistoryBuffer):
        log, count = obj.data
        return {_BUFFER_TAG: True, 'log_history': np.asarray(log).tolist(),
                'count_history': np.asarray(count).tolist(), 'max_length': obj.max_length}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_plain(v) for v in obj)
    return obj


def from_plain(obj):
    """Inverse of :func:`to_plain` for the history buffers."""
    if isinstance(obj, dict):
        if obj.get(_BUFFER_TAG):
            return HistoryBuffer(obj['log_history'], obj['count_history'], obj['max_length'])
        return {k: from_plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [from_plain(v) for v in obj]
    return obj


@HOOKS.register_module()
class PlainCheckpointStateHook(Hook):
    """Save the run's bookkeeping (message hub, meta) as plain Python data.

    With torch >= 2.6, checkpoints load with ``weights_only=True``; mmengine
    0.10.7 stores ``HistoryBuffer`` objects (whose state pickles
    ``builtins.getattr``) and numpy scalars, so resuming fails. Rather than
    allow-listing those globals, this hook writes them as lists and numbers
    and rebuilds the buffers after loading: our checkpoints need no global
    beyond torch's defaults, and nothing in them can run code.

    It also records the run's settings as plain data in
    ``meta['training_settings']`` (``clae_mm.utils.training_settings``):
    the analysis tools read those, never the config text in ``meta['cfg']``.
    """

    priority = 'VERY_HIGH'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if 'meta' in checkpoint and getattr(runner, 'cfg', None) is not None:
            checkpoint['meta']['training_settings'] = training_settings(
                runner.cfg, runner.message_hub.get_info(EPS_HISTORY_KEY))
        for key in ('message_hub', 'meta'):
            if key in checkpoint:
                checkpoint[key] = to_plain(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta')
        if isinstance(meta, dict) and 'config' in meta:
            # mmengine's Runner.resume runs Config.fromstring(meta['config']) (Python) right
            # after this hook, to compare GPU counts. No clae_mm or mmengine 0.10 checkpoint
            # writes that key (the config text is meta['cfg'], never executed): one that holds
            # it was crafted or made elsewhere, and its text is dropped unread.
            meta.pop('config')
            runner.logger.warning("the checkpoint's meta['config'] (config text mmengine would "
                                  'execute on resume) was dropped unread')
        if 'message_hub' in checkpoint:
            checkpoint['message_hub'] = from_plain(checkpoint['message_hub'])
