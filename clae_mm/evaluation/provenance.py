"""What made a result: the code (git commit, dirty or not), the config (path and a hash
of the resolved config), the command, the libraries, the machine and the time. Every
result file the tools write carries it under ``provenance``."""
import datetime
import hashlib
import json
import os.path as osp
import platform
import shlex
import subprocess
import sys
from typing import Optional, Sequence

import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
LIBRARIES = ('torch', 'torchvision', 'mmengine', 'mmpretrain', 'mmcv', 'numpy')


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')


def _git(*args: str) -> Optional[str]:
    try:
        out = subprocess.run(['git', '-C', REPO, *args], capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def code_version() -> dict:
    """The checkout's commit and whether tracked files differ from it (None outside git)."""
    commit = _git('rev-parse', 'HEAD')
    status = _git('status', '--porcelain', '--untracked-files=no') if commit else None
    return dict(commit=commit, dirty=None if status is None else bool(status))


def config_hash(cfg) -> Optional[str]:
    """sha256 of the resolved config (its keys sorted), the same for the same settings
    whichever file and options produced them."""
    if cfg is None:
        return None
    data = cfg.to_dict() if hasattr(cfg, 'to_dict') else cfg
    text = json.dumps(data, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def library_versions() -> dict:
    versions = {'python': platform.python_version()}
    for name in LIBRARIES:
        module = sys.modules.get(name)
        if module is None:
            try:
                module = __import__(name)
            except ImportError:
                continue
        versions[name] = getattr(module, '__version__', None)
    return versions


def cpu_model() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or 'unknown'


def device_name() -> str:
    """The GPU's name when CUDA is in use, else the CPU's model."""
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        return torch.cuda.get_device_name()
    return cpu_model()


def provenance(cfg=None, config: Optional[str] = None, argv: Optional[Sequence[str]] = None,
               started: Optional[str] = None) -> dict:
    """The ``provenance`` record of a result.

    Args:
        cfg: the resolved config the result was made with (hashed).
        config: the config file named on the command line (None: the checkpoint's).
        argv: the tool's arguments (None: this process's command line).
        started: when the tool started (:func:`now`), else now.
    """
    command = shlex.join(sys.argv) if argv is None else f'main(argv): {shlex.join(argv)}'
    if config is not None:
        config = osp.abspath(config)
        if config.startswith(REPO + osp.sep):
            config = osp.relpath(config, REPO)
    return dict(**code_version(), config=config, config_sha256=config_hash(cfg),
                command=command, libraries=library_versions(),
                device=device_name(), torch_threads=torch.get_num_threads(),
                started=started or now(), finished=now())
