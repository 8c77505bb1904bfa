import pytest

from clae_mm.engine.hooks import KNNEvalHook
from clae_mm.evaluation import extract_features, knn_accuracy
from clae_mm.utils import CLAEError
from tests.model_utils import tiny_clae
from tests.fake_runner import fake_runner


@pytest.fixture(scope='module')
def model():
    return tiny_clae('simclr')


def test_hook_logs_the_knn_score_and_restores_train_mode(model, cifar10_root):
    runner = fake_runner(model, cifar10_root,
                         evaluation=dict(knn=dict(stage='embedding', k=200, sigma=0.5)))
    hook = KNNEvalHook(interval=2)
    hook.before_train(runner)
    model.train()
    hook.after_train_epoch(runner)  # epoch 1 of 2: not a multiple of 2, not the last
    assert runner.visualizer.records == []
    runner.epoch = 1
    hook.after_train_epoch(runner)
    assert model.training and model.backbone.training

    bank, bank_labels = extract_features(model, runner.cfg.eval_bank)
    query, query_labels = extract_features(model, runner.cfg.eval_query)
    expected = knn_accuracy(bank, bank_labels, query, query_labels, 10, k=200, sigma=0.5)
    assert runner.visualizer.records == [
        {'knn/top1': expected['top1'], 'knn/top5': expected['top5'], 'step': 2}]
    assert runner.message_hub.get_scalar('knn/top1').current() == expected['top1']
    (entry,) = runner.message_hub.get_info('knn/history')
    assert entry['step'] == 2 and entry['sigma'] == 0.5 and entry['num_bank'] == 40


def test_arguments_override_the_config_and_history_survives_a_resume(model, cifar10_root):
    runner = fake_runner(model, cifar10_root, evaluation=dict(knn=dict(sigma=0.5)))
    hook = KNNEvalHook(sigma=0.2, k=5, val_fraction=0.25)
    hook.before_train(runner)
    hook.after_train_epoch(runner)
    assert hook.settings == dict(stage='embedding', k=5, sigma=0.2)
    assert set(runner.visualizer.records[0]) == {'knn/top1', 'knn/top5', 'knn/val_top1', 'step'}
    assert runner.message_hub.get_info('knn/history')[0]['num_bank'] == 30  # 10 held out

    resumed = KNNEvalHook(sigma=0.2, k=5, val_fraction=0.25)
    resumed.before_train(runner)  # the same message hub, as after loading a checkpoint
    runner.epoch = 1
    resumed.after_train_epoch(runner)
    assert [e['step'] for e in runner.message_hub.get_info('knn/history')] == [1, 2]


def test_missing_datasets_stop_before_training(model, cifar10_root):
    runner = fake_runner(model, cifar10_root)
    runner.cfg.pop('eval_query')
    with pytest.raises(CLAEError, match='eval_query'):
        KNNEvalHook().before_train(runner)
