class CLAEError(Exception):
    """An error the user can fix: tools print its one-line message, no traceback."""


class DatasetNotFoundError(CLAEError, FileNotFoundError):
    """Dataset files are missing or malformed; the message says where to put them."""
