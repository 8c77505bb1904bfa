from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmcv.cnn import build_norm_layer
from torch import nn

from clae_mm.registry import MODELS


@MODELS.register_module()
class ContrastiveProjection(BaseModule):
    """Global average pooling, then the method's embedding layers.

    ``num_layers=1`` is the Plain/UEL embedding of the authors (a linear layer
    512 -> 128, then L2 normalisation); ``num_layers=2`` is SimCLR's
    projection MLP 512 -> 512 -> 64 with a ReLU and no BatchNorm, as in the
    authors' ``SimCLR_BN.projector``. ``norm_cfg`` adds a norm layer after each
    hidden linear layer (mmpretrain's SimCLR style) when wanted.

    The forward returns ``(pooled, embedding)`` so that evaluation can choose
    either feature.
    """

    def __init__(self,
                 in_channels: int = 512,
                 hid_channels: int = 512,
                 out_channels: int = 128,
                 num_layers: int = 1,
                 normalize: bool = True,
                 norm_cfg: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        layers = []
        channels = in_channels
        for _ in range(num_layers - 1):
            layers.append(nn.Linear(channels, hid_channels))
            if norm_cfg is not None:
                layers.append(build_norm_layer(norm_cfg, hid_channels)[1])
            layers.append(nn.ReLU(inplace=True))
            channels = hid_channels
        layers.append(nn.Linear(channels, out_channels))
        self.mlp = nn.Sequential(*layers)
        self.normalize = normalize

    def forward(self, inputs: Sequence[torch.Tensor]) -> Tuple[torch.Tensor, torch.Tensor]:
        x = inputs[-1] if isinstance(inputs, (tuple, list)) else inputs
        pooled = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1) if x.dim() == 4 else x
        embedding = self.mlp(pooled)
        if self.normalize:
            embedding = F.normalize(embedding, dim=1)
        return pooled, embedding
