import os.path as osp
import sys

import torch

from tests.conftest import REPO

sys.path.insert(0, osp.join(REPO, 'tools', 'benchmarks'))
from step_audit import StepAudit  # noqa: E402


def test_counts_host_reads_with_their_line_and_flops_by_dtype():
    x = torch.randn(4, 8)
    w = torch.randn(8, 8, requires_grad=True)
    with StepAudit('cpu') as audit:
        with torch.autocast('cpu', dtype=torch.bfloat16):
            y = x @ w
        y.float().sum().backward()  # the backward matmul runs in bf16 too
        value = y.sum().item()  # noqa: F841 -- one host read, on this line
        if bool((y > 0).any()):  # a second one
            pass
    summary = audit.summary()
    assert summary['host_syncs'] == 2
    sites = list(summary['host_sync_sites'])
    assert all('tests/test_tools/test_step_audit.py:' in site for site in sites), sites
    # forward x@w (2*4*8*8) and the weight gradient x^T @ dy (same size)
    assert summary['flops_by_dtype'] == {'bfloat16': 2 * 2 * 4 * 8 * 8}
    assert summary['low_precision_fraction'] == 1.0


def test_float32_flops_show_a_pass_outside_autocast():
    x, w = torch.randn(4, 8), torch.randn(8, 8)
    with StepAudit('cpu') as audit:
        with torch.autocast('cpu', dtype=torch.bfloat16):
            x @ w
        x @ w
    assert audit.low_precision_fraction() == 0.5


def test_optimizer_step_counters_are_not_counted_on_the_cpu():
    # torch keeps them on the CPU on every device: no GPU synchronisation
    p = torch.nn.Parameter(torch.randn(3))
    optimizer = torch.optim.Adam([p])
    p.sum().backward()
    with StepAudit('cpu') as audit:
        optimizer.step()
    assert audit.summary()['host_syncs'] == 0


def test_on_cuda_only_reads_of_device_tensors_count():
    with StepAudit('cuda') as audit:
        torch.ones(2).sum().item()  # a CPU tensor: no GPU wait
    assert audit.summary()['host_syncs'] == 0


def test_on_cuda_a_blocking_copy_to_the_device_counts():
    # 'meta' stands in for the GPU: any device that is not the CPU
    pinned_batch = torch.ones(2, 3)
    with StepAudit('cuda') as audit:
        pinned_batch.to('meta', non_blocking=True)
        torch.empty(2, 3, device='meta').copy_(pinned_batch, non_blocking=True)
    assert audit.summary()['host_syncs'] == 0
    with StepAudit('cuda') as audit:
        pinned_batch.to('meta')
        torch.empty(2, 3, device='meta').copy_(pinned_batch)
    assert audit.summary()['host_syncs'] == 2
