"""clae_mm registries: children of mmpretrain's, so a config with
``default_scope='clae_mm'`` finds our components first, then mmpretrain's,
then mmengine's.

A child registry searches its parent's table but never runs the parent's
``locations`` imports, so each location module of ours imports the matching
mmpretrain subpackage (see ``clae_mm/*/__init__.py``).
"""
from mmengine.registry import Registry
from mmpretrain.registry import DATA_SAMPLERS as MMPRETRAIN_DATA_SAMPLERS
from mmpretrain.registry import DATASETS as MMPRETRAIN_DATASETS
from mmpretrain.registry import EVALUATORS as MMPRETRAIN_EVALUATORS
from mmpretrain.registry import HOOKS as MMPRETRAIN_HOOKS
from mmpretrain.registry import LOG_PROCESSORS as MMPRETRAIN_LOG_PROCESSORS
from mmpretrain.registry import LOOPS as MMPRETRAIN_LOOPS
from mmpretrain.registry import METRICS as MMPRETRAIN_METRICS
from mmpretrain.registry import MODEL_WRAPPERS as MMPRETRAIN_MODEL_WRAPPERS
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
from mmpretrain.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMPRETRAIN_OPTIM_WRAPPER_CONSTRUCTORS
from mmpretrain.registry import OPTIM_WRAPPERS as MMPRETRAIN_OPTIM_WRAPPERS
from mmpretrain.registry import OPTIMIZERS as MMPRETRAIN_OPTIMIZERS
from mmpretrain.registry import PARAM_SCHEDULERS as MMPRETRAIN_PARAM_SCHEDULERS
from mmpretrain.registry import \
    RUNNER_CONSTRUCTORS as MMPRETRAIN_RUNNER_CONSTRUCTORS
from mmpretrain.registry import RUNNERS as MMPRETRAIN_RUNNERS
from mmpretrain.registry import TASK_UTILS as MMPRETRAIN_TASK_UTILS
from mmpretrain.registry import BATCH_AUGMENTS as MMPRETRAIN_BATCH_AUGMENTS
from mmpretrain.registry import TRANSFORMS as MMPRETRAIN_TRANSFORMS
from mmpretrain.registry import VISBACKENDS as MMPRETRAIN_VISBACKENDS
from mmpretrain.registry import VISUALIZERS as MMPRETRAIN_VISUALIZERS
from mmpretrain.registry import \
    WEIGHT_INITIALIZERS as MMPRETRAIN_WEIGHT_INITIALIZERS

# Runners, loops and hooks that drive training and evaluation.
RUNNERS = Registry('runner', parent=MMPRETRAIN_RUNNERS, locations=['clae_mm.engine'])
RUNNER_CONSTRUCTORS = Registry(
    'runner constructor', parent=MMPRETRAIN_RUNNER_CONSTRUCTORS, locations=['clae_mm.engine'])
LOOPS = Registry('loop', parent=MMPRETRAIN_LOOPS, locations=['clae_mm.engine'])
HOOKS = Registry('hook', parent=MMPRETRAIN_HOOKS, locations=['clae_mm.engine'])
LOG_PROCESSORS = Registry('log processor', parent=MMPRETRAIN_LOG_PROCESSORS, locations=['clae_mm.engine'])

# Optimisation.
OPTIMIZERS = Registry('optimizer', parent=MMPRETRAIN_OPTIMIZERS, locations=['clae_mm.engine'])
OPTIM_WRAPPERS = Registry('optimizer_wrapper', parent=MMPRETRAIN_OPTIM_WRAPPERS, locations=['clae_mm.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor', parent=MMPRETRAIN_OPTIM_WRAPPER_CONSTRUCTORS, locations=['clae_mm.engine'])
PARAM_SCHEDULERS = Registry('parameter scheduler', parent=MMPRETRAIN_PARAM_SCHEDULERS, locations=['clae_mm.engine'])

# Data: datasets in their real on-disk formats, samplers and transforms.
DATASETS = Registry('dataset', parent=MMPRETRAIN_DATASETS, locations=['clae_mm.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMPRETRAIN_DATA_SAMPLERS, locations=['clae_mm.datasets'])
TRANSFORMS = Registry('transform', parent=MMPRETRAIN_TRANSFORMS, locations=['clae_mm.datasets'])

# Models: backbones, necks, heads, losses, self-supervised algorithms, wrappers.
MODELS = Registry('model', parent=MMPRETRAIN_MODELS, locations=['clae_mm.models'])
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMPRETRAIN_MODEL_WRAPPERS, locations=['clae_mm.models'])
WEIGHT_INITIALIZERS = Registry('weight initializer', parent=MMPRETRAIN_WEIGHT_INITIALIZERS, locations=['clae_mm.models'])
BATCH_AUGMENTS = Registry('batch augment', parent=MMPRETRAIN_BATCH_AUGMENTS, locations=['clae_mm.models'])
TASK_UTILS = Registry('task util', parent=MMPRETRAIN_TASK_UTILS, locations=['clae_mm.models'])

# Evaluation.
METRICS = Registry('metric', parent=MMPRETRAIN_METRICS, locations=['clae_mm.evaluation'])
EVALUATORS = Registry('evaluator', parent=MMPRETRAIN_EVALUATORS, locations=['clae_mm.evaluation'])

# Visualisation.
VISUALIZERS = Registry('visualizer', parent=MMPRETRAIN_VISUALIZERS, locations=['clae_mm.engine'])
VISBACKENDS = Registry('vis_backend', parent=MMPRETRAIN_VISBACKENDS, locations=['clae_mm.engine'])
