"""The evaluation through mmengine's loops (FrozenFeatureTestLoop, behind
runner.test(), tools/test.py and the benchmark tools) scores a checkpoint
exactly as the tools did before it: the numbers below were written by
tools/benchmarks/knn_eval.py and linear_eval.py of commit 770c975 (their own
feature extraction and kNN / probe code) on the same deterministic checkpoint
and data, with the same arguments (the bank subset was then
``--cfg-options eval_bank.indices=60``)."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from clae_mm.registry import MODELS
from tests.conftest import REPO, TINY_ENCODER, run_tool
from tests.data_utils import make_cifar

CONFIG = osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py')
LOSS_TOLERANCE = 1e-5  # float noise; the accuracies must be equal


def deterministic_state(model, seed=0):
    """Every tensor of the state dict drawn from one seeded generator in key
    order (fan-in-scaled weights, positive BN variances): the checkpoint does
    not depend on the model's initialisation code, only on its keys and shapes."""
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for key, reference in sorted(model.state_dict().items()):
        if not reference.is_floating_point():
            state[key] = torch.zeros_like(reference)
            continue
        tensor = torch.empty(reference.shape, dtype=torch.float32)
        if reference.dim() >= 2:
            bound = (3.0 / reference[0].numel()) ** 0.5
            tensor.uniform_(-bound, bound, generator=generator)
        elif key.endswith('running_var') or key.endswith('weight'):
            tensor.uniform_(0.5, 1.5, generator=generator)
        else:
            tensor.uniform_(-0.1, 0.1, generator=generator)
        state[key] = tensor
    return state


@pytest.fixture(scope='module')
def fixed_run(tmp_path_factory):
    """A width-8 SimCLR checkpoint (epoch 3, seed 7) and synthetic CIFAR-10:
    200 training and 40 test images."""
    root = tmp_path_factory.mktemp('fixed_run')
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict({key: int(value) for key, value in
                         (option.split('=') for option in TINY_ENCODER)})
    model_cfg = dict(cfg.model, data_preprocessor=cfg.data_preprocessor)
    checkpoint = str(root / 'fixed.pth')
    torch.save(dict(meta=dict(epoch=3, seed=7),
                    state_dict=deterministic_state(MODELS.build(model_cfg))), checkpoint)
    return dict(checkpoint=checkpoint, data_root=make_cifar(str(root / 'data'), num_per_file=40),
                work_dir=str(root / 'work'))


def tool_result(path, run, out, *extra, cfg_options=()):
    """The result file of ``tools/<path>`` on the fixed checkpoint."""
    assert run_tool(path, CONFIG, run['checkpoint'], '--data-root', run['data_root'],
                    '--work-dir', run['work_dir'], '--out', str(out),
                    '--cfg-options', *TINY_ENCODER, *cfg_options, *extra) == 0
    with open(out) as f:
        return json.load(f)


KNN_CASES = {
    # arguments: (top1, top5, val_top1), sizes (bank, val, query), feature_dim
    'backbone, k 5, validation split': (
        ['--feature', 'backbone', '--sigma', '0.1', '--k', '5', '--val-fraction', '0.25',
         '--seed', '3'], [], (87.5, 100.0, 84.0), (150, 50, 40), 64),
    'pixels, bank subset': (
        ['--feature', 'pixels', '--k', '20'], ['test_cfg.bank.dataset.indices=60'],
        (45.0, 100.0, None), (60, 0, 40), 3072),
}


@pytest.mark.parametrize('case', sorted(KNN_CASES))
def test_knn_tool_scores_as_before(case, fixed_run, tmp_path):
    arguments, options, scores, sizes, feature_dim = KNN_CASES[case]
    result = tool_result('benchmarks/knn_eval.py', fixed_run, tmp_path / 'knn.json',
                      '--num-workers', '0', '--no-progress', *arguments, cfg_options=options)
    last = result['last_epoch']
    assert (last['top1'], last['top5'], last['val_top1']) == scores
    assert (result['num_bank'], result['num_val'], result['num_query']) == sizes
    assert (result['feature_dim'], result['num_classes'], result['epoch']) == (feature_dim, 10, 3)


# Probe history (epoch, top1, top5, loss, val_top1) of the tools before.
BACKBONE_HISTORY = [(1, 15.0, 57.5, 2.3128178119659424, 16.0),
                    (2, 15.0, 57.5, 2.3111913204193115, 16.0),
                    (3, 15.0, 57.5, 2.309591770172119, 16.0),
                    (4, 15.0, 57.5, 2.308013916015625, 16.0),
                    (5, 15.0, 57.5, 2.3064584732055664, 16.0)]
EMBEDDING_HISTORY = [(2, 15.0, 55.0, 2.236877918243408, None),
                     (4, 17.5, 75.0, 2.1705098152160645, None)]


def assert_history(history, expected):
    assert len(history) == len(expected)
    for entry, (epoch, top1, top5, loss, val_top1) in zip(history, expected):
        assert (entry['epoch'], entry['top1'], entry['top5'], entry.get('val_top1')) == \
            (epoch, top1, top5, val_top1)
        assert entry['loss'] == pytest.approx(loss, abs=LOSS_TOLERANCE)


def test_linear_tool_probes_as_before(fixed_run, tmp_path):
    result = tool_result('benchmarks/linear_eval.py', fixed_run, tmp_path / 'a.json',
                      '--num-workers', '0', '--no-progress', '--epochs', '5',
                      '--val-fraction', '0.25', '--seed', '3')
    assert (result['feature'], result['num_train'], result['num_val'], result['num_test']) == \
        ('backbone', 150, 50, 40)
    assert_history(result['history'], BACKBONE_HISTORY)
    assert (result['best_over_epochs']['epoch'], result['val_selected']['epoch']) == (1, 1)

    result = tool_result('benchmarks/linear_eval.py', fixed_run, tmp_path / 'b.json',
                      '--num-workers', '0', '--no-progress', '--epochs', '4', '--batch-size',
                      '16', '--lr', '0.01', '--feature', 'embedding', '--eval-interval', '2')
    assert (result['feature'], result['num_train'], result['val_selected']) == \
        ('embedding', 200, None)
    assert_history(result['history'], EMBEDDING_HISTORY)


def test_tools_test_py_scores_as_the_tools_did(fixed_run, tmp_path):
    """runner.test() with the config's test_evaluator (kNN on the projection,
    sigma 0.5; the probe on the backbone), the probe shortened to 5 epochs
    with the validation split above."""
    result = tool_result('test.py', fixed_run, tmp_path / 'metrics.json', cfg_options=[
        'test_evaluator.1.epochs=5', 'test_evaluator.1.val_fraction=0.25',
        'test_evaluator.1.seed=3', 'test_dataloader.num_workers=0', 'test_cfg.bank.num_workers=0'])
    metrics = result['metrics']
    assert (metrics['knn/top1'], metrics['knn/top5']) == (7.5, 62.5)  # the tools' default kNN
    last = BACKBONE_HISTORY[-1]
    assert (metrics['linear/top1'], metrics['linear/top5'], metrics['linear/best_top1'],
            metrics['linear/val_selected_top1']) == (last[1], last[2], 15.0, 15.0)
    assert result['checkpoint'] == fixed_run['checkpoint']
