"""Which evaluated epoch a score is reported at: one rule for the kNN hook's
log, the authors' best-kNN checkpoint, ``tools/benchmarks/knn_eval.py`` and
the linear probe's ``best_over_epochs`` / ``val_selected``.

The tie rule is the authors' where they state one: their training loops keep
the later of equal kNN scores (Plain/main.py, UEL/main.py:
``if acc >= best_acc``), their CIFAR probes the earlier of equal test scores
(Plain/eval.py, UEL/eval.py, SimCLR/eval_lr.py: ``if acc > best_acc``). The
best accuracy is the same either way; only the epoch it is reported at
differs.
"""
from typing import Callable, Optional, Sequence, TypeVar

Entry = TypeVar('Entry')
KNN_TIES = 'later'     # main.py: if acc >= best_acc
PROBE_TIES = 'earlier'  # eval.py, eval_lr.py: if acc > best_acc


def best_entry(entries: Sequence[Entry], score: Callable[[Entry], float],
               ties: str) -> Optional[Entry]:
    """The entry of highest ``score`` (None for no entries); of equal scores
    the ``'later'`` or the ``'earlier'`` one. Entries are in evaluation order."""
    if ties not in ('later', 'earlier'):
        raise ValueError(f"ties must be 'later' or 'earlier', got {ties!r}")
    best = None
    for entry in entries:
        if best is None or score(entry) > score(best) or (
                ties == 'later' and score(entry) == score(best)):
            best = entry
    return best
