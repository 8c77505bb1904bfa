import pytest
import torch

from clae_mm.evaluation import carve_validation_split


def test_split_is_disjoint_complete_and_seeded():
    train, val = carve_validation_split(50, 0.2, seed=3)
    assert len(val) == 10 and len(train) == 40
    assert sorted(torch.cat([train, val]).tolist()) == list(range(50))
    again_train, again_val = carve_validation_split(50, 0.2, seed=3)
    assert torch.equal(val, again_val) and torch.equal(train, again_train)
    assert not torch.equal(val, carve_validation_split(50, 0.2, seed=4)[1])


def test_split_keeps_at_least_one_image_on_each_side():
    assert len(carve_validation_split(5, 0.01)[1]) == 1
    with pytest.raises(ValueError, match='fraction'):
        carve_validation_split(5, 1.0)
    with pytest.raises(ValueError, match='no training image'):
        carve_validation_split(1, 0.5)
