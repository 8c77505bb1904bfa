"""The suite's tool server (tests/tool_server.py) runs a script as the interpreter would:
the same output, exit status, working directory, argv, import path and environment; a
signal reaches the script; what a fork cannot reproduce runs a real interpreter."""
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import tool_env, tool_python

served = pytest.mark.skipif(os.environ.get('CLAE_TOOL_SERVER') == '0',
                            reason='the server is off (CLAE_TOOL_SERVER=0)')

SCRIPT = '''
import os, random, sys
print('argv', sys.argv[1:], 'cwd', os.getcwd(), 'path0', sys.path[0])
print('env', os.environ.get('CLAE_PROBE'), 'omp', os.environ.get('OMP_NUM_THREADS'))
print('random', random.random())
print('preloaded', 'torch' in sys.modules)
print('to stderr', file=sys.stderr)
sys.exit(int(sys.argv[1]))
'''


def run(python, script, *args, env=None, cwd=None):
    return subprocess.run([python, str(script), *args], capture_output=True, text=True,
                          env=env or tool_env(), cwd=cwd, timeout=120)


@pytest.fixture(scope='module')
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp('scripts') / 'probe.py'
    path.write_text(SCRIPT)
    return path


def without_random(stdout):
    return [line for line in stdout.splitlines() if not line.startswith(('random', 'preloaded'))]


@served
def test_a_script_runs_as_in_a_new_interpreter(script, tmp_path):
    env = tool_env(CLAE_PROBE='x y')
    served = run(tool_python(), script, '3', 'a b', env=env, cwd=tmp_path)
    real = run(sys.executable, script, '3', 'a b', env=env, cwd=tmp_path)
    assert served.returncode == real.returncode == 3
    assert 'preloaded True' in served.stdout and 'preloaded False' in real.stdout  # served
    assert without_random(served.stdout) == without_random(real.stdout)
    assert served.stderr == real.stderr == 'to stderr\n'
    # a fresh random state in each run, as each new interpreter has
    draws = {line for _ in range(2) for line in run(tool_python(), script, '0').stdout.splitlines()
             if line.startswith('random')}
    assert len(draws) == 2


@served
def test_an_uncaught_exception_prints_the_scripts_traceback(tmp_path):
    script = tmp_path / 'boom.py'
    script.write_text('def f():\n    raise ValueError("boom")\nf()\n')
    served, real = run(tool_python(), script), run(sys.executable, script)
    assert served.returncode == real.returncode == 1
    assert served.stderr == real.stderr


@served
def test_signals_reach_the_script_and_end_the_client_alike(tmp_path):
    script = tmp_path / 'wait.py'
    script.write_text('import sys, time\nprint("up", flush=True)\ntime.sleep(60)\n')
    proc = subprocess.Popen([tool_python(), str(script)], env=tool_env(), stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline() == 'up\n'
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == -signal.SIGTERM and time.monotonic() - started < 30
    killer = tmp_path / 'kill.py'
    killer.write_text('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n')
    assert run(tool_python(), killer).returncode == -signal.SIGKILL


def test_a_start_up_variable_that_differs_gets_a_real_interpreter(script):
    # torch reads the thread count when it starts: the server's (1) cannot become 2
    proc = run(tool_python(), script, '0', env=tool_env(OMP_NUM_THREADS='2'))
    assert proc.returncode == 0 and 'omp 2' in proc.stdout and 'preloaded False' in proc.stdout
    proc = subprocess.run([tool_python(), '-c', 'import sys; print(sys.flags.optimize)'],
                          capture_output=True, text=True, env=tool_env(), timeout=120)
    assert proc.stdout == '0\n'  # interpreter options: a real interpreter
