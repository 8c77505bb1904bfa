import os.path as osp

import pytest
import torch
from mmengine.config import Config

from clae_mm.registry import MODELS
from clae_mm.utils import CLAEError
from clae_mm.utils.checkpoint import build_model_from_checkpoint, load_checkpoint_strict
from tests.conftest import REPO, TINY_ENCODER
from tests.model_utils import tiny_clae


def save(tmp_path, state_dict, name='ckpt.pth'):
    path = str(tmp_path / name)
    torch.save(dict(meta=dict(epoch=3, seed=7), state_dict=state_dict), path)
    return path


def test_matching_checkpoint_loads_every_tensor(tmp_path):
    trained = tiny_clae('simclr')
    path = save(tmp_path, trained.state_dict())
    fresh = tiny_clae('simclr')
    checkpoint = load_checkpoint_strict(fresh, path)
    assert checkpoint['meta'] == dict(epoch=3, seed=7)
    assert all(torch.equal(v, fresh.state_dict()[k]) for k, v in trained.state_dict().items())


@pytest.mark.parametrize('rename, hint', [
    (lambda k: k.replace('backbone.', '', 1), "lack the prefix 'backbone.'"),
    (lambda k: 'module.' + k, "extra prefix 'module.'"),
])
def test_prefix_mismatch_is_refused_with_the_keys(tmp_path, rename, hint):
    model = tiny_clae('simclr')
    path = save(tmp_path, {rename(k): v for k, v in model.state_dict().items()})
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(CLAEError, match=r'missing keys \(backbone') as error:
        load_checkpoint_strict(model, path)
    assert hint in str(error.value) and 'unexpected keys' in str(error.value)
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())  # untouched


def test_other_architecture_is_refused(tmp_path):
    plain_bn = save(tmp_path, tiny_clae('simclr', dual=False).state_dict(), 'plain.pth')
    with pytest.raises(CLAEError, match=r'missing keys \(.*\.clean\.'):
        load_checkpoint_strict(tiny_clae('simclr'), plain_bn)
    one_layer_neck = save(tmp_path, tiny_clae('plain').state_dict(), 'plain_neck.pth')
    with pytest.raises(CLAEError, match='unexpected keys|missing keys'):
        load_checkpoint_strict(tiny_clae('simclr'), one_layer_neck)


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(CLAEError, match='not found'):
        load_checkpoint_strict(tiny_clae('simclr'), str(tmp_path / 'nope.pth'))


def test_model_is_built_from_config_and_options(tmp_path):
    config = osp.join(REPO, 'configs/clae/simclr_r18_cifar10.py')
    cfg = Config.fromfile(config)
    cfg.merge_from_dict({o.split('=')[0]: int(o.split('=')[1]) for o in TINY_ENCODER})
    trained = MODELS.build(dict(cfg.model, data_preprocessor=cfg.data_preprocessor))
    path = save(tmp_path, trained.state_dict())
    model, built_cfg, checkpoint = build_model_from_checkpoint(config, path, TINY_ENCODER,
                                                               data_root='/data/x',
                                                               return_checkpoint=True)
    assert not model.training and checkpoint['meta']['seed'] == 7
    assert built_cfg.test_cfg.bank.dataset.data_root == '/data/x'
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in trained.state_dict().items())
    with pytest.raises(CLAEError, match='shape'):
        build_model_from_checkpoint(config, path, TINY_ENCODER[:2] + ['model.neck.in_channels=64',
                                                                     'model.neck.hid_channels=32'])


def test_one_mismatch_message_for_training_and_evaluation():
    """The hook that refuses a --resume/load_from checkpoint and the strict
    loader of the evaluation tools describe a mismatch the same way: counts,
    the first 8 keys of each kind in the model's order, a prefix hint."""
    from clae_mm.utils.checkpoint import describe_mismatch, state_dict_mismatch
    model = {f'backbone.layer{i}.weight': torch.zeros(2) for i in range(10)}
    checkpoint = {f'module.backbone.layer{i}.weight': torch.zeros(2) for i in range(10)}
    message = describe_mismatch(state_dict_mismatch(model, checkpoint))
    shown = ', '.join(f'backbone.layer{i}.weight' for i in range(8))
    assert message.startswith(f'10 missing keys ({shown}, ...); 10 unexpected keys (module.')
    assert message.endswith("; checkpoint keys carry an extra prefix 'module.'")
    assert describe_mismatch(state_dict_mismatch(model, dict(model))) == ''
