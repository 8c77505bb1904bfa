from .frozen_feature_metric import FeatureBank, FrozenFeatureMetric
from .knn_accuracy import KNNAccuracy
from .linear_probe_accuracy import LinearProbeAccuracy

__all__ = ['FeatureBank', 'FrozenFeatureMetric', 'KNNAccuracy', 'LinearProbeAccuracy']
