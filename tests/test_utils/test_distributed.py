"""setup_cpu_distributed: the config a CPU run prints says the backend it uses."""
import socket

import pytest
import torch
import torch.distributed as dist
from mmengine.config import Config

from clae_mm.utils import setup_cpu_distributed


@pytest.mark.skipif(torch.cuda.is_available(), reason='the CPU path only runs without a GPU')
def test_a_gloo_run_records_gloo_in_its_config(monkeypatch):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    for key, value in dict(RANK='0', WORLD_SIZE='1', LOCAL_RANK='0', MASTER_ADDR='127.0.0.1',
                           MASTER_PORT=str(port)).items():
        monkeypatch.setenv(key, value)
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl', timeout=60)),
                      model=dict(type='SomeModel')))
    assert not dist.is_initialized()
    try:
        setup_cpu_distributed(cfg, 'pytorch')
        assert dist.get_backend() == 'gloo'
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        assert "backend='gloo'" in cfg.pretty_text and 'nccl' not in cfg.pretty_text
        assert cfg.model_wrapper_cfg.device_ids is None
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
