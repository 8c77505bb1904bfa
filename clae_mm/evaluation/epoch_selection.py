"""Which evaluated epoch a score is reported at: one rule for the kNN hook's
log, the authors' best-kNN checkpoint, ``tools/benchmarks/knn_eval.py`` and
the linear probe's ``best_over_epochs`` / ``val_selected``."""
from typing import Callable, Optional, Sequence, TypeVar

Entry = TypeVar('Entry')


def best_entry(entries: Sequence[Entry], score: Callable[[Entry], float]) -> Optional[Entry]:
    """The entry of highest ``score`` (None for no entries); on a tie the
    later one, as the authors' ``if acc >= best_acc`` keeps it
    (Plain/main.py, UEL/main.py). Entries are in evaluation order."""
    best = None
    for entry in entries:
        if best is None or score(entry) >= score(best):
            best = entry
    return best
