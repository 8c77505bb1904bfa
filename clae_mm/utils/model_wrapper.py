from mmengine.model import is_model_wrapper
from torch import nn


def unwrap_model(model: nn.Module) -> nn.Module:
    """The model itself: ``runner.model`` is wrapped (DDP) when distributed,
    and our hooks, loops and tools set attributes on and read buffers of the
    model inside."""
    return model.module if is_model_wrapper(model) else model
