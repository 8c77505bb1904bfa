"""Every checkpoint mmengine loads, by path, URL or model-zoo name, ends in the
weights-only loader.

mmengine resolves ``http(s)://`` through ``torch.hub.load_state_dict_from_url``,
whose ``weights_only`` defaults to False, and local paths, ``pavi://``,
``s3://`` and the local copies of ``open-mmlab://`` with ``torch.load``'s
default (which ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` turns off). Each scheme
mmengine registers is registered again at the bottom of this module, once
(``CheckpointLoader.register_scheme(force=True)``, mmengine's extension
point), with a loader that fetches the bytes without unpickling them and
reads them with ``safe_load.load_weights_only``. Importing ``clae_mm.utils``
(any of its modules) runs it.
"""
import os
import os.path as osp
import tempfile
import urllib.request
from collections import OrderedDict
from http.client import HTTPException
from tempfile import TemporaryDirectory
from urllib.error import HTTPError
from urllib.parse import urlparse

import torch
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.runner import CheckpointLoader
from mmengine.runner.checkpoint import (get_deprecated_model_names, get_external_models,
                                        get_mmcls_models, get_torchvision_models)

from .atomic_io import commit_file, remove_quietly
from .errors import CLAEError
from .safe_load import load_from_local_weights_only, load_weights_only, safe_load_checkpoint

DOWNLOAD_TIMEOUT_S = 60  # per blocking read, not for the whole file


class CheckpointDownloadError(CLAEError):
    """A checkpoint URL could not be fetched (no network, bad address)."""


def download_checkpoint(url: str) -> str:
    """The local copy of ``url``: ``<torch hub dir>/checkpoints/<file name>``,
    where torch.hub and mmengine keep their downloads too, fetched if absent.
    Only bytes are written; nothing is unpickled here."""
    folder = osp.join(torch.hub.get_dir(), 'checkpoints')
    cached = osp.join(folder, osp.basename(urlparse(url).path) or 'checkpoint.pth')
    if osp.isfile(cached):
        return cached
    partial = None
    try:
        os.makedirs(folder, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=folder, prefix=f'.{osp.basename(cached)}.',
                                       suffix='.partial')
        with os.fdopen(fd, 'wb') as out, \
                urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
            while True:
                block = response.read(1 << 20)
                if not block:
                    break
                out.write(block)
        commit_file(partial, cached)
    except (OSError, ValueError, HTTPException) as exc:
        if partial:
            remove_quietly(partial)
        # HTTPError's text has the status code; URLError's reason the cause.
        reason = exc if isinstance(exc, HTTPError) else getattr(exc, 'reason', None) or exc
        raise CheckpointDownloadError(
            f'could not download checkpoint {url} ({type(exc).__name__}: {reason}); check the '
            'address and the network, or download it yourself and pass the local path') from None
    return cached


def load_from_http_weights_only(url: str, map_location=None):
    """Download (rank 0 first, as mmengine does, the others then find the
    file in the cache) and load weights-only."""
    rank, world_size = get_dist_info()
    if rank == 0:
        path = download_checkpoint(url)
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            path = download_checkpoint(url)
    return load_weights_only(path, f'checkpoint {url} (downloaded to {path})', map_location)


def _model_url(table: dict, name: str, filename: str) -> str:
    if name not in table:
        raise CLAEError(f'{filename}: no model named {name!r} in mmengine\'s table of that '
                        'prefix; check the name, or pass the checkpoint\'s URL or path')
    return table[name]


def load_from_torchvision_weights_only(filename: str, map_location=None):
    try:
        urls = get_torchvision_models()
    except ImportError:
        raise CLAEError(f'{filename} needs torchvision to resolve the model name; install it, '
                        'or pass the checkpoint\'s URL or path') from None
    name = filename.split('://', 1)[1]
    return load_from_http_weights_only(_model_url(urls, name, filename), map_location)


def _mmengine_home() -> str:
    """Where mmengine keeps the local files its open-mmlab:// table names
    (``$MMENGINE_HOME``, else ``$XDG_CACHE_HOME/mmengine``, as mmengine)."""
    return osp.expanduser(os.getenv('MMENGINE_HOME', osp.join(
        os.getenv('XDG_CACHE_HOME', '~/.cache'), 'mmengine')))


def load_from_openmmlab_weights_only(filename: str, map_location=None):
    name = filename.split('://', 1)[1]
    name = get_deprecated_model_names().get(name, name)
    url = _model_url(get_external_models(), name, filename)
    if url.startswith(('http://', 'https://')):
        return load_from_http_weights_only(url, map_location)
    return safe_load_checkpoint(osp.join(_mmengine_home(), url), map_location)


def load_from_mmcls_weights_only(filename: str, map_location=None):
    url = _model_url(get_mmcls_models(), filename[len('mmcls://'):], filename)
    checkpoint = load_from_http_weights_only(url, map_location)
    # As mmengine: an mmcls classifier initialises a backbone, so keep the
    # backbone's tensors without their 'backbone.' prefix.
    state_dict = checkpoint.get('state_dict', checkpoint)
    return dict(state_dict=OrderedDict((key[len('backbone.'):], value)
                                       for key, value in state_dict.items()
                                       if key.startswith('backbone.')))


def load_from_pavi_weights_only(filename: str, map_location=None):
    try:
        from pavi import modelcloud
    except ImportError:
        raise CLAEError(f'{filename} needs the pavi package; install it, or download the '
                        'checkpoint and pass its path') from None
    model = modelcloud.get(filename[len('pavi://'):])
    with TemporaryDirectory() as folder:
        path = osp.join(folder, model.name)
        model.download(path)
        return load_weights_only(path, f'checkpoint {filename}', map_location)


def load_from_ceph_weights_only(filename: str, map_location=None, backend='petrel'):
    try:
        data = get_file_backend(filename, backend_args={'backend': backend}).get(filename)
    except (ImportError, OSError) as exc:
        raise CLAEError(f'could not fetch checkpoint {filename} ({type(exc).__name__}: {exc}); '
                        'download it yourself and pass the local path') from None
    return load_weights_only(data, f'checkpoint {filename}', map_location)


# Every prefix mmengine 0.10.7 registers, each with its weights-only loader.
WEIGHTS_ONLY_LOADERS = {
    '': load_from_local_weights_only,
    ('http://', 'https://'): load_from_http_weights_only,
    ('modelzoo://', 'torchvision://'): load_from_torchvision_weights_only,
    ('open-mmlab://', 'openmmlab://'): load_from_openmmlab_weights_only,
    'mmcls://': load_from_mmcls_weights_only,
    'pavi://': load_from_pavi_weights_only,
    (r'(\S+\:)?s3://', r'(\S+\:)?petrel://'): load_from_ceph_weights_only,
}
for _prefixes, _loader in WEIGHTS_ONLY_LOADERS.items():
    CheckpointLoader.register_scheme(prefixes=_prefixes, loader=_loader, force=True)
