"""The fused finiteness check: exact, although its fast path can overflow."""
import torch

from clae_mm.utils.finite import all_finite, describe, finite_flag, nonfinite_names


def test_huge_finite_values_are_finite():
    huge = torch.tensor([1e20, -3e38, 2.0])  # the sum of squares overflows float32
    assert not bool(finite_flag([huge]))      # the fast path trips ...
    assert all_finite([huge])                 # ... and the confirmation clears it


def test_nan_and_inf_are_found_in_any_dtype():
    ones = [torch.ones(3), torch.ones(2, dtype=torch.float64), torch.ones(2, dtype=torch.bfloat16)]
    assert all_finite(ones)
    for bad in (float('nan'), float('inf'), -float('inf')):
        tensor = torch.ones(2, dtype=torch.float64)
        tensor[1] = bad
        assert not all_finite(ones + [tensor])
        assert nonfinite_names([('w', ones[0]), ('b', tensor)]) == [f'b={bad:g}']


def test_integer_empty_and_missing_tensors_are_finite():
    assert all_finite([torch.tensor([3]), torch.empty(0), None])  # num_batches_tracked, no grad
    assert nonfinite_names([('count', torch.tensor([3]))]) == []


def test_describe_shortens_long_lists():
    assert describe(['a=nan', 'b=inf']) == 'a=nan, b=inf'
    assert describe(['a', 'b', 'c', 'd', 'e']) == 'a, b, c and 2 more'
