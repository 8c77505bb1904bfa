import os
import tempfile

from .errors import CLAEError


def check_work_dir_writable(work_dir: str) -> None:
    """Fail before training if checkpoints and logs cannot be written."""
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=work_dir, prefix='.write_test'):
            pass
    except OSError as exc:
        raise CLAEError(f'work dir {work_dir} is not writable ({exc.strerror}); '
                        'pass a writable --work-dir') from None
