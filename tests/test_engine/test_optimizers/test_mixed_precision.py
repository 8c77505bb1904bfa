"""--amp: bfloat16 autocast on the CPU (and GPUs with bf16), float16 with a loss
scale on older GPUs; the CLAE step in bf16 against float32 within a stated
tolerance."""
import copy
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.optim import build_optim_wrapper

from clae_mm.engine.optimizers import mixed_precision_optim_wrapper
from clae_mm.models.utils.adversarial_augmentation import AdversarialAugmentation
from tests.conftest import REPO
from tests.model_utils import tiny_clae, two_views

SGD = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1), clip_grad=dict(max_norm=5))

# bf16 keeps 8 significant bits: at the same weights the loss terms of the
# tiny network agree with float32 to 0.2-0.7 % (measured), the whole
# parameter gradient points the same way with cosine 0.86-0.90 (its terms are
# small differences of large ones at initialisation). The bounds leave margin.
LOSS_RTOL = 1e-2
GRADIENT_MIN_COSINE = 0.8


def test_cpu_gets_bfloat16_autocast_without_a_loss_scale():
    cfg = mixed_precision_optim_wrapper(dict(SGD, loss_scale='dynamic'), 'cpu')
    assert cfg == dict(type='AutocastOptimWrapper', dtype='bfloat16',
                       optimizer=SGD['optimizer'], clip_grad=SGD['clip_grad'])


def test_gpus_without_bfloat16_get_float16_with_a_dynamic_loss_scale(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported', lambda *a, **k: False)
    assert mixed_precision_optim_wrapper(SGD, 'cuda') == dict(
        type='AmpOptimWrapper', dtype='float16', loss_scale='dynamic',
        optimizer=SGD['optimizer'], clip_grad=SGD['clip_grad'])
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported', lambda *a, **k: True)
    assert mixed_precision_optim_wrapper(SGD, 'cuda')['type'] == 'AutocastOptimWrapper'


def test_train_py_amp_selects_it():
    spec = importlib.util.spec_from_file_location('clae_train_tool_amp',
                                                  osp.join(REPO, 'tools', 'train.py'))
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    config = osp.join(REPO, 'configs/clae/plain_r18_cifar10.py')
    cfg = train.merge_args(train.load_config(config), train.parse_args([config, '--amp']))
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    assert cfg.optim_wrapper == mixed_precision_optim_wrapper(
        train.load_config(config).optim_wrapper, device)


@pytest.mark.parametrize('method', ['simclr', 'plain', 'uel'])
def test_a_bfloat16_clae_step_matches_float32(method):
    torch.manual_seed(0)
    initial = tiny_clae(method)
    results = {}
    for precision, wrapper_cfg in (('fp32', SGD), ('bf16', mixed_precision_optim_wrapper(SGD, 'cpu'))):
        model = copy.deepcopy(initial)
        model.adversary = AdversarialAugmentation(eps=0.03)
        wrapper = build_optim_wrapper(model, wrapper_cfg)
        feature_dtypes = []
        hook = model.backbone.register_forward_hook(
            lambda module, args, out: feature_dtypes.append(out[-1].dtype))
        views = [v * 40 + 120 for v in two_views(16, 16)]
        with wrapper.optim_context(model):
            data = model.data_preprocessor(dict(inputs=views, data_samples=None), True)
            losses = model.loss(data['inputs'], data['data_samples'])
        hook.remove()
        loss, _ = model.parse_losses(losses)
        loss.backward()
        gradient = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])
        results[precision] = (losses, gradient, set(feature_dtypes))
    (fp32_losses, fp32_gradient, fp32_dtypes), (bf16_losses, bf16_gradient, bf16_dtypes) = \
        results['fp32'], results['bf16']
    assert fp32_dtypes == {torch.float32} and bf16_dtypes == {torch.bfloat16}
    assert set(bf16_losses) == {'loss_aug', 'loss_adv'}
    for name, value in bf16_losses.items():
        assert value.dtype == torch.float32  # the loss itself is computed in float32
        torch.testing.assert_close(value, fp32_losses[name], rtol=LOSS_RTOL, atol=0)
    cosine = torch.nn.functional.cosine_similarity(fp32_gradient, bf16_gradient, dim=0)
    assert cosine > GRADIENT_MIN_COSINE
