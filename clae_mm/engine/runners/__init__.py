from .frozen_feature_loop import FrozenFeatureTestLoop, FrozenFeatureValLoop

__all__ = ['FrozenFeatureValLoop', 'FrozenFeatureTestLoop']
