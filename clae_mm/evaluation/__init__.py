import mmpretrain.evaluation  # noqa: F401  (our child registry does not run the parent's imports)

from .evaluation_settings import evaluation_settings, protocol_metric
from .feature_extractor import extract_features
from .knn import knn_accuracy, knn_predict
from .linear_probe import evaluate_linear_probe, train_linear_probe
from .metrics import *  # noqa: F401,F403
from .validation_split import carve_validation_split

__all__ = ['evaluation_settings', 'protocol_metric', 'extract_features', 'knn_accuracy',
           'knn_predict', 'evaluate_linear_probe', 'train_linear_probe', 'carve_validation_split',
           'FeatureBank', 'FrozenFeatureMetric', 'feature_samples', 'KNNAccuracy',
           'LinearProbeAccuracy', 'TopKAccuracy']
