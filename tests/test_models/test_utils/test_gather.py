import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from clae_mm.models.losses import nt_xent_loss
from clae_mm.models.utils import gather_with_grad


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def full_batch():
    g = torch.Generator().manual_seed(0)
    return torch.randn(8, 5, generator=g), torch.randn(8, 5, generator=g)


def worker(rank, world_size, port, out_dir):
    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    z1, z2 = full_batch()
    local = slice(rank * 4, rank * 4 + 4)
    a, b = z1[local].clone().requires_grad_(), z2[local].clone().requires_grad_()
    loss = nt_xent_loss(gather_with_grad(a), gather_with_grad(b), 0.5)
    loss.backward()
    torch.save(dict(loss=loss.detach(), ga=a.grad, gb=b.grad), os.path.join(out_dir, f'{rank}.pt'))
    dist.destroy_process_group()


def test_gathered_loss_gives_every_rank_its_full_batch_gradient(tmp_path):
    """Every rank computes the global-batch loss; all_gather's backward sums
    the gradients of all ranks, so after DDP's average (division by the world
    size) each sample's gradient is the one it gets in one big batch."""
    # forked ranks: spawned ones would each import torch again
    mp.start_processes(worker, args=(2, free_port(), str(tmp_path)), nprocs=2, join=True,
                       start_method='fork')
    z1, z2 = full_batch()
    z1.requires_grad_(), z2.requires_grad_()
    reference = nt_xent_loss(z1, z2, 0.5)
    reference.backward()
    for rank in range(2):
        out = torch.load(tmp_path / f'{rank}.pt')
        local = slice(rank * 4, rank * 4 + 4)
        assert torch.allclose(out['loss'], reference.detach(), atol=1e-6)
        assert torch.allclose(out['ga'] / 2, z1.grad[local], atol=1e-6)
        assert torch.allclose(out['gb'] / 2, z2.grad[local], atol=1e-6)
