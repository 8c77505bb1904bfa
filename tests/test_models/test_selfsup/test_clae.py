import copy

import pytest
import torch

from clae_mm.models.utils import AdversarialAugmentation
from tests.model_utils import tiny_clae, two_views

METHODS = ['plain', 'uel', 'simclr']


def grads(model):
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize('method', METHODS)
def test_fast_schedule_equals_the_authors_passes(method):
    """Same L_aug, L_adv, adversarial images, parameter gradients and BN
    buffers (running statistics and num_batches_tracked, both branches) as the
    reference (the authors') schedule."""
    torch.manual_seed(0)
    fast = tiny_clae(method, schedule='fast')
    reference = copy.deepcopy(fast)
    reference.schedule = 'reference'
    views = two_views()
    results = {}
    for name, model in (('fast', fast), ('reference', reference)):
        model.adversary = AdversarialAugmentation(eps=0.03)
        captured = {}
        original = model.adversarial_views

        def spy(view, adversary, anchor=None, original=original, captured=captured):
            out = original(view, adversary, anchor=anchor)
            captured['adv'] = out[0]
            return out

        model.adversarial_views = spy
        losses = model.loss([v.clone() for v in views])
        (losses['loss_aug'] + losses['loss_adv']).backward()
        results[name] = (losses, captured['adv'], grads(model),
                         {k: v.clone() for k, v in model.named_buffers()})
    (lf, af, gf, bf), (lr, ar, gr, br) = results['fast'], results['reference']
    assert torch.allclose(lf['loss_aug'], lr['loss_aug'], atol=1e-6)
    assert torch.allclose(lf['loss_adv'], lr['loss_adv'], atol=1e-6)
    assert torch.equal(af, ar)
    assert gf.keys() == gr.keys() and len(gf) > 0
    for key in gf:
        assert torch.allclose(gf[key], gr[key], atol=1e-5, rtol=1e-4), key
    assert bf.keys() == br.keys()
    for key in bf:
        assert torch.allclose(bf[key], br[key], atol=1e-6), key
    # The authors forward the attack's query and key, then adv(x1), through the
    # adversarial BNs; Plain's clean BNs see x1, x2 and x1 again, the others x1, x2.
    tracked = {k: v.item() for k, v in bf.items() if k.endswith('num_batches_tracked')}
    assert {v for k, v in tracked.items() if '.adversarial.' in k} == {3}
    assert {v for k, v in tracked.items() if '.clean.' in k} == {3 if method == 'plain' else 2}


def count_backbone_forwards(model):
    calls = []
    model.backbone.register_forward_hook(lambda *args: calls.append(1))
    return calls


@pytest.mark.parametrize('adversary', [None, AdversarialAugmentation(eps=0.0),
                                       AdversarialAugmentation(eps=0.03, alpha=0.0)])
def test_inactive_adversary_is_exactly_the_baseline(adversary):
    torch.manual_seed(0)
    clae = tiny_clae('simclr')
    torch.manual_seed(0)
    baseline = tiny_clae('simclr', dual=False)
    clae.adversary = adversary
    calls = count_backbone_forwards(clae)
    views = two_views()
    ours, theirs = clae.loss(views), baseline.loss(views)
    assert set(ours) == {'loss_aug'}
    assert len(calls) == 2  # x1 and x2 only: no adversarial forward at all
    assert torch.equal(ours['loss_aug'], theirs['loss_aug'])


def test_clae_step_runs_three_encoder_passes_plus_one_for_the_attack():
    clae = tiny_clae('uel')
    clae.adversary = AdversarialAugmentation(eps=0.03)
    calls = count_backbone_forwards(clae)
    losses = clae.loss(two_views())
    assert set(losses) == {'loss_aug', 'loss_adv'}
    assert len(calls) == 4  # x1, x2, attack forward of x1, adv(x1)


def test_joint_view_forward_is_an_option():
    clae = tiny_clae('simclr', view_forward='joint')
    clae.adversary = AdversarialAugmentation(eps=0.03, measure_gain=True)
    losses = clae.loss(two_views())
    assert torch.isfinite(losses['loss_aug']) and torch.isfinite(losses['loss_adv'])
    assert 'attack_gain' in losses


def test_alpha_weights_the_adversarial_term():
    torch.manual_seed(0)
    a = tiny_clae('plain')
    b = copy.deepcopy(a)
    a.adversary = AdversarialAugmentation(eps=0.03, alpha=1.0)
    b.adversary = AdversarialAugmentation(eps=0.03, alpha=0.5)
    views = two_views()
    assert torch.allclose(b.loss(views)['loss_adv'], 0.5 * a.loss(views)['loss_adv'], atol=1e-6)


def test_eval_features_use_the_clean_branch():
    clae = tiny_clae('simclr')
    clae.eval()
    x = two_views()[0]
    before = clae.extract_feat(x, stage='backbone')
    for m in clae.modules():
        if hasattr(m, 'adversarial') and hasattr(m.adversarial, 'running_mean'):
            m.adversarial.running_mean.fill_(3.0)
    assert torch.equal(clae.extract_feat(x, stage='backbone'), before)


def test_clae_without_dual_bn_refuses_an_attack():
    clae = tiny_clae('simclr', dual=False)
    clae.adversary = AdversarialAugmentation(eps=0.03)
    with pytest.raises(RuntimeError, match='dual BN'):
        clae.loss(two_views())


def test_dual_bn_key_converts_any_backbone():
    clae = tiny_clae('simclr', dual=False, dual_bn=dict(adv_bn_momentum=0.05))
    clae.adversary = AdversarialAugmentation(eps=0.03)
    assert torch.isfinite(clae.loss(two_views())['loss_adv'])
    moms = {m.adversarial.momentum for m in clae.modules() if hasattr(m, 'route_adversarial')}
    assert moms == {0.05}


@pytest.mark.parametrize('attack,attack_cfg', [('fgsm', {}), ('pgd', dict(steps=2))])
def test_reference_schedule_leaves_existing_gradients_untouched(attack, attack_cfg):
    """The reference attack backpropagates into the parameters; gradients that
    were there before the step come back with their values, and the step's
    backward then adds exactly what it adds under the fast schedule."""
    torch.manual_seed(0)
    reference = tiny_clae('uel', schedule='reference')
    fast = copy.deepcopy(reference)
    fast.schedule = 'fast'
    existing = {}
    for name, p in reference.named_parameters():
        existing[name] = torch.randn_like(p)
    views = two_views()
    after_step = {}
    for schedule, model in (('reference', reference), ('fast', fast)):
        for name, p in model.named_parameters():
            p.grad = existing[name].clone()
        model.adversary = AdversarialAugmentation(eps=0.03, attack=attack, attack_cfg=attack_cfg)
        torch.manual_seed(1)  # the same random start for PGD
        losses = model.loss([v.clone() for v in views])
        during = grads(model)
        assert during.keys() == existing.keys()
        for name in existing:
            assert torch.equal(during[name], existing[name]), (schedule, name)
        (losses['loss_aug'] + losses['loss_adv']).backward()
        after_step[schedule] = grads(model)
    changed = [n for n in existing if not torch.equal(after_step['reference'][n], existing[n])]
    assert changed  # the step's own backward did add to them
    for name in existing:
        assert torch.allclose(after_step['reference'][name], after_step['fast'][name],
                              atol=1e-5, rtol=1e-4), name
