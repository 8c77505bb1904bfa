"""The distributed wrapper that runs the model's own ``train_step``."""
from mmengine.model import MMDistributedDataParallel

from clae_mm.registry import MODEL_WRAPPERS
from .selfsup.adversarial_training import AdversarialTrainingMixin


@MODEL_WRAPPERS.register_module()
class TrainStepDistributedDataParallel(MMDistributedDataParallel):
    """mmengine's ``MMDistributedDataParallel`` whose ``train_step`` is the
    model's own: mmengine's never calls it, and NonFiniteLossHook's check
    sits there (:meth:`AdversarialTrainingMixin.train_step`, which runs the
    forward through this wrapper, so the gradients are averaged as usual).
    Other models take mmengine's step. ``configs/_base_/default_runtime.py``
    selects it (``model_wrapper_cfg``); ``detect_anomalous_params`` is not
    supported for clae_mm's models."""

    def train_step(self, data, optim_wrapper):
        if not isinstance(self.module, AdversarialTrainingMixin):
            return super().train_step(data, optim_wrapper)
        return self.module.train_step(data, optim_wrapper, ddp=self)
