"""Every checkpoint load goes through torch's weights-only unpickler.

:func:`load_weights_only` reads a path or the bytes of a file with
``torch.load(..., weights_only=True)``; ``remote_checkpoint.py`` registers a
loader built on it for every scheme mmengine resolves, local paths included
(``CheckpointLoader.register_scheme``, mmengine's extension point). So
``--resume``, ``load_from``, ``init_cfg=dict(type='Pretrained')`` and every
tool that calls mmengine's ``load_checkpoint``/``_load_checkpoint`` read
checkpoints weights-only. ``weights_only=True`` is passed explicitly, so
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` cannot turn it off. Every load also
refuses a checkpoint whose weights or statistics hold NaN or Inf, and a
local one whose bytes differ from the sha256 recorded beside it at save
(``clae_mm/utils/checksum.py``).
"""
import io
import os.path as osp
import pickle
import re
from typing import Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

from .checksum import verify_checksum
from .errors import CLAEError
from .finite import all_finite, describe, named_tensors, nonfinite_names

# Our checkpoints need no global beyond torch's weights-only defaults
# (PlainCheckpointStateHook writes plain data). Checkpoints written by stock
# mmengine / mmpretrain hold mmengine's HistoryBuffer and numpy values in
# their message hub and meta; the globals below let them load. None of them
# can call code the file chooses: the weights-only unpickler calls an allowed
# global with arguments that are themselves only allowed objects, and runs
# the ``__setstate__`` of allowed classes only. What they build is checked
# after the load (:func:`_plain_data`).
_NUMPY_MULTIARRAY = getattr(np, '_core', None) or np.core  # numpy >= 2 / < 2
_NUMPY_MULTIARRAY = _NUMPY_MULTIARRAY.multiarray
# numpy dtypes of plain numbers: BUILD on a dtype calls numpy's C
# ``dtype.__setstate__``, which reads byte order and flags.
_NUMERIC_DTYPE_CLASSES = tuple(type(np.dtype(code)) for code in '?bhilqBHILQefdgFDG')
# The kinds of numpy values a checkpoint may hold: booleans and numbers. An
# array of another dtype (an object array, whose elements the file chooses
# among the allowed objects) can be built without a dtype BUILD
# (``ndarray((2,), 'O')``), so it is refused after the load.
_NUMERIC_KINDS = 'biufc'


class _HistoryBufferState:
    """What the file's ``HistoryBuffer`` becomes while it is unpickled: the
    pickled state, held. No code of mmengine's class runs (its
    ``__setstate__`` writes the file's statistics into a class-wide
    registry); after the load the buffer is rebuilt from its history alone by
    ``HistoryBuffer``'s constructor. The file's ``statistics_methods`` (mmengine's
    own four, which the constructor registers anyway) are dropped; any other
    field is refused."""

    _FIELDS = {'_log_history', '_count_history', 'max_length'}

    def __setstate__(self, state):
        fields = set(state) - {'statistics_methods'} if isinstance(state, dict) else None
        if fields != self._FIELDS:
            raise pickle.UnpicklingError(
                f'a HistoryBuffer state must hold {sorted(self._FIELDS)}, this one holds '
                f'{sorted(fields) if fields is not None else type(state).__name__}')
        self.state = state

    def rebuild(self) -> HistoryBuffer:
        return HistoryBuffer(_plain_data(self.state['_log_history']),
                             _plain_data(self.state['_count_history']),
                             int(self.state['max_length']))


# mmengine pickles HistoryBuffer's registry of statistics as
# ``getattr(HistoryBuffer, 'mean')``. builtins.getattr itself stays refused
# (it reaches any attribute of any allowed object); this stand-in answers only
# those four names.
_HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_statistic(owner, name):
    if owner is _HistoryBufferState and name in _HISTORY_BUFFER_STATISTICS:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'GLOBAL builtins.getattr was not an allowed global by default (asked for {name!r}; only '
        f'HistoryBuffer.{"/".join(_HISTORY_BUFFER_STATISTICS)} are answered)')


_SAFE_GLOBALS = [
    # Allocates an empty array of a given ndarray subtype and dtype; np.ndarray
    # is the only subtype a file can name.
    (_NUMPY_MULTIARRAY._reconstruct, 'numpy._core.multiarray._reconstruct'),
    (_NUMPY_MULTIARRAY._reconstruct, 'numpy.core.multiarray._reconstruct'),  # numpy < 2 files
    # BUILD runs ndarray.__setstate__: it copies raw bytes into a numeric
    # array (an array of another dtype is refused after the load).
    np.ndarray,
    # A numpy scalar from a dtype and its raw bytes.
    (_NUMPY_MULTIARRAY.scalar, 'numpy._core.multiarray.scalar'),
    (_NUMPY_MULTIARRAY.scalar, 'numpy.core.multiarray.scalar'),
    # Parses a dtype description (a type code such as 'f8').
    np.dtype,
    *_NUMERIC_DTYPE_CLASSES,
    # mmengine's HistoryBuffer, by its name, becomes the holder above.
    (_HistoryBufferState, 'mmengine.logging.history_buffer.HistoryBuffer'),
    (_history_buffer_statistic, 'builtins.getattr'),
]


def _plain_data(obj):
    """``obj`` with every HistoryBuffer rebuilt (in place where it is held in a
    dict or a list); :class:`UnsafeCheckpointError` for a numpy value that is
    not a boolean or a number."""
    if isinstance(obj, _HistoryBufferState):
        return obj.rebuild()
    if isinstance(obj, (np.ndarray, np.generic)) and obj.dtype.kind not in _NUMERIC_KINDS:
        raise UnsafeCheckpointError(f'it holds a numpy value of dtype {obj.dtype}')
    if isinstance(obj, torch.Tensor):
        _plain_data(vars(obj))  # attributes a tensor subclass was rebuilt with
    elif isinstance(obj, dict):
        for key, value in obj.items():
            obj[key] = _plain_data(value)
    elif isinstance(obj, list):
        obj[:] = [_plain_data(value) for value in obj]
    elif isinstance(obj, (tuple, set)):
        return type(obj)(_plain_data(value) for value in obj)
    return obj


# A torch.save file is a zip archive (torch >= 1.6) or, in torch's legacy
# format, a pickle that starts with torch's magic number.
_ZIP_MAGIC = b'PK\x03\x04'
_LEGACY_MAGIC = b'\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19'


class CheckpointNotFoundError(CLAEError, FileNotFoundError):
    """The checkpoint file does not exist."""


class UnsafeCheckpointError(CLAEError):
    """The checkpoint holds something the weights-only unpickler refuses
    (a callable such as ``os.system`` smuggled through ``__reduce__``)."""


class CorruptCheckpointError(CLAEError):
    """The file is truncated, damaged or not a torch checkpoint."""


class NonFiniteWeightsError(CLAEError):
    """The checkpoint's weights or BN statistics hold NaN or Inf: scoring it
    gives a chance-level number, training from it diverges at once."""


def _refusal(message: str) -> str:
    """What torch's weights-only unpickler refused, from its multi-line error
    (its first line is torch's advice; the unpickler's own words follow,
    after 'WeightsUnpickler error:' when torch adds that)."""
    match = re.search(r'GLOBAL ([\w.]+)', message)
    if match:
        return f'it references {match.group(1)}, which is not an allowed global'
    detail = message.split('WeightsUnpickler error:', 1)[1] if 'WeightsUnpickler error:' in \
        message else message.split('\n', 1)[-1]
    lines = [line.strip() for line in detail.splitlines() if line.strip()]
    return f'the weights-only unpickler refused it ({lines[0] if lines else "not plain data"})'


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f'{type(exc).__name__}: {lines[0]}' if lines else type(exc).__name__


def load_weights_only(source: Union[str, bytes], name: str, map_location):
    """``torch.load(source, weights_only=True)`` of a path or the bytes of a
    file, every failure a one-line CLAEError that names ``name``."""
    if isinstance(source, bytes):
        head, source = source[:len(_LEGACY_MAGIC)], io.BytesIO(source)
    else:
        with open(source, 'rb') as f:
            head = f.read(len(_LEGACY_MAGIC))
    if not (head.startswith(_ZIP_MAGIC) or head == _LEGACY_MAGIC):
        raise CorruptCheckpointError(
            f'{name} is not a torch checkpoint (a torch.save file starts with a zip or '
            f'torch pickle header, this one with {head[:8]!r}); pass a .pth file written '
            'by torch.save')
    try:
        with torch.serialization.safe_globals(_SAFE_GLOBALS):
            checkpoint = torch.load(source, map_location=map_location, weights_only=True)
        checkpoint = _plain_data(checkpoint)
    except UnsafeCheckpointError as exc:
        raise UnsafeCheckpointError(
            f'{name} refused: {exc}; only booleans and numbers are allowed in numpy values; '
            'nothing from it was executed. Use only checkpoints from a source you trust, '
            'saved as plain tensors and numbers') from None
    except pickle.UnpicklingError as exc:
        if 'Weights only load failed' not in str(exc):
            raise CorruptCheckpointError(_corrupt_message(name, exc)) from None
        raise UnsafeCheckpointError(
            f'{name} refused: {_refusal(str(exc))} (loading it could run code); nothing from '
            'it was executed. Use only checkpoints from a source you trust, saved as plain '
            'tensors and numbers') from None
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 -- a crafted file can make the allowed
        # constructors raise anything (set(5): TypeError); each is a refusal.
        raise CorruptCheckpointError(_corrupt_message(name, exc)) from None
    refuse_nonfinite_weights(checkpoint, name)
    return checkpoint


def refuse_nonfinite_weights(checkpoint, name: str) -> None:
    """Raise :class:`NonFiniteWeightsError` naming the first tensors of the
    checkpoint's ``state_dict`` (a bare state dict: itself) that hold NaN or
    Inf: weights and BN running statistics alike (one fused check, then exact)."""
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict) or all_finite(t for _, t in named_tensors(state)):
        return
    bad = nonfinite_names(named_tensors(state))
    if bad:
        raise NonFiniteWeightsError(
            f'{name} holds non-finite weights: {len(bad)} tensors hold NaN or Inf '
            f'({describe(bad)}); scores of it would be meaningless and training from it '
            'diverges; pass a checkpoint saved before the run diverged')


def _corrupt_message(name: str, exc: Exception) -> str:
    return (f'{name} is truncated, damaged or not a torch checkpoint ({_first_line(exc)}); '
            'nothing from it was executed; pass an earlier, complete checkpoint')


def existing_checkpoint(filename: str) -> str:
    """``filename`` (``~`` expanded) when it names a file, or a URL as is;
    :class:`CheckpointNotFoundError` otherwise. Tools call it before they
    build a runner, so a typo in a path is the first thing said."""
    if re.match(r'^[\w+.-]+://', str(filename)):
        return str(filename)
    return _local_file(filename)


def _local_file(filename: str) -> str:
    filename = osp.expanduser(str(filename))
    if not osp.isfile(filename):
        raise CheckpointNotFoundError(f'checkpoint {filename} not found; pass the path '
                                      'of an existing .pth file')
    return filename


def safe_load_checkpoint(filename: str, map_location='cpu'):
    """``torch.load(filename, weights_only=True)`` with one-line errors.

    Raises:
        CheckpointNotFoundError: no such file.
        ChecksumMismatchError: its bytes differ from the sha256 recorded
            beside it at save (``epoch_N.pth.sha256``).
        NonFiniteWeightsError: its weights or statistics hold NaN or Inf.
        UnsafeCheckpointError: the file asks to build an object that is not
            plain data (nothing of it is executed).
        CorruptCheckpointError: truncated, damaged or not a checkpoint.
    """
    filename = _local_file(filename)
    verify_checksum(filename, f'checkpoint {filename}')
    return load_weights_only(filename, f'checkpoint {filename}', map_location)


def load_from_local_weights_only(filename: str, map_location):
    """mmengine's loader for local paths, replaced (``remote_checkpoint.py``
    registers it): weights-only, explicitly."""
    return safe_load_checkpoint(filename, map_location)
