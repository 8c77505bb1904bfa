from typing import List

import torch
from mmengine.dist import all_reduce_params, get_world_size
from mmengine.hooks import Hook
from mmpretrain.utils import get_ori_model
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from clae_mm.registry import HOOKS


def bn_statistics(model: nn.Module) -> List[torch.Tensor]:
    """The running statistics of every BatchNorm of ``model`` that a process
    keeps to itself: both branches of the dual BNs, the momentum encoders'
    BNs; not ``SyncBatchNorm``'s, which every process already agrees on."""
    return [buffer for module in model.modules()
            if isinstance(module, _BatchNorm) and not isinstance(module, nn.SyncBatchNorm)
            for buffer in (module.running_mean, module.running_var) if buffer is not None]


@HOOKS.register_module()
class SyncBNStatisticsHook(Hook):
    """Average the BN running statistics over the processes after every
    training iteration, so that what is validated is what is saved.

    mmengine wraps the model with ``broadcast_buffers=False``: the weights
    are one model, but each process's BNs average the batches of its own data
    shard. Without this hook a multi-process validation embeds each shard with
    another model, and none of them is the checkpoint's (rank 0's).

    Why not mmengine's ``SyncBuffersHook``: it averages every buffer (the MoCo
    queue too, which all processes already hold equal: averaging equal floats
    over four processes can round them), and only after a training epoch and
    before a validation, so the checkpoint of an iteration-based loop keeps
    rank 0's statistics. Here only the running means and variances are
    averaged, and after every iteration, before any hook saves or validates
    (one all-reduce of 4 x the BN channels, about 19,000 numbers for a dual-BN
    ResNet-18, against 11 million for its gradients). The running statistics
    are exponential averages, linear in the batch statistics, so averaging
    them every step equals averaging them once at the end (to rounding); the
    training steps never read them. With one process the hook does nothing.
    """

    priority = 'NORMAL'  # before the CheckpointHook (VERY_LOW) and the validation

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if get_world_size() > 1:
            all_reduce_params(bn_statistics(get_ori_model(runner.model)), op='mean')
