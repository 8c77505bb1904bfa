import pytest
import torch

from clae_mm.models.utils import AdversarialAugmentation
from tests.model_utils import tiny_clae, two_views


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return tiny_clae('simclr')


def test_fgsm_moves_every_element_by_exactly_eps(model):
    x = two_views()[0]
    adv, _ = model.adversarial_views(x, AdversarialAugmentation(eps=0.03))
    delta = (adv - x).abs()
    assert torch.allclose(delta, torch.full_like(delta, 0.03), atol=1e-6)


@pytest.mark.parametrize('attack', ['pgd', 'rfgsm', 'ffgsm'])
def test_iterative_and_random_start_attacks_stay_in_the_ball(model, attack):
    x = two_views()[0]
    adv, _ = model.adversarial_views(
        x, AdversarialAugmentation(eps=0.05, attack=attack, attack_cfg=dict(steps=3) if attack == 'pgd' else {}))
    assert (adv - x).abs().max() <= 0.05 + 1e-6
    assert (adv - x).abs().max() > 0.01


def test_pixel_space_attack_is_clamped_to_the_image_range(model):
    mean = model.data_preprocessor.mean / 255
    std = model.data_preprocessor.std / 255
    pixels = torch.rand(8, 3, 16, 16)
    pixels[:, :, :4] = 1.0  # saturated pixels cannot go up
    x = (pixels - mean) / std
    adv, _ = model.adversarial_views(x, AdversarialAugmentation(eps=2 / 255, space='pixel'))
    adv_pixels = adv * std + mean
    assert adv_pixels.min() >= -1e-6 and adv_pixels.max() <= 1 + 1e-6
    assert ((adv_pixels - pixels).abs() <= 2 / 255 + 1e-6).all()


def test_attack_raises_the_contrastive_loss_more_than_random_noise(model):
    """Fig. 3a: adversarial perturbations raise L_cl more than random sign
    perturbations of the same size."""
    eps = 0.05
    x = two_views(batch=16)[0]
    before = model.attack_loss(x, x)
    adv, _ = model.adversarial_views(x, AdversarialAugmentation(eps=eps))
    after = model.attack_loss(x, adv)
    random = torch.stack([model.attack_loss(x, x + eps * torch.randn_like(x).sign())
                          for _ in range(5)]).mean()
    assert after > before
    assert after > random


def test_no_parameter_gradient_survives_the_attack(model):
    model.zero_grad(set_to_none=True)
    model.adversarial_views(two_views()[0], AdversarialAugmentation(eps=0.03, attack='pgd',
                                                                    attack_cfg=dict(steps=2)))
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize('bad', [dict(eps=-0.1), dict(alpha=-1), dict(attack='cw'), dict(space='lab')])
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValueError):
        AdversarialAugmentation(**bad)
