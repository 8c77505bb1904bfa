"""What tools/analysis shares: the paper's Section 4 figures from checkpoints,
result files and training logs."""
from .ablation_results import collect_points, training_value, x_value
from .bn_statistics import bn_distance, dual_bn_running_stats, select_layers
from .figures import new_figure, save_figure, write_csv, write_json
from .perturbation import adversary_from_config, measure_perturbations, random_sign_views
from .training_scalars import load_series
from .view_batches import to_pixels, training_view_batches

__all__ = ['collect_points', 'training_value', 'x_value', 'bn_distance',
           'dual_bn_running_stats', 'select_layers', 'new_figure', 'save_figure', 'write_csv',
           'write_json', 'adversary_from_config', 'measure_perturbations', 'random_sign_views',
           'load_series', 'to_pixels', 'training_view_batches']
