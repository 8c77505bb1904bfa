from .contrastive_adversarial_hook import ContrastiveAdversarialHook
from .plain_checkpoint_state_hook import PlainCheckpointStateHook

__all__ = ['ContrastiveAdversarialHook', 'PlainCheckpointStateHook']
