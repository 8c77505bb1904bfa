"""Crash-safe file replacement: write aside, fsync, rename into place.

``os.replace`` within one directory is atomic on POSIX file systems: a reader
(or a resumed run) sees either the old file or the complete new one, never a
partial write. The fsyncs make the new content and the rename durable before
anything that refers to the file (``last_checkpoint``) is updated.
"""
import os
import os.path as osp
import tempfile


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


def atomic_write_text(path: str, text: str) -> None:
    """Replace the text file ``path`` by ``text`` atomically."""
    folder = osp.dirname(osp.abspath(path))
    fd, written = tempfile.mkstemp(dir=folder, prefix=f'.{osp.basename(path)}.', suffix='.partial')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(text)
    except OSError:
        remove_quietly(written)
        raise
    commit_file(written, path)


def remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
