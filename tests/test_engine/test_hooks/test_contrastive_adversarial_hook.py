from types import SimpleNamespace

import pytest

from clae_mm.engine.hooks import ContrastiveAdversarialHook


def test_sets_the_adversary_of_the_model_every_iteration():
    model = SimpleNamespace(adversary=None)
    runner = SimpleNamespace(model=model, iter=4)
    hook = ContrastiveAdversarialHook(eps=0.03, alpha=0.5, attack='pgd', attack_cfg=dict(steps=3),
                                      gain_interval=5)
    hook.before_train_iter(runner, batch_idx=4)
    adversary = model.adversary
    assert (adversary.eps, adversary.alpha, adversary.attack) == (0.03, 0.5, 'pgd')
    assert adversary.attack_cfg == dict(steps=3) and adversary.measure_gain  # iteration 5 of 5
    runner.iter = 5
    hook.before_train_iter(runner, batch_idx=5)
    assert not model.adversary.measure_gain
    hook.after_train(runner)
    assert model.adversary is None


@pytest.mark.parametrize('settings', [dict(eps=0.0), dict(eps=0.03, alpha=0.0)])
def test_eps_or_alpha_zero_hands_no_adversary(settings):
    hook = ContrastiveAdversarialHook(**settings)
    assert all(hook.adversary_at(i) is None for i in range(3))


def test_eps_warmup_ramps_linearly():
    hook = ContrastiveAdversarialHook(eps=0.04, eps_warmup_iters=4)
    assert hook.adversary_at(0) is None
    assert hook.adversary_at(2).eps == pytest.approx(0.02)
    assert hook.adversary_at(10).eps == pytest.approx(0.04)


@pytest.mark.parametrize('bad, message', [(dict(eps=-0.03), 'eps must be >= 0'),
                                          (dict(alpha=-1.0), 'alpha must be >= 0'),
                                          (dict(attack='deepfool'), 'unknown attack'),
                                          (dict(space='hsv'), 'unknown attack space')])
def test_bad_settings_fail_when_the_hook_is_built(bad, message):
    with pytest.raises(ValueError, match=message):
        ContrastiveAdversarialHook(**bad)
