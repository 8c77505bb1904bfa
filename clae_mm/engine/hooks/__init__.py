from .contrastive_adversarial_hook import ContrastiveAdversarialHook
from .plain_checkpoint_state_hook import PlainCheckpointStateHook
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .checkpoint_compatibility_hook import CheckpointCompatibilityHook
from .nonfinite_loss_hook import NonFiniteLossHook
from .random_state_hook import RandomStateHook
from .reset_learning_rate_hook import ResetLearningRateHook
from .knn_eval_hook import KNNEvalHook
from .linear_eval_hook import LinearEvalHook
from .online_linear_probe_hook import OnlineLinearProbeHook
from .sync_bn_statistics_hook import SyncBNStatisticsHook

__all__ = ['ContrastiveAdversarialHook', 'PlainCheckpointStateHook',
           'KNNEvalHook', 'LinearEvalHook', 'OnlineLinearProbeHook',
           'AtomicCheckpointHook', 'CheckpointCompatibilityHook', 'NonFiniteLossHook',
           'RandomStateHook', 'ResetLearningRateHook', 'SyncBNStatisticsHook']
