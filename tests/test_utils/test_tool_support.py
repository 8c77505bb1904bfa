"""What every tool shares: the one-line error ending and the launcher arguments."""
import argparse
import os

import pytest

from clae_mm.utils.distributed import add_launcher_arguments, export_local_rank
from clae_mm.utils.errors import CLAEError, exit_code


def test_a_user_error_is_one_line_on_stderr_and_exit_status_2(capsys):
    def body():
        raise CLAEError('CIFAR10 not found under data; pass --data-root')

    assert exit_code(body) == 2
    assert capsys.readouterr().err == 'error: CIFAR10 not found under data; pass --data-root\n'


def test_the_bodys_status_is_kept_and_other_errors_are_not_hidden():
    assert exit_code(lambda: None) == 0
    assert exit_code(lambda: 3) == 3
    with pytest.raises(ZeroDivisionError):
        exit_code(lambda: 1 / 0)  # a bug keeps its traceback


def test_launcher_arguments_and_the_local_rank(monkeypatch):
    parser = argparse.ArgumentParser()
    add_launcher_arguments(parser)
    args = parser.parse_args(['--launcher', 'pytorch', '--local-rank', '3'])
    assert args.launcher == 'pytorch' and args.local_rank == 3
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    export_local_rank(args)
    assert os.environ['LOCAL_RANK'] == '3'
    monkeypatch.setenv('LOCAL_RANK', '1')  # torchrun's value wins
    export_local_rank(args)
    assert os.environ['LOCAL_RANK'] == '1'
    with pytest.raises(SystemExit):
        parser.parse_args(['--launcher', 'kubernetes'])
