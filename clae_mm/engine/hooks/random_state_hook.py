import random

import numpy as np
import torch
from mmengine.hooks import Hook

from clae_mm.registry import HOOKS

STATE_KEY = 'random_state'


def get_random_state() -> dict:
    """The global RNG states of Python, numpy and torch, as plain data (a
    weights-only load needs no extra global for them)."""
    numpy_state = np.random.get_state(legacy=False)
    state = dict(
        python=random.getstate(),
        numpy=dict(numpy_state, state=dict(key=numpy_state['state']['key'].tolist(),
                                           pos=int(numpy_state['state']['pos']))),
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_random_state(state: dict) -> None:
    """Inverse of :func:`get_random_state`."""
    version, internal, gauss = state['python']
    random.setstate((version, tuple(internal), gauss))
    numpy_state = dict(state['numpy'])
    numpy_state['state'] = dict(key=np.asarray(numpy_state['state']['key'], dtype=np.uint32),
                                pos=numpy_state['state']['pos'])
    np.random.set_state(numpy_state)
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available() \
            and len(state['cuda']) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Save the global random states in every checkpoint; restore them on resume.

    mmengine re-seeds on resume but does not checkpoint the RNG streams. With
    ``num_workers=0`` the random augmentations (torchvision draws from the
    global torch RNG) and the random starts of R-FGSM/F-FGSM/PGD come from
    those streams, so without this hook a resumed run sees other
    augmentations than an uninterrupted one. Restoring happens at the very end
    of ``before_train``, the point that matches where the state was saved
    (the end of the previous epoch), and the sampler is given the run's seed
    (with ``randomness.seed=None`` mmengine builds it from a fresh seed before
    loading the checkpoint's), so the data order continues too.

    Exact at epoch boundaries of ``EpochBasedTrainLoop``; every rank gets the
    saved (rank 0) state, which equals its own unless
    ``randomness.diff_rank_seed=True``. With ``num_workers > 0`` mmengine
    re-seeds each worker from the seed every epoch (``worker_init_fn``), so
    resuming is exact there as long as ``persistent_workers=False``.
    """

    priority = 'LOWEST'  # restore after every other before_train

    def __init__(self):
        self._resumed_state = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[STATE_KEY] = get_random_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._resumed_state = checkpoint.get(STATE_KEY)

    def before_train(self, runner) -> None:
        # ``load_from`` (a new run from pretrained weights) starts at iter 0
        # and keeps its own seeding; only a resumed run continues the streams.
        if runner.iter == 0 or self._resumed_state is None:
            return
        sampler = getattr(runner.train_dataloader, 'sampler', None)
        if hasattr(sampler, 'seed') and runner.seed is not None \
                and not runner.cfg.get('randomness', {}).get('diff_rank_seed', False):
            sampler.seed = runner.seed
        set_random_state(self._resumed_state)
        self._resumed_state = None
