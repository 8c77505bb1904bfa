import mmpretrain.engine  # noqa: F401  (our child registry does not run the parent's imports)
import mmpretrain.visualization  # noqa: F401

from .hooks import *  # noqa: F401,F403
from .optimizers import *  # noqa: F401,F403
from .runners import *  # noqa: F401,F403
