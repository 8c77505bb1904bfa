"""Every checkpoint load goes through torch's weights-only unpickler.

Importing this module registers :func:`load_from_local_weights_only` as
mmengine's loader for local paths (``CheckpointLoader.register_scheme``, the
extension point mmengine offers), so ``--resume``, ``load_from``,
``init_cfg=dict(type='Pretrained')`` and every tool that calls mmengine's
``load_checkpoint``/``_load_checkpoint`` read files with
``torch.load(..., weights_only=True)``. ``weights_only=True`` is passed
explicitly, so ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` cannot turn it off.
"""
import os.path as osp
import pickle
import re
import zipfile

import torch
from mmengine.runner import CheckpointLoader

from .errors import CLAEError

# Globals allowed on top of torch's weights-only defaults (tensors, storages,
# OrderedDict, Python numbers, strings and containers). Empty on purpose:
# PlainCheckpointStateHook makes our checkpoints need none, and each extra
# global is something a crafted file could call.
EXTRA_SAFE_GLOBALS = ()

_WEIGHTS_ONLY_FAILURE = 'Weights only load failed'
_CORRUPT_FILE_ERRORS = (OSError, RuntimeError, EOFError, KeyError, ValueError,
                        pickle.UnpicklingError, zipfile.BadZipFile)


class CheckpointNotFoundError(CLAEError, FileNotFoundError):
    """The checkpoint file does not exist."""


class UnsafeCheckpointError(CLAEError):
    """The checkpoint holds something the weights-only unpickler refuses
    (a callable such as ``os.system`` smuggled through ``__reduce__``)."""


class CorruptCheckpointError(CLAEError):
    """The file is truncated or is not a torch checkpoint."""


def _refused_global(message: str) -> str:
    match = re.search(r'GLOBAL ([\w.]+)', message)
    if match:
        return f'it references {match.group(1)}, which is not an allowed global'
    lines = [line.strip() for line in message.splitlines()[1:] if line.strip()]
    return lines[0] if lines else 'it holds an object that is not plain data'


def safe_load_checkpoint(filename: str, map_location='cpu'):
    """``torch.load(filename, weights_only=True)`` with one-line errors.

    Raises:
        CheckpointNotFoundError: no such file.
        UnsafeCheckpointError: the file asks to build an object that is not
            plain data (nothing of it is executed).
        CorruptCheckpointError: truncated or not a checkpoint.
    """
    filename = osp.expanduser(str(filename))
    if not osp.isfile(filename):
        raise CheckpointNotFoundError(f'checkpoint {filename} not found; pass the path '
                                      'of an existing .pth file')
    try:
        with torch.serialization.safe_globals(list(EXTRA_SAFE_GLOBALS)):
            return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as exc:
        if _WEIGHTS_ONLY_FAILURE not in str(exc):
            raise CorruptCheckpointError(_corrupt_message(filename, exc)) from None
        raise UnsafeCheckpointError(
            f'checkpoint {filename} refused: {_refused_global(str(exc))} (loading it could '
            'run code); nothing from it was executed. Use only checkpoints from a source '
            'you trust, saved as plain tensors and numbers') from None
    except _CORRUPT_FILE_ERRORS as exc:
        raise CorruptCheckpointError(_corrupt_message(filename, exc)) from None


def _corrupt_message(filename: str, exc: Exception) -> str:
    return (f'checkpoint {filename} is truncated or not a torch checkpoint '
            f'({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ""}); '
            'pass an earlier, complete checkpoint')


@CheckpointLoader.register_scheme(prefixes='', force=True)
def load_from_local_weights_only(filename: str, map_location):
    """mmengine's loader for local paths, replaced: weights-only, explicitly."""
    return safe_load_checkpoint(filename, map_location)
