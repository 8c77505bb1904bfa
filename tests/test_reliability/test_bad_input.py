"""Bad input stops tools/train.py with one line, 'error: ...', exit 2, before
the first iteration."""
import glob
import os
import os.path as osp
import pickle
import shutil

import numpy as np
import pytest
import torch
from mmengine.config import Config

from clae_mm.datasets import FashionMNIST
from clae_mm.utils.checkpoint import state_dict_mismatch
from clae_mm.registry import MODELS
from clae_mm.utils import DatasetNotFoundError, register_all_modules
from clae_mm.utils.config_check import check_config_keys
from tests.conftest import REPO, load_tool
from tests.data_utils import _write_idx, make_fashion_mnist
from .conftest import CONFIG, train_args


def expect_error(train_tool, capsys, work_dir, data_root, *options, flags=(), config=CONFIG,
                 before_runner=False):
    """The one 'error:' line of a tools/train.py run that must exit 2 with
    nothing trained; ``before_runner``: also before mmengine's environment and
    config dump (the runner was never built, so there is no log at all)."""
    code = train_tool.main(train_args(work_dir, data_root, *options, flags=flags, config=config))
    err = capsys.readouterr().err
    assert code == 2, err[-3000:]
    errors = [line for line in err.splitlines() if line.startswith('error:')]
    assert len(errors) == 1 and 'Traceback' not in err, err[-3000:]
    assert not glob.glob(osp.join(work_dir, '*.pth'))  # nothing was trained
    if before_runner:  # no runner, so no log and no environment dump: nothing written
        assert not (osp.isdir(work_dir) and os.listdir(work_dir)), os.listdir(work_dir)
    return errors[0]


def checkpoint_of_wider_model(path: str) -> str:
    """A checkpoint of the same method with a 16-channel (not 8) ResNet-18."""
    register_all_modules()
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict({'model.backbone.base_channels': 16, 'model.backbone.stem_channels': 16,
                         'model.neck.in_channels': 128, 'model.neck.hid_channels': 64})
    state_dict = MODELS.build(cfg.model).state_dict()
    torch.save({'meta': {'epoch': 1, 'iter': 5}, 'state_dict': state_dict}, path)
    return path


def test_missing_dataset(train_tool, capsys, tmp_path):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), str(tmp_path / 'empty'),
                         before_runner=True)
    assert 'CIFAR10 not found under' in error and 'data_batch_1' in error and '--data-root' in error


def test_malformed_dataset(train_tool, capsys, tmp_path, cifar10_root):
    broken = tmp_path / 'broken' / 'cifar-10-batches-py'
    broken.mkdir(parents=True)
    for name in glob.glob(osp.join(cifar10_root, 'cifar-10-batches-py', '*')):
        (broken / osp.basename(name)).write_bytes(open(name, 'rb').read())
    (broken / 'data_batch_3').write_bytes(b'not a pickle')
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), str(tmp_path / 'broken'),
                         before_runner=True)
    assert 'data_batch_3 is malformed' in error


@pytest.mark.parametrize('option, expected', [
    ('model.backbone.type=NoSuchNet', "unknown type 'NoSuchNet' in the clae_mm::model registry"),
    ('default_hooks.adversarial.eps=-0.03', 'eps must be >= 0, got -0.03'),
    ('default_hooks.adversarial.alpha=-1', 'alpha must be >= 0, got -1'),
    ('default_hooks.adversarial.attack=fgsmm', "unknown attack 'fgsmm'"),
    # NaN passes every `< 0` check and would silently train the baseline
    ('default_hooks.adversarial.eps=nan', 'eps must be a finite number, got nan'),
    ('default_hooks.adversarial.eps=inf', 'eps must be a finite number, got inf'),
    ('default_hooks.adversarial.alpha=nan', 'alpha must be a finite number, got nan'),
    ('train_dataloader.batch_size=1', 'at least 2 images per batch'),
])
def test_bad_config_value(train_tool, capsys, tmp_path, cifar10_root, option, expected):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root, option)
    assert expected in error
    if 'adversarial' in option:
        assert 'default_hooks.adversarial' in error  # names the key to fix


@pytest.mark.parametrize('how', ['load_from', 'resume'])
def test_checkpoint_of_another_architecture(train_tool, capsys, tmp_path, cifar10_root, how):
    path = checkpoint_of_wider_model(str(tmp_path / 'wide.pth'))
    if how == 'load_from':
        error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                             f'load_from={path}')
    else:
        error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                             flags=['--resume', path])
    assert f'checkpoint {path} does not fit the model' in error
    assert ('shape mismatches (backbone.conv1.weight: checkpoint (16, 3, 3, 3) '
            'vs model (8, 3, 3, 3)') in error


def test_mismatch_names_missing_unexpected_and_reshaped_keys():
    model = {'backbone.conv1.weight': torch.zeros(8, 3),
             'neck.bn.adversarial.running_mean': torch.zeros(8)}
    checkpoint = {'backbone.conv1.weight': torch.zeros(16, 3), 'head.queue': torch.zeros(4)}
    assert state_dict_mismatch(model, checkpoint) == dict(
        missing=['neck.bn.adversarial.running_mean'], unexpected=['head.queue'],
        shape_mismatch=['backbone.conv1.weight: checkpoint (16, 3) vs model (8, 3)'])


@pytest.mark.parametrize('how', ['resume', 'load_from'])
def test_missing_checkpoint(train_tool, capsys, tmp_path, cifar10_root, how):
    missing = str(tmp_path / 'nowhere.pth')
    options, flags = ([f'load_from={missing}'], []) if how == 'load_from' else \
        ([], ['--resume', missing])
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root, *options,
                         flags=flags, before_runner=True)
    assert error == f'error: checkpoint {missing} not found; pass the path of an existing .pth file'


def test_missing_checkpoint_in_test_py(capsys, tmp_path, cifar10_root):
    missing = str(tmp_path / 'nowhere.pth')
    work_dir = tmp_path / 'work'
    assert load_tool('test.py').main(
        [CONFIG, missing, '--work-dir', str(work_dir), '--data-root', cifar10_root]) == 2
    captured = capsys.readouterr()
    assert captured.err == f'error: checkpoint {missing} not found; pass a .pth file or a work dir\n'
    assert not captured.out and not work_dir.exists()  # before the runner: no log at all


# Values the runner (or torch) refused only once built, after its environment and config
# dump: a traceback, an exit 0 with nothing trained, or a crash after a full epoch.
@pytest.mark.parametrize('option, expected', [
    ('train_cfg.max_epochs=0', 'train_cfg.max_epochs must be an integer >= 1, got 0: nothing '
     'would be trained; set --cfg-options train_cfg.max_epochs=<value>'),
    ('train_cfg.max_epochs=-1', 'train_cfg.max_epochs must be an integer >= 1, got -1'),
    ('train_cfg.val_interval=0', 'train_cfg.val_interval must be an integer >= 1, got 0 '
     '(validate every N epochs; to never validate, set val_interval larger than max_epochs)'),
    ('optim_wrapper.optimizer.lr=nan', 'optim_wrapper.optimizer.lr must be a finite number, got '
     'nan; set --cfg-options optim_wrapper.optimizer.lr=<value>'),
    ('optim_wrapper.optimizer.lr=-1', 'optim_wrapper.optimizer: Invalid learning rate: -1; fix it '
     'in the config or with --cfg-options optim_wrapper.optimizer.<name>=<value>'),
    ('train_dataloader.num_workers=-1', 'train_dataloader.num_workers must be an integer >= 0, '
     'got -1 (0 loads in the main process)'),
    ('default_hooks.logger.interval=0', 'default_hooks.logger: interval must be greater than 0; '
     'fix it in the config or with --cfg-options default_hooks.logger.<name>=<value>'),
    ('default_hooks.nonfinite_loss.action=skp', "default_hooks.nonfinite_loss: action must be one "
     "of ('stop', 'skip'), got 'skp'"),
    ('default_hooks.nonfinite_loss.max_consecutive_skips=0',
     'default_hooks.nonfinite_loss: max_consecutive_skips must be >= 1'),
])
def test_values_the_runner_refused_late_fail_before_it(train_tool, capsys, tmp_path, cifar10_root,
                                                        option, expected):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root, option,
                         before_runner=True)
    assert error.startswith(f'error: {expected}'), error


def test_backbone_without_batch_norm_fails_before_the_runner(train_tool, capsys, tmp_path,
                                                             cifar10_root):
    config = tmp_path / 'vit.py'
    config.write_text(
        f"_base_ = [{CONFIG!r}]\nmodel = dict(backbone=dict(_delete_=True, "
        "type='mmpretrain.VisionTransformer', img_size=32, patch_size=8, arch=dict("
        "embed_dims=16, num_layers=1, num_heads=2, feedforward_channels=32)))\n")
    code = train_tool.main([str(config), '--work-dir', str(tmp_path / 'work'), '--data-root',
                            cifar10_root])
    captured = capsys.readouterr()
    assert code == 2 and not captured.out, captured.out[-2000:]
    assert captured.err == (
        'error: model.backbone: CLAE needs batch statistics: backbone VisionTransformer has no '
        'BatchNorm layer to split into clean and adversarial branches (dual BN, paper Sec. 3.5); '
        'use a BatchNorm backbone, e.g. DualBNResNet_CIFAR, or ResNet_CIFAR with '
        'dual_bn=dict(adv_bn_momentum=0.01)\n')


def test_bad_values_fail_before_the_runner(train_tool, capsys, tmp_path, cifar10_root):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                         'default_hooks.adversarial.eps=nan', before_runner=True)
    assert error.startswith('error: default_hooks.adversarial: eps must be a finite number')


# The training set holds 40 images (5 batch files of 8).
@pytest.mark.parametrize('options, expected', [
    (['train_dataloader.batch_size=64'],  # drop_last=True in the config
     'error: train_dataloader: 40 images make no batch of batch_size=64 with drop_last=True, so '
     'training would take no step; set train_dataloader.batch_size to at most 40'),
    (['train_dataloader.batch_size=13', 'train_dataloader.drop_last=False'],  # 3 x 13 + 1
     'error: train_dataloader: 40 images with batch_size=13 and drop_last=False leave a last '
     'batch of 1 image, on which BatchNorm cannot train'),
])
def test_bad_batch_arithmetic(train_tool, capsys, tmp_path, cifar10_root, options, expected):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root, *options,
                         before_runner=True)
    assert error.startswith(expected), error


def test_batch_arithmetic_is_per_process(train_tool, capsys, tmp_path, cifar10_root, monkeypatch):
    """2 processes: DefaultSampler gives each 20 images; batch 19 leaves 1 on each."""
    monkeypatch.setenv('WORLD_SIZE', '2')
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                         'train_dataloader.batch_size=19', 'train_dataloader.drop_last=False',
                         before_runner=True)
    assert '40 images (20 per process on 2 processes) with batch_size=19' in error


def cifar_with_batch(tmp_path, cifar10_root, name, entry) -> str:
    """A copy of the tiny CIFAR-10 whose batch file ``name`` is ``entry``,
    pickled as CIFAR's python batches are."""
    root = tmp_path / 'bad'
    shutil.copytree(cifar10_root, root)
    with open(root / 'cifar-10-batches-py' / name, 'wb') as f:
        pickle.dump(entry, f)
    return str(root)


def _images(n):
    return np.zeros((n, 3072), dtype=np.uint8)


@pytest.mark.parametrize('batch, entry, problem', [
    ('data_batch_2', {'data': _images(8), 'labels': [0] * 7 + [10]},
     'label 10 at index 7 is not a class index 0..9'),
    ('data_batch_2', {'data': _images(8), 'labels': [-1] + [0] * 7},
     'label -1 at index 0 is not a class index 0..9'),
    ('data_batch_2', {'data': _images(8), 'labels': [3.5] + [0] * 7},
     'label 3.5 at index 0 is not an integer'),
    ('data_batch_2', {'data': _images(8), 'labels': ['3'] + [0] * 7},
     "label '3' at index 0 is not an integer"),
    ('data_batch_2', {'data': _images(0), 'labels': []}, 'it holds no image'),
    ('data_batch_2', {'data': _images(8), 'labels': [0] * 6}, '8 images but 6 labels'),
    # the kNN query set: caught before training, not after the first epoch
    ('test_batch', {'data': _images(8), 'labels': [0] * 7 + [12]},
     'label 12 at index 7 is not a class index 0..9'),
])
def test_bad_labels_fail_when_the_dataset_loads(train_tool, capsys, tmp_path, cifar10_root,
                                                batch, entry, problem):
    root = cifar_with_batch(tmp_path, cifar10_root, batch, entry)
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), root, before_runner=True)
    path = osp.join(root, 'cifar-10-batches-py', batch)
    assert error == (f'error: CIFAR10 file {path} is malformed ({problem}); re-extract the '
                     'python version of the dataset')


def test_fashion_mnist_label_out_of_range(tmp_path):
    root = make_fashion_mnist(str(tmp_path), num_train=8, num_test=4)
    _write_idx(osp.join(root, 'train-labels-idx1-ubyte.gz'), np.array([0, 1, 2, 3, 4, 5, 6, 11]))
    with pytest.raises(DatasetNotFoundError, match=r'label 11 at index 7 of '
                       r'train-labels-idx1-ubyte is not a class index 0..9'):
        FashionMNIST(data_root=root, split='train')
    FashionMNIST(data_root=root, split='test')  # the good split still loads


@pytest.mark.parametrize('option, expected', [
    ('randomnes.seed=0', 'unknown config key randomnes (not a config key); did you mean '
     'randomness?'),
    ('model.backbone.depht=18', 'unknown config key model.backbone.depht (DualBNResNet_CIFAR does '
     'not take it); did you mean model.backbone.depth?'),
    ('train_cfg.max_epoch=2', 'unknown config key train_cfg.max_epoch (EpochBasedTrainLoop does '
     'not take it); did you mean train_cfg.max_epochs?'),
    ('optim_wrapper.optimizer.lrr=0.1', 'did you mean optim_wrapper.optimizer.lr?'),
    ('default_hooks.checkpoint.intervall=1', 'did you mean default_hooks.checkpoint.interval?'),
    ('train_dataloader.batch_sise=8', 'did you mean train_dataloader.batch_size?'),
    ('train_dataloader.dataset.pipeline.0.num_viewss=2',
     'did you mean train_dataloader.dataset.pipeline[0].num_views?'),
    ('env_cfg.cpu_malloc_tunning=False', 'did you mean env_cfg.cpu_malloc_tuning?'),
])
def test_unknown_config_keys(train_tool, capsys, tmp_path, cifar10_root, option, expected):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root, option,
                         before_runner=True)
    assert expected in error and error.endswith('Fix it in the config or in --cfg-options')


def test_near_miss_top_level_key_in_a_config_file(train_tool, capsys, tmp_path, cifar10_root):
    config = tmp_path / 'typo.py'
    config.write_text(f"_base_ = [{CONFIG!r}]\nrandomnes = dict(seed=1)\nmy_pipeline = []\n")
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                         config=str(config), before_runner=True)
    assert 'unknown config key randomnes (not a config key); did you mean randomness?' in error


@pytest.mark.parametrize('config', sorted(
    osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    if f'{osp.sep}_base_{osp.sep}' not in p))
def test_every_shipped_config_passes_the_key_check(config):
    register_all_modules()
    cfg = Config.fromfile(osp.join(REPO, config))
    check_config_keys(cfg, cfg.keys())


def test_cfg_options_that_cannot_merge(train_tool, capsys, tmp_path, cifar10_root):
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                         'model.backbone.init_cfg.layer=Conv2d', before_runner=True)
    assert error.startswith('error: --cfg-options cannot be applied: init_cfg=')


def test_missing_config(train_tool, capsys, tmp_path, cifar10_root):
    missing = str(tmp_path / 'no_such_config.py')
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root,
                         config=missing, before_runner=True)
    assert error.startswith(f'error: config {missing} not found; pass the path of a config file')


def _text(path):
    path.write_text('not a checkpoint\n')


def _raw_pickle(path):
    with open(path, 'wb') as f:
        pickle.dump({'state_dict': {'w': [1.0, 2.0]}}, f)


def _python_file(path):
    shutil.copy(osp.join(REPO, 'tools', 'train.py'), path)


@pytest.mark.parametrize('write', [_text, _raw_pickle, _python_file])
@pytest.mark.parametrize('how', ['resume', 'load_from'])
def test_not_a_checkpoint(train_tool, capsys, tmp_path, cifar10_root, write, how):
    path = tmp_path / f'given{write.__name__}.pth'
    write(path)
    options, flags = ([f'load_from={path}'], []) if how == 'load_from' else ([], ['--resume', path])
    error = expect_error(train_tool, capsys, str(tmp_path / 'work'), cifar10_root, *options,
                         flags=[str(f) for f in flags])
    assert error.startswith(f'error: checkpoint {path} is not a torch checkpoint'), error
    assert 'Please file an issue' not in error


@pytest.mark.parametrize('arguments, expected', [
    (['--k', '0'], 'KNNAccuracy: k must be >= 1, got 0'),
    (['--sigma', 'nan'], 'KNNAccuracy: sigma must be a finite number > 0, got nan'),
    (['--sigma', '0'], 'KNNAccuracy: sigma must be a finite number > 0, got 0.0'),
])
def test_knn_eval_arguments_that_cannot_work(capsys, tmp_path, arguments, expected):
    """A NaN sigma voted with NaN weights (chance-level top-1, exit 0); k=0 failed after the
    runner was built. One line now, before the checkpoint is read."""
    checkpoint = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': {}}, checkpoint)
    work_dir = tmp_path / 'work'
    assert load_tool('benchmarks/knn_eval.py').main([CONFIG, str(checkpoint), '--work-dir', str(work_dir),
                                       *arguments]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"error: {expected}; pass another value (the tool's argument, or "
                            "the KNNAccuracy of the config's test_evaluator)\n")
    # before the runner: no work dir, no log; stdout holds only where the config came from
    assert not work_dir.exists() and len(captured.out.splitlines()) <= 1, captured.out
