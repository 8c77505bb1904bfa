"""FrozenFeatureValLoop / FrozenFeatureTestLoop: the kNN and the linear probe
as mmengine's validation and test, in a real training run."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.evaluator import Evaluator
from mmpretrain.structures import DataSample

from clae_mm.engine.runners import FrozenFeatureValLoop
from clae_mm.evaluation import KNNAccuracy, extract_features, knn_accuracy
from clae_mm.utils import CLAEError


def scalar_records(runner):
    (path,) = glob.glob(osp.join(runner.work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        return [json.loads(line) for line in f]


def test_validation_during_training_logs_knn_and_saves_the_best(knn_monitored_run):
    runner = knn_monitored_run
    knn = [r for r in scalar_records(runner) if 'knn/top1' in r]
    assert [r['step'] for r in knn] == [0, 1, 2]  # at initialisation and after each epoch
    assert runner.message_hub.get_scalar('val/knn/top1').current() == knn[-1]['knn/top1']
    # save_best: mmengine keeps the first of equal scores
    best = max(knn, key=lambda r: (r['knn/top1'], -r['step']))
    assert [osp.basename(p) for p in glob.glob(osp.join(runner.work_dir, 'best_*.pth'))] == \
        [f"best_knn_top1_epoch_{best['step']}.pth"]
    # progress of the bank pass and of the scored set (LoggerHook), in the log file
    with open(osp.join(runner.log_dir, f'{runner.timestamp}.log')) as f:
        log = f.read()
    assert log.count('val: embedding features of the bank (40 images) [1/1]') >= 3
    assert log.count('Epoch(val) [2][1/1]') >= 1


def test_val_is_the_knn_of_the_encoder_features(knn_monitored_run):
    """runner.val() (outside training: no history entry) equals the kNN
    classifier on features extracted from the bank and the query set."""
    runner = knn_monitored_run
    history = list(runner.message_hub.get_info('knn/history'))
    metrics = runner.val()
    model = runner.model
    bank, bank_labels = extract_features(model, runner.cfg.val_cfg.bank.dataset, 'embedding')
    query, query_labels = extract_features(model, runner.cfg.val_dataloader.dataset, 'embedding')
    expected = knn_accuracy(bank, bank_labels, query, query_labels, 10, k=200, sigma=0.5)
    assert metrics == {'knn/top1': expected['top1'], 'knn/top5': expected['top5']}
    assert runner.message_hub.get_info('knn/history') == history
    assert model.training  # the train mode it had is back


def test_linear_eval_hook_runs_the_test_evaluation_after_training(knn_monitored_run):
    hub = knn_monitored_run.message_hub
    assert 0.0 <= hub.get_scalar('test/linear/top1').current() <= 100.0
    assert hub.get_scalar('test/linear/best_top1').current() >= \
        hub.get_scalar('test/linear/top1').current()
    # the test loop scores the final encoder as the last validation did
    history = hub.get_info('knn/history')
    assert hub.get_scalar('test/knn/top1').current() == history[-1]['knn/top1']


def test_loop_refuses_what_it_cannot_feed(knn_monitored_run):
    runner = knn_monitored_run
    bank = dict(runner.cfg.val_cfg.bank)
    with pytest.raises(CLAEError, match='not Accuracy'):
        FrozenFeatureValLoop(runner, runner.val_dataloader, dict(type='Accuracy'), bank=bank)
    with pytest.raises(CLAEError, match='bank must be'):
        FrozenFeatureValLoop(runner, runner.val_dataloader, dict(type='KNNAccuracy'),
                             bank=dict(bank, shuffle=True))


def test_metric_under_a_stock_loop_names_the_loop_in_one_line():
    """mmengine's ValLoop sends the model's predictions, and no bank (queries
    without a bank: tests/test_evaluation/test_metrics/test_knn_accuracy.py)."""
    evaluator = Evaluator(KNNAccuracy())
    with pytest.raises(CLAEError, match='got a sample of .*FrozenFeatureValLoop') as error:
        evaluator.process([DataSample().set_gt_label(1).set_pred_score(torch.ones(4))])
    assert '\n' not in str(error.value)
