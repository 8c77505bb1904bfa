import sys
from typing import Callable, Optional

# The exit status of a tool that stopped on an error the user can fix.
USER_ERROR_EXIT_CODE = 2


class CLAEError(Exception):
    """An error the user can fix: tools print its one-line message, no traceback."""


class DatasetNotFoundError(CLAEError, FileNotFoundError):
    """Dataset files are missing or malformed; the message says where to put them."""


def exit_code(body: Callable[[], Optional[int]]) -> int:
    """Run a tool's ``body``; a :class:`CLAEError` prints ``error: <message>``
    on stderr and gives exit status 2 instead of a traceback. Otherwise the
    body's status (None counts as 0)."""
    try:
        status = body()
    except CLAEError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return USER_ERROR_EXIT_CODE
    return 0 if status is None else status
