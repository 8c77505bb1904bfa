"""Crash-safe file replacement: write aside, fsync, rename into place.

``os.replace`` within one directory is atomic on POSIX file systems: a reader
(or a resumed run) sees either the old file or the complete new one, never a
partial write. The fsyncs make the new content and the rename durable before
anything that refers to the file (``last_checkpoint``) is updated.
"""
import os
import os.path as osp
import tempfile
from typing import IO, Callable


def fsync_dir(path: str) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_file(written: str, final: str) -> None:
    """Flush ``written`` to disk and atomically rename it to ``final`` (same
    directory). On failure ``final`` is untouched and ``written`` is removed."""
    try:
        with open(written, 'rb') as f:
            os.fsync(f.fileno())
        os.replace(written, final)
    except OSError:
        remove_quietly(written)
        raise
    fsync_dir(osp.dirname(osp.abspath(final)))


def atomic_write(path: str, write: Callable[[IO], None], mode: str = 'w') -> None:
    """Write the file ``path`` through ``write(file)`` atomically: into a
    temporary file beside it, then :func:`commit_file`. On any failure
    ``path`` is untouched and the temporary file is removed."""
    folder = osp.dirname(osp.abspath(path))
    fd, written = tempfile.mkstemp(dir=folder, prefix=f'.{osp.basename(path)}.', suffix='.partial')
    try:
        with os.fdopen(fd, mode) as f:
            write(f)
    except BaseException:
        remove_quietly(written)
        raise
    commit_file(written, path)


def atomic_write_text(path: str, text: str) -> None:
    """Replace the text file ``path`` by ``text`` atomically."""
    atomic_write(path, lambda f: f.write(text))


def remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
