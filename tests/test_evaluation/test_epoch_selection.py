import pytest

from clae_mm.evaluation.checkpoint_selection import best_knn_epoch
from clae_mm.evaluation.epoch_selection import KNN_TIES, PROBE_TIES, best_entry
from clae_mm.evaluation.metrics.linear_probe_accuracy import select_epochs


def test_the_best_entry_is_the_highest_and_ties_go_as_asked():
    score = lambda e: e['top1']  # noqa: E731
    assert best_entry([], score, 'later') is None
    entries = [dict(epoch=1, top1=50.0), dict(epoch=2, top1=60.0), dict(epoch=3, top1=60.0),
               dict(epoch=4, top1=55.0)]
    assert best_entry(entries, score, 'later')['epoch'] == 3
    assert best_entry(entries, score, 'earlier')['epoch'] == 2
    with pytest.raises(ValueError, match='ties'):
        best_entry(entries, score, 'first')


def test_knn_keeps_the_later_and_the_probe_the_earlier_epoch_as_the_authors():
    """main.py saves its best-kNN checkpoint on acc >= best_acc; eval.py and
    eval_lr.py record a new best probe epoch on acc > best_acc."""
    assert (KNN_TIES, PROBE_TIES) == ('later', 'earlier')
    history = [dict(step=0, **{'knn/top1': 70.0}), dict(step=1, **{'knn/top1': 60.0}),
               dict(step=2, **{'knn/top1': 60.0}), dict(step=3, **{'knn/top1': 59.0})]
    assert best_knn_epoch(history)['step'] == 2  # step 0 (initialisation) has no checkpoint
    probe = [dict(epoch=e, test=dict(top1=t), val=dict(top1=v))
             for e, t, v in [(10, 80.0, 70.0), (20, 81.0, 71.0), (30, 81.0, 71.0), (40, 79.0, 69.0)]]
    selected = select_epochs(probe)
    assert selected['last_epoch']['epoch'] == 40
    assert selected['best_over_epochs']['epoch'] == 20
    assert selected['val_selected']['epoch'] == 20
