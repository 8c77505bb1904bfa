"""How sure a mean over a few training seeds is: Student's t interval.

One function for every such interval in the project: the mean score of a
config over its seeds, and the mean of the paired differences CLAE - baseline
(one difference per seed both runs have), which is the paired t interval.
summarize_results.py prints it, vis_results.py draws it.
"""
import math
import statistics
from typing import NamedTuple, Optional, Sequence, Tuple

from scipy import stats


class TInterval(NamedTuple):
    mean: float
    std: Optional[float]   # sample standard deviation (ddof=1); None for one value
    n: int
    low: Optional[float]   # the interval's ends; None for one value (no spread to scale)
    high: Optional[float]


def t_interval(values: Sequence[float], confidence: float = 0.95) -> TInterval:
    """The ``confidence`` interval of the mean of ``values``:
    mean ± t_{(1 + confidence) / 2, n - 1} * sd / sqrt(n), sd the sample standard
    deviation. It assumes the values are independent draws from a normal
    distribution; with 3 seeds t is 4.30, so the interval is wide.

    Args:
        values: one number per seed (scores, or paired differences).
        confidence: the coverage, 0.95 for the 95 % interval.

    Return:
        ``TInterval(mean, std, n, low, high)``; std, low and high are None
        for a single value.
    """
    values = [float(value) for value in values]
    if not values:
        raise ValueError('no values to average')
    if not 0 < confidence < 1:
        raise ValueError(f'confidence must be in (0, 1), got {confidence}')
    mean, n = statistics.fmean(values), len(values)
    if n == 1:
        return TInterval(mean, None, 1, None, None)
    std = statistics.stdev(values)
    half_width = stats.t.ppf((1 + confidence) / 2, n - 1) * std / math.sqrt(n)
    return TInterval(mean, std, n, mean - half_width, mean + half_width)


def sign_counts(differences: Sequence[float]) -> Tuple[int, int]:
    """(how many differences are > 0, how many are < 0); ties count in neither."""
    return (sum(1 for value in differences if value > 0),
            sum(1 for value in differences if value < 0))
