"""A checkpoint with NaN/Inf weights or statistics, or with bytes changed
since it was saved, is refused at load in one line (exit 2): it is never
scored at chance level and tabled like any other result."""
import io
import os.path as osp
import shutil
import subprocess

import pytest
import torch
from mmengine.fileio import get_file_backend

from clae_mm.utils.checksum import ChecksumMismatchError
from clae_mm.utils.safe_load import safe_load_checkpoint
from tests.conftest import TINY_ENCODER, load_tool

EVAL_FAST = ['test_dataloader.num_workers=0', 'test_cfg.bank.num_workers=0']


def eval_options(tmp_path) -> list:
    """The tiny encoder, no loader workers and an experiment name of this test's
    own (mmengine keeps one logger per name, bound to the first test's stderr)."""
    return [*TINY_ENCODER, *EVAL_FAST, f'experiment_name={tmp_path.name}']


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith('error:')]
    assert len(errors) == 1 and 'Traceback' not in err, err[-3000:]
    return errors[0]


def with_state(simclr_run, path, change) -> str:
    checkpoint = torch.load(simclr_run['checkpoint'], weights_only=True)
    change(checkpoint['state_dict'])
    torch.save(checkpoint, path)
    return str(path)


def all_nan(state):
    for tensor in state.values():
        if tensor.is_floating_point():
            tensor.fill_(float('nan'))


def inf_running_var(state):
    state['backbone.bn1.clean.running_var'][3] = float('inf')


def test_trained_checkpoints_record_their_sha256(simclr_run):
    for epoch in (1, 2):
        path = osp.join(simclr_run['work_dir'], f'epoch_{epoch}.pth')
        assert osp.isfile(path + '.sha256')
    # sha256sum's own format: `sha256sum -c` checks it
    proc = subprocess.run(['sha256sum', '-c', 'epoch_2.pth.sha256'], cwd=simclr_run['work_dir'],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == 'epoch_2.pth: OK', proc


def test_all_nan_checkpoint_is_refused_by_knn_eval(simclr_run, tmp_path, capsys):
    path = with_state(simclr_run, tmp_path / 'nan.pth', all_nan)
    tool = load_tool('benchmarks/knn_eval.py')
    out = tmp_path / 'knn.json'
    assert tool.main([simclr_run['config'], path, '--data-root', simclr_run['data_root'],
                      '--work-dir', str(tmp_path / 'eval'), '--out', str(out), '--num-workers',
                      '0', '--no-progress', '--cfg-options', *eval_options(tmp_path)]) == 2
    error = one_error_line(capsys)
    assert error.startswith(f'error: checkpoint {path} holds non-finite weights: ') and \
        '(backbone.conv1.weight=nan, ' in error, error
    assert not out.exists()  # no result for the summarizer to table


def test_inf_bn_running_var_is_refused_by_test_py(simclr_run, tmp_path, capsys):
    path = with_state(simclr_run, tmp_path / 'inf_var.pth', inf_running_var)
    tool = load_tool('test.py')
    out = tmp_path / 'metrics.json'
    assert tool.main([simclr_run['config'], path, '--work-dir', str(tmp_path / 'work'),
                      '--data-root', simclr_run['data_root'], '--out', str(out),
                      '--cfg-options', *eval_options(tmp_path)]) == 2
    assert one_error_line(capsys) == (
        f'error: checkpoint {path} holds non-finite weights: 1 tensors hold NaN or Inf '
        '(backbone.bn1.clean.running_var=inf); scores of it would be meaningless and training from it '
        'diverges; pass a checkpoint saved before the run diverged')
    assert not out.exists()


def flip_bytes(path: str, count: int = 64) -> None:
    """Invert ``count`` bytes in the middle of the file (the tensor data)."""
    with open(path, 'r+b') as f:
        f.seek(osp.getsize(path) // 2)
        data = f.read(count)
        f.seek(-len(data), 1)
        f.write(bytes(b ^ 0xFF for b in data))


def test_flipped_bytes_are_caught_by_the_sha256_recorded_at_save(simclr_run, tmp_path, capsys):
    path = str(tmp_path / 'epoch_2.pth')
    shutil.copy(simclr_run['checkpoint'], path)
    shutil.copy(simclr_run['checkpoint'] + '.sha256', path + '.sha256')
    safe_load_checkpoint(path)  # intact: loads
    flip_bytes(path)
    torch.load(path, weights_only=True)  # torch itself does not notice
    expected = (f'checkpoint {path} is corrupted: its sha256 differs from the one recorded at '
                f'save ({path}.sha256); nothing from it was loaded; pass an earlier checkpoint '
                'of the run')
    with pytest.raises(ChecksumMismatchError) as error:
        safe_load_checkpoint(path)
    assert str(error.value) == expected
    tool = load_tool('test.py')
    assert tool.main([simclr_run['config'], path, '--work-dir', str(tmp_path / 'work'),
                      '--data-root', simclr_run['data_root'], '--cfg-options',
                      *eval_options(tmp_path)]) == 2
    assert one_error_line(capsys) == f'error: {expected}'


def test_the_record_is_replaced_with_the_file_and_pruned_with_it(tmp_path):
    backend = get_file_backend(str(tmp_path), backend_args=dict(backend='atomic_local'))
    target = str(tmp_path / 'epoch_1.pth')
    for state in ({'w': torch.zeros(2)}, {'w': torch.ones(2)}):  # a resumed run rewrites epoch 1
        buffer = io.BytesIO()
        torch.save({'state_dict': state}, buffer)
        backend.put(buffer.getvalue(), target)
        assert torch.equal(safe_load_checkpoint(target)['state_dict']['w'], state['w'])
    backend.remove(target)
    assert not osp.exists(target) and not osp.exists(target + '.sha256')


def test_a_nonfinite_checkpoint_is_refused_for_training_too(tmp_path, train_tool, capsys,
                                                            cifar10_root, simclr_run):
    from .conftest import train_args
    path = with_state(simclr_run, tmp_path / 'nan.pth', all_nan)
    assert train_tool.main(train_args(str(tmp_path / 'work'), cifar10_root,
                                      flags=['--resume', path])) == 2
    assert one_error_line(capsys).startswith(f'error: checkpoint {path} holds non-finite weights')


def test_resume_never_runs_config_text_a_checkpoint_carries(tmp_path, train_tool, cifar10_root,
                                                            simclr_run):
    """mmengine's Runner.resume executes meta['config'] (Config.fromstring) to compare GPU
    counts; a crafted checkpoint that carries one resumes without its code running."""
    from .conftest import train_args
    marker = tmp_path / 'code_ran'
    checkpoint = torch.load(osp.join(simclr_run['work_dir'], 'epoch_1.pth'), weights_only=True)
    checkpoint['meta']['config'] = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n"
    crafted = str(tmp_path / 'crafted.pth')  # no .sha256 beside it: loaded unchecked
    torch.save(checkpoint, crafted)
    assert train_tool.main(train_args(str(tmp_path / 'work'), cifar10_root,
                                      'train_cfg.max_epochs=2',
                                      flags=['--resume', crafted])) == 0
    assert not marker.exists()
