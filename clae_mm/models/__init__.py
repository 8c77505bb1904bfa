import mmpretrain.models  # noqa: F401  (our child registry does not run the parent's imports)

from .backbones import *  # noqa: F401,F403
from .data_preprocessors import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .selfsup import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
from .wrappers import TrainStepDistributedDataParallel  # noqa: F401
