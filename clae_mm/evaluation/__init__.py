import mmpretrain.evaluation  # noqa: F401  (our child registry does not run the parent's imports)

from .evaluation_settings import evaluation_settings
from .feature_extractor import extract_features
from .knn import knn_accuracy, knn_predict
from .knn_evaluation import evaluate_knn
from .linear_evaluation import evaluate_linear
from .linear_probe import evaluate_linear_probe, train_linear_probe
from .validation_split import carve_validation_split

__all__ = ['evaluation_settings', 'extract_features', 'knn_accuracy', 'knn_predict',
           'evaluate_knn', 'evaluate_linear', 'evaluate_linear_probe', 'train_linear_probe',
           'carve_validation_split']
