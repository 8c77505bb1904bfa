import pytest
import torch
from mmengine.optim import build_optim_wrapper

from clae_mm.utils import register_all_modules

register_all_modules()


def small_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Flatten(), torch.nn.Linear(144, 2))


def test_forward_runs_in_bf16_and_the_update_needs_no_loss_scaler():
    model = small_model()
    wrapper = build_optim_wrapper(model, dict(type='AutocastOptimWrapper',
                                              optimizer=dict(type='SGD', lr=0.1)))
    before = [p.detach().clone() for p in model.parameters()]
    with wrapper.optim_context(model):
        out = model(torch.randn(2, 3, 8, 8))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().pow(2).mean())
    assert not hasattr(wrapper, 'loss_scaler')
    assert all(p.grad is None for p in model.parameters())  # zero_grad after the step
    assert all(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    # outside the context the model is float32 again
    assert model(torch.randn(2, 3, 8, 8)).dtype == torch.float32


def test_float16_is_refused_with_the_fix():
    with pytest.raises(ValueError, match='AmpOptimWrapper'):
        build_optim_wrapper(small_model(), dict(type='AutocastOptimWrapper', dtype='float16',
                                                optimizer=dict(type='SGD', lr=0.1)))
