import errno
import os
import tempfile

from .errors import CLAEError

# What the start of a run writes before its first checkpoint (the log, the
# dumped config, the scalars) fits in this; an empty file does not show a
# full disk: creating one needs no free block.
PROBE_BYTES = 1 << 20


def check_work_dir_writable(work_dir: str) -> None:
    """Fail before training if checkpoints and logs cannot be written: the
    work dir cannot be made, or 1 MiB cannot be written and fsynced in it
    (a full disk, a full quota)."""
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=work_dir, prefix='.write_test', buffering=0) as f:
            f.write(bytes(PROBE_BYTES))
            os.fsync(f.fileno())
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise CLAEError(f'work dir {work_dir} has no space left ({exc.strerror}); free '
                            'disk space or pass a --work-dir on another disk') from None
        raise CLAEError(f'work dir {work_dir} is not writable ({exc.strerror}); '
                        'pass a writable --work-dir') from None
