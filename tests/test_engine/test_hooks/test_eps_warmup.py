"""eps_warmup_iters, set from a config: the perturbations the model makes grow
linearly from 0 to eps over the first iterations of training (by the global
iteration, so a resumed run goes on along the ramp)."""
from types import SimpleNamespace

import pytest

from clae_mm.registry import HOOKS
from tests.model_utils import tiny_clae, two_views


def test_the_perturbation_grows_linearly_over_the_warm_up():
    hook = HOOKS.build(dict(type='ContrastiveAdversarialHook', eps=0.04, eps_warmup_iters=4,
                            gain_interval=0))
    model = tiny_clae('simclr')
    sizes = []
    original = model.adversarial_views

    def measure(view, adversary, *args, **kwargs):
        adversarial, stats = original(view, adversary, *args, **kwargs)
        sizes.append((adversarial - view).abs().max().item())
        return adversarial, stats

    model.adversarial_views = measure
    runner = SimpleNamespace(model=model, iter=0)
    logged = []
    for iteration in range(6):
        runner.iter = iteration
        hook.before_train_iter(runner, batch_idx=iteration)
        logged.append(set(model.loss(two_views(batch=4, seed=iteration))))
    # iteration 0: eps 0, the baseline step (no attack, no L_adv); FGSM moves
    # every pixel by exactly eps in the normalised space, so the largest
    # change is the iteration's eps: 0.01, 0.02, 0.03, then 0.04 from the end
    # of the warm-up on.
    assert logged[0] == {'loss_aug'} and all('loss_adv' in keys for keys in logged[1:])
    assert sizes == pytest.approx([0.01, 0.02, 0.03, 0.04, 0.04], abs=1e-6)


def test_a_resumed_run_continues_the_ramp():
    hook = HOOKS.build(dict(type='ContrastiveAdversarialHook', eps=0.04, eps_warmup_iters=4))
    model = SimpleNamespace(adversary=None)
    hook.before_train_iter(SimpleNamespace(model=model, iter=3), batch_idx=0)  # first of a resume
    assert model.adversary.eps == pytest.approx(0.03)
