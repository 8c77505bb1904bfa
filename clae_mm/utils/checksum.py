"""A checkpoint's sha256, recorded beside it at save and checked at load.

``AtomicLocalBackend`` writes ``epoch_N.pth.sha256`` (``sha256sum``'s format:
``<hex>  epoch_N.pth``, so ``sha256sum -c`` checks it too) once the checkpoint
is in place; :func:`verify_checksum` compares the file with it before
anything is unpickled. torch's zip reader does not check the archive's CRCs:
64 flipped bytes in the tensor data loaded silently and scored at chance.
A checkpoint without the file (copied alone, or written by stock mmengine)
is loaded unchecked.
"""
import hashlib
import os.path as osp
import re

from .atomic_io import atomic_write_text, remove_quietly
from .errors import CLAEError

CHECKSUM_SUFFIX = '.sha256'
_CHUNK = 1 << 20


class ChecksumMismatchError(CLAEError):
    """The checkpoint's bytes differ from those recorded when it was saved."""


def checksum_path(path: str) -> str:
    return str(path) + CHECKSUM_SUFFIX


def sha256_of_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(_CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


def forget_checksum(path: str) -> None:
    """Remove the record of ``path`` before the file is replaced: a crash
    between the two renames must leave no record of the previous bytes."""
    remove_quietly(checksum_path(path))


def record_checksum(path: str, data: bytes) -> None:
    """Write ``path.sha256`` for the bytes ``data`` just written to ``path``."""
    atomic_write_text(checksum_path(path),
                      f'{hashlib.sha256(data).hexdigest()}  {osp.basename(path)}\n')


def verify_checksum(path: str, name: str) -> None:
    """Raise :class:`ChecksumMismatchError` when ``path.sha256`` exists and
    the file's sha256 differs from it; nothing to check without it."""
    record = checksum_path(path)
    try:
        with open(record) as f:
            text = f.read(200)
    except OSError:
        return
    match = re.match(r'\s*([0-9a-fA-F]{64})\b', text)
    if match is None:
        raise ChecksumMismatchError(
            f'{name} cannot be checked: {record} holds no sha256; delete that file to load '
            'the checkpoint unchecked')
    if sha256_of_file(path) != match.group(1).lower():
        raise ChecksumMismatchError(
            f'{name} is corrupted: its sha256 differs from the one recorded at save ({record}); '
            'nothing from it was loaded; pass an earlier checkpoint of the run')
