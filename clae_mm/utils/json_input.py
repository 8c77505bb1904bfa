"""The JSON the analysis tools read, every problem in one line.

Logs, histories and result files come from runs, from other people and from
editors: a line cut by a killed write, a step written as a string, a NaN
score (Python's ``json`` writes one for a float NaN), nesting deep enough to
exhaust the parser's recursion. Each is a :class:`CLAEError` that names the
file (and line) and what is wrong, never a traceback or a NaN in a table.
"""
import json
import math
from numbers import Real

from .errors import CLAEError


class MalformedInputError(CLAEError):
    """A JSON input of an analysis tool is unreadable or holds a wrong value."""


def parse_json(text: str, where: str):
    """``json.loads(text)``; ``where`` names the file (and line) in the error."""
    try:
        return json.loads(text)
    except RecursionError:
        raise MalformedInputError(f'{where} is nested too deeply to read (damaged or not written '
                                  'by clae_mm); remove it or write it again') from None
    except ValueError as exc:
        raise MalformedInputError(f'{where} is not JSON ({exc}); the file is damaged (an '
                                  'interrupted write?): remove it or write it again') from None


def load_json(path: str):
    """The JSON value of the file ``path``, with :func:`parse_json`'s errors."""
    try:
        with open(path) as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedInputError(f'{path} cannot be read ({exc})') from None
    return parse_json(text, path)


def integer(value, where: str, name: str) -> int:
    """``value`` when it is an integer (a step, an epoch, a seed)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedInputError(f'{where}: {name} must be an integer, got {value!r}')
    return value


def number(value, where: str, name: str, finite: bool = True) -> float:
    """``value`` as a float when it is a number (finite unless ``finite=False``:
    a log of a diverged run holds NaN losses, a score never may)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise MalformedInputError(f'{where}: {name} must be a number, got {value!r}')
    if finite and not math.isfinite(value):
        raise MalformedInputError(f'{where}: {name} is {value}, not a number to report (a '
                                  'diverged run or a damaged file); leave it out or make it again')
    return float(value)


def optional(check, value, where: str, name: str, **kwargs):
    """``check(value, ...)``, or None for None."""
    return None if value is None else check(value, where, name, **kwargs)
