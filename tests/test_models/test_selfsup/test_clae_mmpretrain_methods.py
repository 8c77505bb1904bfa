"""CLAE variants of mmpretrain's MoCo v2, BYOL, SimSiam and Barlow Twins
(clae_mm/models/selfsup/clae_{moco,byol,simsiam,barlowtwins}.py over the shared
AdversarialTrainingMixin), built from the configs' model bases at width 8.

What is proven: with no adversary each is mmpretrain's own algorithm (loss,
gradients, queue, EMA, BN buffers); the attack changes no queue, momentum/EMA
network or counter (exact pointer and step counts after N iterations), forms no
parameter gradient, and adds exactly one attack forward and one L_adv forward
of the online encoder; the momentum/target networks see only clean views
unless ``adversarial_branch='target'``; every BN of the online network is dual;
a LayerNorm-only backbone is refused at build time in one line.
"""
import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from torch.nn.modules.batchnorm import _BatchNorm

from clae_mm.models.utils import AdversarialAugmentation, DualBatchNorm
from clae_mm.registry import MODELS
from tests.model_utils import NORMALISATION, tiny_clae, two_views  # noqa: F401 (registers modules)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
BATCH = 8
QUEUE = 4 * BATCH
# The method, its mmpretrain class, and the width-8 sizes of its model base.
METHODS = {
    'mocov2': ('MoCo', dict(queue_len=QUEUE, feat_dim=16, neck=dict(hid_channels=32, out_channels=16))),
    'byol': ('BYOL', dict(neck=dict(hid_channels=32, out_channels=16),
                          head=dict(predictor=dict(in_channels=16, hid_channels=32, out_channels=16)))),
    'simsiam': ('SimSiam', dict(neck=dict(hid_channels=32, out_channels=16),
                                head=dict(predictor=dict(in_channels=16, hid_channels=8, out_channels=16)))),
    'barlowtwins': ('BarlowTwins', dict(neck=dict(hid_channels=32, out_channels=16),
                                        head=dict(in_channels=16))),
}
# (method, adversarial_branch): the default of each, and the option of MoCo and BYOL.
VARIANTS = [('mocov2', 'online'), ('mocov2', 'target'), ('byol', 'online'), ('byol', 'target'),
            ('simsiam', None), ('barlowtwins', None)]
MOMENTUM_NET = {'mocov2': 'encoder_k', 'byol': 'target_net'}


@pytest.fixture(autouse=True)
def max_iters():
    """CosineEMA (BYOL's target) reads the run's length from the message hub."""
    MessageHub.get_current_instance().update_info('max_iters', 100)


def model_cfg(method: str, dual: bool = True, branch=None) -> dict:
    cfg = Config.fromfile(osp.join(REPO, f'configs/_base_/models/{method}_r18_cifar.py'))
    cfg.merge_from_dict(dict(model=dict(backbone=dict(base_channels=8, stem_channels=8),
                                        neck=dict(in_channels=64))))
    cfg.merge_from_dict(dict(model=METHODS[method][1]))
    model = cfg.model.to_dict()
    if not dual:
        model['backbone']['type'] = 'ResNet_CIFAR'
        model['dual_bn'] = None
    if branch is not None:
        model['adversarial_branch'] = branch
    model['data_preprocessor'] = dict(NORMALISATION)
    return model


def tiny(method: str, dual: bool = True, branch=None):
    torch.manual_seed(0)
    model = MODELS.build(model_cfg(method, dual, branch))
    model.init_weights()
    return model.train()


def views(seed: int = 0):
    return two_views(batch=BATCH, seed=seed)


def grads(model):
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


def clean_buffers(model):
    """Every buffer but the adversarial BN branches' (which the attack updates)."""
    return {k: v.clone() for k, v in model.named_buffers() if '.adversarial.' not in k}


# --------------------------------------------------------------------------- #
@pytest.mark.parametrize('method', list(METHODS))
def test_without_adversary_it_is_mmpretrains_algorithm(method):
    """Plain BNs and no adversary: the same loss, gradients, queue, EMA and BN
    buffers as mmpretrain's own class, over two iterations."""
    ours = tiny(method, dual=False)
    cfg = model_cfg(method, dual=False)
    for key in ('dual_bn', 'adversarial_branch'):
        cfg.pop(key, None)
    cfg['type'] = f'mmpretrain.{METHODS[method][0]}'
    theirs = MODELS.build(cfg).train()
    theirs.load_state_dict(ours.state_dict())
    for iteration in range(2):
        batch = views(seed=iteration)
        torch.manual_seed(10 + iteration)  # MoCo's shuffle BN draws a permutation
        our_loss = ours.loss([v.clone() for v in batch])
        torch.manual_seed(10 + iteration)
        their_loss = theirs.loss([v.clone() for v in batch], None)
        assert set(our_loss) == {'loss_aug'}
        assert torch.allclose(our_loss['loss_aug'], their_loss['loss'], atol=1e-6, rtol=1e-6)
        our_loss['loss_aug'].backward()
        their_loss['loss'].backward()
    ours_grads, their_grads = grads(ours), grads(theirs)
    assert ours_grads.keys() == their_grads.keys() and ours_grads
    for name in ours_grads:
        assert torch.allclose(ours_grads[name], their_grads[name], atol=1e-6, rtol=1e-5), name
    ours_buffers, their_buffers = dict(ours.named_buffers()), dict(theirs.named_buffers())
    assert ours_buffers.keys() == their_buffers.keys()
    for name in ours_buffers:
        assert torch.allclose(ours_buffers[name].float(), their_buffers[name].float(), atol=1e-6), name


@pytest.mark.parametrize('method,branch', VARIANTS)
def test_attack_leaves_queue_ema_and_clean_statistics_as_the_baseline(method, branch):
    """N iterations with a PGD adversary (several attack forwards, and the gain
    measurement) against the same model without one: the queue pointer and the
    EMA step counter are exactly the baseline's (one batch, one update per
    iteration), and the queue, the momentum/target network and every clean BN
    buffer (online, momentum/target and Barlow Twins' loss BN) match."""
    clae = tiny(method, branch=branch)
    baseline = copy.deepcopy(clae)
    adversary = AdversarialAugmentation(eps=0.03, attack='pgd', attack_cfg=dict(steps=2),
                                        measure_gain=True)
    iterations = 3
    for iteration in range(iterations):
        batch = views(seed=iteration)
        clae.adversary = adversary
        losses = clae.loss([v.clone() for v in batch])
        assert set(losses) == {'loss_aug', 'loss_adv', 'attack_gain'}
        baseline.loss([v.clone() for v in batch])
    if method == 'mocov2':
        assert int(clae.queue_ptr) == int(baseline.queue_ptr) == iterations * BATCH % QUEUE
        assert torch.allclose(clae.queue, baseline.queue, atol=1e-6)
    if method in MOMENTUM_NET:
        ours, theirs = getattr(clae, MOMENTUM_NET[method]), getattr(baseline, MOMENTUM_NET[method])
        assert int(ours.steps) == int(theirs.steps) == iterations
        for (name, p), q in zip(ours.module.named_parameters(), theirs.module.parameters()):
            assert torch.equal(p, q), name  # the EMA of the same online weights
    ours, theirs = clean_buffers(clae), clean_buffers(baseline)
    assert ours.keys() == theirs.keys()
    for name in ours:
        assert torch.allclose(ours[name].float(), theirs[name].float(), atol=1e-5), name


@pytest.mark.parametrize('method,branch', VARIANTS)
def test_attack_gradient_reaches_the_input_only(method, branch):
    """loss() runs the attack (an FGSM step of exactly eps on the input) but
    leaves every parameter's .grad as it was: set ones unchanged, unset ones unset."""
    model = tiny(method, branch=branch)
    names = [n for n, _ in model.named_parameters() if _.requires_grad]
    preset = {n: torch.randn_like(p) for n, p in model.named_parameters() if n in names[::2]}
    for name, p in model.named_parameters():
        p.grad = preset[name].clone() if name in preset else None
    captured = {}
    original = model.adversarial_views

    def spy(view, adversary, anchor=None):
        captured['view'], out = view, original(view, adversary, anchor=anchor)
        captured['adv'] = out[0]
        return out

    model.adversarial_views = spy
    model.adversary = AdversarialAugmentation(eps=0.03)
    model.loss(views())
    step = (captured['adv'] - captured['view']).abs()
    assert torch.allclose(step.max(), torch.tensor(0.03)) and (step > 0.029).float().mean() > 0.9
    for name, p in model.named_parameters():
        if name in preset:
            assert torch.equal(p.grad, preset[name]), name
        else:
            assert p.grad is None, name


@pytest.mark.parametrize('method,branch', VARIANTS)
def test_l_adv_is_weighted_by_alpha_and_trains_the_right_branch(method, branch):
    torch.manual_seed(0)
    model = tiny(method, branch=branch)
    twin = copy.deepcopy(model)
    model.adversary = AdversarialAugmentation(eps=0.03, alpha=1.0)
    twin.adversary = AdversarialAugmentation(eps=0.03, alpha=0.5)
    torch.manual_seed(1)
    losses = model.loss(views())
    torch.manual_seed(1)
    assert torch.allclose(twin.loss(views())['loss_adv'], 0.5 * losses['loss_adv'], atol=1e-6)
    assert set(losses) == {'loss_aug', 'loss_adv'} and torch.isfinite(losses['loss_adv'])
    losses['loss_adv'].backward()
    adversarial_grads = [p.grad for n, p in model.named_parameters()
                         if '.adversarial.' in n and p.grad is not None]
    # The adversarial BNs learn from L_adv when the online branch sees x1_adv;
    # with the target/momentum network seeing it, no gradient reaches one.
    if branch == 'target':
        assert not adversarial_grads
    else:
        assert adversarial_grads and any(g.abs().sum() > 0 for g in adversarial_grads)


def backbone_forwards(module):
    calls = []
    module.register_forward_hook(lambda *args: calls.append(1))
    return calls


@pytest.mark.parametrize('method,branch', VARIANTS)
def test_clae_adds_one_attack_forward_and_one_l_adv_forward(method, branch):
    """The attack costs one adversarial forward (and an input-only backward), L_adv
    one more; MoCo's online branch also needs the momentum key of x1."""
    for adversary in (None, AdversarialAugmentation(eps=0.03)):
        model = tiny(method, branch=branch)
        model.adversary = adversary
        online = backbone_forwards(model.backbone)
        momentum = backbone_forwards(getattr(model, MOMENTUM_NET[method]).module[0]) \
            if method in MOMENTUM_NET else []
        model.loss(views())
        clean_online = 1 if method == 'mocov2' else 2  # MoCo: the query x1 only
        clean_momentum = {'mocov2': 1, 'byol': 2}.get(method, 0)
        if adversary is None:
            assert (len(online), len(momentum)) == (clean_online, clean_momentum)
        elif branch == 'target':
            assert (len(online), len(momentum)) == (clean_online, clean_momentum + 2)
        else:
            extra_key = 1 if method == 'mocov2' else 0
            assert (len(online), len(momentum)) == (clean_online + 2, clean_momentum + extra_key)


def rows_of_clean_views(x, batch):
    """Each row of x is a row of one of the clean views (MoCo shuffles rows)."""
    clean = torch.cat(batch).flatten(1)
    return all((clean == row.flatten()).all(1).any() for row in x)


@pytest.mark.parametrize('method,branch', [v for v in VARIANTS if v[0] in MOMENTUM_NET])
def test_momentum_network_sees_clean_views_unless_the_option_says_otherwise(method, branch):
    model = tiny(method, branch=branch)
    seen = []
    getattr(model, MOMENTUM_NET[method]).module.register_forward_pre_hook(
        lambda module, args: seen.append(args[0].detach().clone()))
    batch = views()
    model.adversary = AdversarialAugmentation(eps=0.03)
    model.loss([v.clone() for v in batch])
    clean = [rows_of_clean_views(x, batch) for x in seen]
    if branch == 'online':
        assert all(clean)
    else:
        # The FGSM step's gradient is taken at x1 itself; L_adv forwards x1_adv.
        assert len(clean) == {'mocov2': 3, 'byol': 4}[method] and clean.count(False) == 1


@pytest.mark.parametrize('method', list(METHODS))
def test_every_bn_of_the_online_network_is_dual_and_the_copies_follow(method):
    model = tiny(method)
    online = [model.backbone, model.neck] + ([] if method == 'barlowtwins' else [model.head])
    for module in online:
        inside = {id(m) for d in module.modules() if isinstance(d, DualBatchNorm)
                  for m in (d.clean, d.adversarial)}
        plain = [m for m in module.modules() if isinstance(m, _BatchNorm) and id(m) not in inside]
        assert not plain
    duals = sum(isinstance(m, DualBatchNorm) for module in online for m in module.modules())
    assert duals > (20 if method != 'mocov2' else 19)  # ResNet-18 has 20 BNs; MoCoV2Neck none
    if method in MOMENTUM_NET:
        copy_ = getattr(model, MOMENTUM_NET[method]).module
        online_names = [n for n, _ in torch.nn.Sequential(model.backbone, model.neck).named_buffers()]
        assert [n for n, _ in copy_.named_buffers()] == online_names


@pytest.mark.parametrize('method', list(METHODS))
def test_fast_and_reference_attacks_agree(method):
    """The shared attack's two schedules (input-only gradient, or the authors'
    backward into the parameters) make the same adversarial view and losses."""
    results = {}
    for schedule in ('fast', 'reference'):
        model = tiny(method)
        model.schedule = schedule
        model.adversary = AdversarialAugmentation(eps=0.03)
        captured = {}
        original = model.adversarial_views

        def spy(view, adversary, anchor=None, original=original, captured=captured):
            out = original(view, adversary, anchor=anchor)
            captured['adv'] = out[0]
            return out

        model.adversarial_views = spy
        torch.manual_seed(1)
        results[schedule] = (model.loss(views()), captured['adv'])
    (fast, fast_adv), (reference, reference_adv) = results['fast'], results['reference']
    assert torch.equal(fast_adv, reference_adv)
    for key in ('loss_aug', 'loss_adv'):
        assert torch.allclose(fast[key], reference[key], atol=1e-6), key


LAYERNORM_ONLY = dict(type='mmpretrain.VisionTransformer', img_size=16, patch_size=8,
                      arch=dict(embed_dims=16, num_layers=1, num_heads=2, feedforward_channels=32))


@pytest.mark.parametrize('method', ['clae'] + list(METHODS))
def test_layernorm_only_backbone_is_refused_at_build_time_in_one_line(method):
    if method == 'clae':
        cfg = dict(type='CLAE', backbone=LAYERNORM_ONLY, dual_bn=dict(adv_bn_momentum=0.01),
                   neck=dict(type='ContrastiveProjection', in_channels=16, out_channels=8),
                   head=dict(type='CLAELoss', method='simclr'))
    else:
        cfg = model_cfg(method)
        cfg['backbone'] = LAYERNORM_ONLY
    with pytest.raises(ValueError) as error:
        MODELS.build(cfg)
    message = str(error.value)
    assert 'CLAE needs batch statistics' in message and 'VisionTransformer' in message
    assert 'DualBNResNet_CIFAR' in message and '\n' not in message


@pytest.mark.parametrize('method,branch', [('mocov2', 'targt'), ('simsiam', 'target')])
def test_an_adversarial_branch_the_method_lacks_is_refused_at_build_time(method, branch):
    # MoCo and BYOL have a momentum/target network for x1_adv; SimSiam, Barlow
    # Twins and CLAE only the online one.
    with pytest.raises(ValueError, match=r"adversarial_branch must be one of \('online'"):
        MODELS.build(model_cfg(method, branch=branch))
