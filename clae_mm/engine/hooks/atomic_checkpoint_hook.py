import glob
import os
import os.path as osp
import re
from typing import Callable, Optional, Union

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend, register_backend
from mmengine.hooks import CheckpointHook

from clae_mm.registry import HOOKS
from clae_mm.utils.atomic_io import commit_file, remove_quietly
from clae_mm.utils.checksum import checksum_path, forget_checksum, record_checksum
from clae_mm.utils.errors import CLAEError
from clae_mm.utils.finite import all_finite, describe, named_tensors, nonfinite_names

PARTIAL_SUFFIX = '.partial'
ATOMIC_BACKEND = 'atomic_local'


class CheckpointWriteError(CLAEError):
    """A checkpoint could not be written (disk full, work dir not writable)."""


class NonFiniteCheckpointError(CLAEError):
    """The state to save holds NaN or Inf: a diverged run is never checkpointed."""


def partial_path(filepath: Union[str, os.PathLike]) -> str:
    """``dir/.name.partial``: where ``dir/name`` is written before it is renamed."""
    folder, name = osp.split(str(filepath))
    return osp.join(folder, f'.{name}{PARTIAL_SUFFIX}')


@register_backend(ATOMIC_BACKEND)
class AtomicLocalBackend(LocalBackend):
    """mmengine's local storage backend whose writes are all or nothing.

    ``put`` (what ``runner.save_checkpoint`` writes a checkpoint with) and
    ``put_text`` write to ``.name.partial`` beside the final path, fsync it
    and rename it into place (``os.replace``, atomic): a crash or a full
    disk mid-write leaves the previous file as it was and no partial file
    under the final name. A failed write removes its partial file. ``put``
    then records the bytes' sha256 in ``name.sha256``, which every load
    checks (``clae_mm.utils.checksum``).
    """

    def _write_aside(self, write: Callable[[str], None], filepath, before_commit=None) -> None:
        aside = partial_path(filepath)
        try:
            write(aside)
            if before_commit is not None:
                before_commit()
            commit_file(aside, str(filepath))
        except OSError:
            remove_quietly(aside)
            raise

    def put(self, obj: bytes, filepath) -> None:
        """Write the bytes (a checkpoint) atomically, then their sha256 beside
        them (``clae_mm.utils.checksum``). The old record goes first, so no
        crash leaves a record that does not match the file it names."""
        self._write_aside(lambda path: super(AtomicLocalBackend, self).put(obj, path), filepath,
                          before_commit=lambda: forget_checksum(str(filepath)))
        record_checksum(str(filepath), obj)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        self._write_aside(
            lambda path: super(AtomicLocalBackend, self).put_text(obj, path, encoding), filepath)

    def remove(self, filepath) -> None:
        """mmengine's remove (the previous best checkpoint), with its sha256 record."""
        super().remove(filepath)
        remove_quietly(checksum_path(str(filepath)))


def _is_remote(path: Optional[str]) -> bool:
    return path is not None and '://' in str(path)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` that never leaves a partial checkpoint.

    mmengine writes ``epoch_N.pth`` straight to its final path and deletes
    the oldest checkpoint *before* writing the new one, so a crash or a full
    disk mid-write can leave a truncated file that ``--resume`` then picks,
    and with ``max_keep_ckpts=1`` no complete checkpoint at all. Here, for
    local work dirs, through mmengine's own doors only:

    1. every checkpoint goes through :class:`AtomicLocalBackend` (a storage
       backend registered with mmengine, passed as ``backend_args``): written
       to ``.epoch_N.pth.partial``, fsynced and renamed into place;
    2. mmengine records it in ``last_checkpoint`` once it is complete;
    3. only then are the checkpoints beyond ``max_keep_ckpts`` deleted (the
       ones written longest ago; the parent class is told to keep all).

    A write failure raises :class:`CheckpointWriteError` naming the file and
    the last complete checkpoint, which is left intact and stays the run's
    ``last_ckpt``. A state holding NaN or Inf (model weights and buffers,
    optimizer state) is never written, by any save path:
    :class:`NonFiniteCheckpointError` names the tensors. Leftover ``.partial``
    files of a killed run are removed when training starts. Remote backends
    (``out_dir`` with a URI prefix, or ``backend_args`` of the user's) keep
    mmengine's behaviour. Takes exactly ``CheckpointHook``'s arguments.
    """

    def __init__(self, *args, max_keep_ckpts: int = -1, out_dir: Optional[str] = None,
                 backend_args: Optional[dict] = None, file_client_args: Optional[dict] = None,
                 **kwargs):
        self.atomic = backend_args is None and file_client_args is None and not _is_remote(out_dir)
        if self.atomic:
            backend_args = dict(backend=ATOMIC_BACKEND)
        self.keep = max_keep_ckpts
        super().__init__(*args, max_keep_ckpts=-1 if self.atomic else max_keep_ckpts,
                         out_dir=out_dir, backend_args=backend_args,
                         file_client_args=file_client_args, **kwargs)
        self._previous = None  # the last complete checkpoint while one is being saved

    def before_train(self, runner) -> None:
        super().before_train(runner)
        # On resume, the checkpoint that was loaded is the last complete one.
        if self.last_ckpt is None and 'last_ckpt' in runner.message_hub.runtime_info:
            self.last_ckpt = runner.message_hub.get_info('last_ckpt')
        if self.atomic and is_main_process():
            for leftover in glob.glob(osp.join(glob.escape(self.out_dir), '.*' + PARTIAL_SUFFIX)):
                remove_quietly(leftover)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self._saving(runner, lambda: super(AtomicCheckpointHook, self).after_train_iter(
            runner, batch_idx, data_batch, outputs))

    def after_train_epoch(self, runner) -> None:
        self._saving(runner, lambda: super(AtomicCheckpointHook, self).after_train_epoch(runner))

    def after_val_epoch(self, runner, metrics) -> None:
        self._saving(runner, lambda: super(AtomicCheckpointHook, self).after_val_epoch(
            runner, metrics))

    def _saving(self, runner, save: Callable[[], None]) -> None:
        """Run mmengine's saving step; on a failure keep the previous
        checkpoint as the run's last, after a new one prune the old ones."""
        previous = self._previous = self.last_ckpt
        try:
            save()
        except NonFiniteCheckpointError:
            self._restore(runner, previous)
            raise
        except OSError as exc:
            path = self.last_ckpt if self.last_ckpt != previous else 'the best checkpoint'
            self._restore(runner, previous)
            kept = f'the last complete checkpoint, {previous}, is intact' if previous \
                else 'no earlier checkpoint exists'
            raise CheckpointWriteError(
                f'could not write checkpoint {path} ({exc.strerror or exc}); {kept}. '
                'Free disk space or pass a writable --work-dir, then --resume') from None
        finally:
            self._previous = None
        if self.atomic and self.last_ckpt != previous and is_main_process():
            self._prune()

    def _restore(self, runner, previous: Optional[str]) -> None:
        self.last_ckpt = previous
        runner.message_hub.update_info('last_ckpt', previous)

    def _prune(self) -> None:
        """Delete all but the ``max_keep_ckpts`` regular checkpoints written
        last (best checkpoints have other names and are left alone)."""
        if self.keep <= 0:
            return
        pattern = re.compile('^' + re.escape(self.filename_tmpl).replace(r'\{\}', r'(\d+)') + '$')
        found = []
        for path in glob.glob(osp.join(glob.escape(self.out_dir), '*')):
            match = pattern.match(osp.basename(path))
            if match and osp.isfile(path):
                found.append((osp.getmtime(path), int(match.group(1)), path))
        for _, _, path in sorted(found)[:-self.keep]:
            remove_quietly(path)
            remove_quietly(checksum_path(path))

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuse to save non-finite tensors (one fused check, then exact)."""
        saved = {key: checkpoint[key] for key in ('state_dict', 'optimizer') if key in checkpoint}
        if all_finite(tensor for _, tensor in named_tensors(saved)):
            return
        bad = nonfinite_names(named_tensors(saved))
        if not bad:
            return
        previous = self._previous
        path = self.last_ckpt if self.last_ckpt != previous else None
        kept = f'the last complete checkpoint, {previous}, is intact' if previous \
            else 'no earlier checkpoint exists'
        raise NonFiniteCheckpointError(
            f'refusing to save {path or "a checkpoint"}: training '
            f'diverged, {len(bad)} tensors are not finite ({describe(bad)}); {kept}. Lower the '
            'learning rate or eps and train again (tools/train.py --resume PATH --reset-lr '
            '--cfg-options optim_wrapper.optimizer.lr=<lower>)')


def latest_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint ``--resume`` continues from: the one ``last_checkpoint``
    names when it exists, else the regular checkpoint (``epoch_N.pth`` or
    ``iter_N.pth``) written last; None when there is none. mmengine writes
    ``last_checkpoint`` in place, so a kill at that moment can leave it empty."""
    try:
        with open(osp.join(work_dir, 'last_checkpoint')) as f:
            named = f.read().strip()
    except OSError:
        named = ''
    if named and osp.isfile(named):
        return named
    found = [path for path in glob.glob(osp.join(glob.escape(work_dir), '*.pth'))
             if re.match(r'^(epoch|iter)_\d+\.pth$', osp.basename(path))]
    return max(found, key=osp.getmtime) if found else None
