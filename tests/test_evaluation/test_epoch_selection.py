from clae_mm.evaluation.checkpoint_selection import best_knn_epoch
from clae_mm.evaluation.epoch_selection import best_entry
from clae_mm.evaluation.metrics.linear_probe_accuracy import select_epochs


def test_the_best_entry_is_the_highest_and_on_a_tie_the_later():
    assert best_entry([], lambda e: e) is None
    entries = [dict(epoch=1, top1=50.0), dict(epoch=2, top1=60.0), dict(epoch=3, top1=60.0),
               dict(epoch=4, top1=55.0)]
    assert best_entry(entries, lambda e: e['top1'])['epoch'] == 3


def test_the_knn_checkpoint_and_the_probe_epochs_follow_the_same_tie_rule():
    history = [dict(step=0, **{'knn/top1': 70.0}), dict(step=1, **{'knn/top1': 60.0}),
               dict(step=2, **{'knn/top1': 60.0}), dict(step=3, **{'knn/top1': 59.0})]
    assert best_knn_epoch(history)['step'] == 2  # step 0 (initialisation) has no checkpoint
    probe = [dict(epoch=e, test=dict(top1=t), val=dict(top1=v))
             for e, t, v in [(10, 80.0, 70.0), (20, 81.0, 71.0), (30, 81.0, 71.0), (40, 79.0, 69.0)]]
    selected = select_epochs(probe)
    assert selected['last_epoch']['epoch'] == 40
    assert selected['best_over_epochs']['epoch'] == 30
    assert selected['val_selected']['epoch'] == 30
