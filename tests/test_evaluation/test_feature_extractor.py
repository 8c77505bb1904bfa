import pytest
import torch
from mmengine.dataset import default_collate

from clae_mm.evaluation import extract_features
from clae_mm.evaluation.distributed_gather import gather_rows, shard_bounds
from clae_mm.models.utils.dual_bn import dual_bn_layers
from tests.model_utils import tiny_clae

CIFAR_TEST_SET = dict(type='CIFAR10', split='test', pipeline=[dict(type='PackInputs')])


@pytest.fixture(scope='module')
def model():
    return tiny_clae('simclr')


def test_features_follow_dataset_order_with_labels(model, cifar10_root):
    from clae_mm.registry import DATASETS
    dataset = DATASETS.build(dict(CIFAR_TEST_SET, data_root=cifar10_root))
    feats, labels = extract_features(model, dataset, stage='backbone', batch_size=3)
    assert feats.shape == (8, 64) and feats.dtype == torch.float32 and feats.device.type == 'cpu'
    assert labels.dtype == torch.int64
    assert labels.tolist() == [int(dataset[i]['data_samples'].gt_label) for i in range(8)]
    # Image i gives row i, whatever the batching (eval mode: no batch statistics).
    image = model.data_preprocessor(default_collate([dataset[5]]), training=False)['inputs']
    model.eval()
    with torch.no_grad():
        expected = model.extract_feat(image, stage='backbone')
    model.train()
    torch.testing.assert_close(feats[5:6], expected, rtol=1e-4, atol=1e-5)


def test_stage_choice_and_config_dict(model, cifar10_root):
    embedding, _ = extract_features(model, dict(CIFAR_TEST_SET, data_root=cifar10_root))
    assert embedding.shape == (8, 16)
    torch.testing.assert_close(embedding.norm(dim=1), torch.ones(8))
    with pytest.raises(ValueError, match='stage'):
        extract_features(model, dict(CIFAR_TEST_SET, data_root=cifar10_root), stage='neck')


def test_clean_bns_in_eval_mode_and_modes_restored(model, cifar10_root):
    """Scoring never updates BN statistics, uses the clean branch, and gives
    every submodule its own previous mode back (a frozen part stays frozen)."""
    model.train()
    model.neck.eval()
    layers = list(dual_bn_layers(model))
    layers[0].route_adversarial = True
    buffers = {k: v.clone() for k, v in model.state_dict().items()}
    routed, _ = extract_features(model, dict(CIFAR_TEST_SET, data_root=cifar10_root))
    assert model.training and model.backbone.training and not model.neck.training
    assert layers[0].route_adversarial  # restored as it was
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in buffers.items())
    layers[0].route_adversarial = False
    clean, _ = extract_features(model, dict(CIFAR_TEST_SET, data_root=cifar10_root))
    assert torch.equal(routed, clean)
    model.train()


@pytest.mark.parametrize('num_samples', [0, 1, 7, 45, 50_000])
@pytest.mark.parametrize('world_size', [1, 2, 3, 8])
def test_shards_cover_every_index_once(num_samples, world_size):
    covered = []
    for rank in range(world_size):
        start, end = shard_bounds(num_samples, rank, world_size)
        covered.extend(range(start, end))
    assert covered == list(range(num_samples))


def test_gather_rows_is_identity_on_one_process():
    rows = torch.randn(5, 3)
    assert gather_rows(rows) is rows
