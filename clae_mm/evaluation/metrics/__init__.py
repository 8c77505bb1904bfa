from .frozen_feature_metric import FeatureBank, FrozenFeatureMetric, feature_samples
from .knn_accuracy import KNNAccuracy
from .linear_probe_accuracy import LinearProbeAccuracy
from .topk_accuracy import TopKAccuracy

__all__ = ['FeatureBank', 'FrozenFeatureMetric', 'feature_samples', 'KNNAccuracy',
           'LinearProbeAccuracy', 'TopKAccuracy']
