"""view_forward='joint' (mmpretrain's SimCLR): the two views are one forward of
2B images, so BN normalises them with their mixed statistics; 'per_view' (the
authors') forwards each view alone."""
import copy

import torch

from clae_mm.models.utils import AdversarialAugmentation
from clae_mm.registry import MODELS
from tests.model_utils import tiny_clae, two_views


def backbone_batches(model):
    batches = []
    model.backbone.register_forward_hook(lambda module, args, out: batches.append(args[0].shape[0]))
    return batches


def test_joint_is_one_forward_of_both_views_with_their_mixed_bn_statistics():
    torch.manual_seed(0)
    joint = tiny_clae('simclr', view_forward='joint')
    reference = copy.deepcopy(joint)
    view1, view2 = two_views(batch=8)
    batches = backbone_batches(joint)
    loss = joint.loss([view1, view2])['loss_aug']
    assert batches == [16]
    z1, z2 = reference.embedding(torch.cat([view1, view2])).chunk(2)
    assert torch.equal(loss, reference.head.loss(z1, z2))
    # and the BN buffers took one update with the statistics of all 16 images
    for (name, ours), theirs in zip(joint.named_buffers(), reference.buffers()):
        assert torch.equal(ours, theirs), name


def test_per_view_normalises_each_view_alone():
    torch.manual_seed(0)
    per_view = tiny_clae('simclr')
    joint = copy.deepcopy(per_view)
    joint.view_forward = 'joint'
    batches = backbone_batches(per_view)
    views = two_views(batch=8)
    separate, mixed = per_view.loss(views)['loss_aug'], joint.loss(views)['loss_aug']
    assert batches == [8, 8]
    assert not torch.allclose(separate, mixed)  # BN statistics per view vs over both


def test_joint_with_an_attack_and_from_a_config():
    model = MODELS.build(dict(
        type='CLAE', view_forward='joint',
        backbone=dict(type='DualBNResNet_CIFAR', depth=18, base_channels=8, stem_channels=8),
        neck=dict(type='ContrastiveProjection', in_channels=64, hid_channels=64, out_channels=16),
        head=dict(type='CLAELoss', method='simclr')))
    model.train()
    model.adversary = AdversarialAugmentation(eps=0.03)
    batches = backbone_batches(model)
    losses = model.loss(two_views(batch=8))
    assert set(losses) == {'loss_aug', 'loss_adv'}
    assert batches == [16, 8, 8]  # both clean views at once, the attack, adv(x1)
