import glob
import os.path as osp

import torch
from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from clae_mm.registry import HOOKS
from clae_mm.utils.atomic_io import atomic_write_text, commit_file, remove_quietly
from clae_mm.utils.errors import CLAEError
from clae_mm.utils.finite import all_finite, describe, nonfinite_names

PARTIAL_SUFFIX = '.partial'


class CheckpointWriteError(CLAEError):
    """A checkpoint could not be written (disk full, work dir not writable)."""


class NonFiniteCheckpointError(CLAEError):
    """The state to save holds NaN or Inf: a diverged run is never checkpointed."""


def _named_tensors(tree, prefix=''):
    if isinstance(tree, torch.Tensor):
        yield prefix, tree
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield from _named_tensors(value, f'{prefix}.{key}' if prefix else str(key))
    elif isinstance(tree, (list, tuple)):
        for index, value in enumerate(tree):
            yield from _named_tensors(value, f'{prefix}.{index}' if prefix else str(index))


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` that never leaves a partial checkpoint.

    mmengine writes ``epoch_N.pth`` straight to its final path, deletes the
    oldest checkpoint *before* writing the new one and then rewrites
    ``last_checkpoint`` in place, so a crash or a full disk mid-write can
    leave a truncated file that ``--resume`` then picks. Here, for local work
    dirs, each checkpoint is

    1. written by ``runner.save_checkpoint`` to ``.epoch_N.pth.partial`` in
       the same directory,
    2. fsynced and renamed into place (``os.replace``, atomic),
    3. only then recorded in ``last_checkpoint`` (itself replaced atomically),
    4. and only then are checkpoints beyond ``max_keep_ckpts`` deleted.

    A write failure raises :class:`CheckpointWriteError` naming the file and
    the last complete checkpoint, which is left intact. A state holding NaN
    or Inf (model weights and buffers, optimizer state) is never written, by
    any save path: :class:`NonFiniteCheckpointError` names the tensors. Leftover
    ``.partial`` files of a killed run are removed when training starts.
    Remote backends (``out_dir`` with a URI prefix) keep mmengine's behaviour.
    Takes exactly ``CheckpointHook``'s arguments.
    """

    _saving = (None, None)  # (the checkpoint being saved, the last complete one)

    def before_train(self, runner) -> None:
        super().before_train(runner)
        # On resume, the checkpoint that was loaded is the last complete one.
        if self.last_ckpt is None and 'last_ckpt' in runner.message_hub.runtime_info:
            self.last_ckpt = runner.message_hub.get_info('last_ckpt')
        if self._is_local() and is_main_process():
            for leftover in glob.glob(osp.join(glob.escape(self.out_dir), '.*' + PARTIAL_SUFFIX)):
                remove_quietly(leftover)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Refuse to save non-finite tensors (one fused check, then exact)."""
        saved = {key: checkpoint[key] for key in ('state_dict', 'optimizer') if key in checkpoint}
        if all_finite(tensor for _, tensor in _named_tensors(saved)):
            return
        bad = nonfinite_names(_named_tensors(saved))
        if not bad:
            return
        path, previous = self._saving
        kept = f'the last complete checkpoint, {previous}, is intact' if previous \
            else 'no earlier checkpoint exists'
        raise NonFiniteCheckpointError(
            f'refusing to save {path or "a checkpoint"}: training '
            f'diverged, {len(bad)} tensors are not finite ({describe(bad)}); {kept}. Lower the '
            'learning rate or eps and train again (tools/train.py --resume PATH --reset-lr '
            '--cfg-options optim_wrapper.optimizer.lr=<lower>)')

    def _is_local(self) -> bool:
        return isinstance(self.file_backend, LocalBackend)

    def _save_checkpoint_with_step(self, runner, step, meta):
        self._saving = (self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(step)),
                        self.last_ckpt)
        try:
            self._save_step(runner, step, meta)
        finally:
            self._saving = (None, self.last_ckpt)

    def _save_step(self, runner, step, meta):
        if not self._is_local():
            return super()._save_checkpoint_with_step(runner, step, meta)
        # The same bookkeeping as mmengine (the checkpoint records itself as
        # ``last_ckpt`` and in ``keep_ckpt_ids``), but stale files are only
        # deleted once the new checkpoint is complete.
        stale_steps = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                stale_steps.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        filename = self.filename_tmpl.format(step)
        path = osp.join(self.out_dir, filename)
        previous = self.last_ckpt
        runner.message_hub.update_info('last_ckpt', path)

        partial = f'.{filename}{PARTIAL_SUFFIX}'
        try:
            runner.save_checkpoint(
                self.out_dir, partial, self.file_client_args,
                save_optimizer=self.save_optimizer,
                save_param_scheduler=self.save_param_scheduler,
                meta=meta, by_epoch=self.by_epoch, backend_args=self.backend_args,
                **self.args)
            if is_main_process():
                commit_file(osp.join(self.out_dir, partial), path)
                atomic_write_text(osp.join(runner.work_dir, 'last_checkpoint'), path)
        except NonFiniteCheckpointError:
            runner.message_hub.update_info('last_ckpt', previous)
            raise
        except OSError as exc:
            remove_quietly(osp.join(self.out_dir, partial))
            runner.message_hub.update_info('last_ckpt', previous)
            kept = f'the last complete checkpoint, {previous}, is intact' if previous \
                else 'no earlier checkpoint exists'
            raise CheckpointWriteError(
                f'could not write checkpoint {path} ({exc.strerror or exc}); {kept}. '
                'Free disk space or pass a writable --work-dir, then --resume') from None
        self.last_ckpt = path

        if is_main_process():
            for stale in stale_steps:
                remove_quietly(osp.join(self.out_dir, self.filename_tmpl.format(stale)))
