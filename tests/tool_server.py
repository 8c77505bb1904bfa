"""A fork server for the suite's tool runs: ``python tools/X.py ARGS`` without paying the imports.

Most of the suite runs the tools as subprocesses, and on 2 slow cores importing torch, mmengine
and mmpretrain costs a tool run 4-6 s of CPU before its first line, more than the run itself.
This server imports them once; each request forks a copy of it that becomes the tool: it takes
the client's stdin/stdout/stderr, working directory, environment and argv, and runs the script
as ``__main__`` the way the interpreter does. The client (``tests/tool_client.py``, an
executable that tests pass where they would pass ``python``) forwards signals to that process
and exits as it does (its exit code, or the signal that ended it).

What the fork cannot reproduce, the client leaves to a real interpreter: interpreter options
other than ``-u`` and ``-m MODULE`` (``-c``, ``-W`` ...), and an environment that differs from
the server's in a variable read at start-up (threads, allocator, CUDA, import path, warnings,
locale). Tests of start-up itself (import warnings, the allocator, launcher death) run real
interpreters. The forked tool's parent is the server's handler, not the client: a test that
reads the process tree runs real interpreters too.

    python -m tests.tool_server SOCKET      # prints "ready" once it listens
"""
import gc
import io
import json
import os
import os.path as osp
import select
import signal
import socket
import struct
import sys

# Read when the interpreter, torch or the C allocator start: a request whose environment differs
# in one of these runs in a real interpreter instead (tests/tool_client.py).
STARTUP_ENV = ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'CUDA_VISIBLE_DEVICES', 'PYTHONPATH',
               'PYTHONWARNINGS', 'PYTHONHASHSEED', 'PYTHONDONTWRITEBYTECODE', 'LD_PRELOAD',
               'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_ARENA_MAX',
               'LANG', 'LC_ALL', 'LC_CTYPE', 'PYTHONIOENCODING', 'PYTHONUTF8')
STARTUP_PREFIXES = ('TORCH', 'PYTORCH', 'MKL_', 'KMP_', 'GOMP_')
# ... except these, which torch reads when it is called (torch.load, torch.hub, and what torchrun
# gives its workers for torch.distributed)
READ_PER_CALL = ('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', 'TORCH_FORCE_WEIGHTS_ONLY_LOAD', 'TORCH_HOME')
READ_PER_CALL_PREFIXES = ('TORCHELASTIC_', 'TORCH_NCCL_')
STATUS = struct.Struct('!ii')  # (tool pid, 0) once forked, then (wait status, 1) at its end


def startup_env(env: dict, cwd: str) -> dict:
    """The part of ``env`` that a forked copy of the server cannot take on. PYTHONPATH counts
    as the entries ``sys.path`` gets from it: absolute, normalised, each once (site)."""
    startup = {k: v for k, v in env.items()
               if k not in READ_PER_CALL and not k.startswith(READ_PER_CALL_PREFIXES)
               and (k in STARTUP_ENV or k.startswith(STARTUP_PREFIXES))}
    if 'PYTHONPATH' in startup:
        startup['PYTHONPATH'] = list(dict.fromkeys(
            osp.normpath(osp.join(cwd, p)) for p in startup['PYTHONPATH'].split(':') if p))
    return startup


def recv_request(conn: socket.socket):
    """The client's three standard fds and its JSON request (argv, module, unbuffered, cwd,
    env, executable)."""
    header, fds, _, _ = socket.recv_fds(conn, 8, 3)
    size, = struct.unpack('!Q', header)
    payload = b''
    while len(payload) < size:
        chunk = conn.recv(size - len(payload))
        if not chunk:
            raise EOFError('the client went away')
        payload += chunk
    return fds, json.loads(payload)


def become_the_tool(fds, request) -> None:
    """In the forked child: take on the client's process state, run the script (or the module,
    as ``-m``), exit."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    # the interpreter's own dispositions, not the server's
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)
    os.chdir(request['cwd'])
    os.environ.clear()
    os.environ.update(request['env'])
    unbuffered = request['unbuffered'] or bool(os.environ.get('PYTHONUNBUFFERED'))
    sys.stdin, sys.stdout, sys.stderr = (standard_stream(fd, unbuffered, like)
                                         for fd, like in enumerate(STREAMS))
    reseed()
    sys.argv = list(request['argv'])
    sys.executable = request['executable']  # a tool's own `sys.executable SCRIPT` comes back here
    module = request['module']
    import runpy
    if module:
        import importlib.util
        first_file = importlib.util.find_spec(module).origin
        sys.path[0] = os.getcwd()
    else:
        first_file = sys.argv[0]
        sys.path[0] = osp.dirname(osp.abspath(first_file))
    code = 0
    try:
        if module:
            runpy.run_module(module, run_name='__main__', alter_sys=True)
        else:
            runpy.run_path(first_file, run_name='__main__')
    except SystemExit as exc:
        code = exit_code_of(exc)
    except BaseException as exc:  # noqa: B902 - what the interpreter does with it
        import traceback
        tb = exc.__traceback__  # from the script's first frame, as the interpreter prints it
        while tb is not None and tb.tb_frame.f_code.co_filename != first_file:
            tb = tb.tb_next
        traceback.print_exception(type(exc), exc, tb or exc.__traceback__)
        code = 1
    code = finalize(code)
    os._exit(code)


SERVER_CWD = os.getcwd()
STREAMS = (sys.stdin, sys.stdout, sys.stderr)  # the server's: their encodings and error handlers


def standard_stream(fd: int, unbuffered: bool, like):
    """sys.stdin/stdout/stderr over ``fd`` as the interpreter makes them: -u (or
    PYTHONUNBUFFERED) writes through; else stdout is block-buffered off a terminal and stderr
    line-buffered."""
    raw = io.FileIO(fd, 'r' if fd == 0 else 'w', closefd=False)
    if fd == 0:
        return io.TextIOWrapper(io.BufferedReader(raw), encoding=like.encoding, errors=like.errors)
    if unbuffered:
        return io.TextIOWrapper(raw, encoding=like.encoding, errors=like.errors,
                                write_through=True)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=like.encoding, errors=like.errors,
                            line_buffering=fd == 2 or raw.isatty())


def reseed() -> None:
    """Fresh global random states, as a new interpreter has (torch's default seed is fixed)."""
    import random

    import numpy as np
    import torch
    random.seed()
    np.random.seed()
    torch.manual_seed(torch.default_generator.initial_seed())  # where a fresh start begins


def exit_code_of(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def finalize(code: int) -> int:
    """The interpreter's exit: join non-daemon threads, run atexit handlers, flush."""
    import atexit
    import threading
    try:
        threading._shutdown()
    except BaseException:  # noqa: B902
        pass
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120  # as the interpreter, when flushing stdout fails at exit
    return code


def handle(conn: socket.socket) -> None:
    """In a forked handler: fork the tool, report its pid, then its end. A client that goes
    away (killed by a test's timeout) takes the tool with it."""
    fds, request = recv_request(conn)
    theirs, ours = startup_env(request['env'], request['cwd']), startup_env(os.environ, SERVER_CWD)
    if theirs != ours:
        differ = sorted(k for k in set(theirs) | set(ours) if theirs.get(k) != ours.get(k))
        print(f'refused {request["argv"][0]}: {", ".join(differ)} differ', file=sys.stderr,
              flush=True)
        for fd in fds:
            os.close(fd)
        conn.sendall(STATUS.pack(-1, 0))  # the client starts a real interpreter
        return
    pid = os.fork()
    if pid == 0:
        conn.close()
        become_the_tool(fds, request)
    for fd in fds:
        os.close(fd)
    conn.sendall(STATUS.pack(pid, 0))
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            try:
                conn.sendall(STATUS.pack(status, 1))
            except OSError:
                pass
            return
        readable, _, _ = select.select([conn], [], [], 0.2)
        if readable and not conn.recv(1):
            os.kill(pid, signal.SIGKILL)


def preload() -> None:
    """What every tool imports first (clae_mm.utils.register_all_modules)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        import torch  # noqa: F401
        import clae_mm.datasets  # noqa: F401
        import clae_mm.engine  # noqa: F401
        import clae_mm.evaluation  # noqa: F401
        import clae_mm.models  # noqa: F401
        import mmengine.runner  # noqa: F401
    # each run formats its config once, not five times (tests/memo_config_format.py); and
    # mmengine's datasets call gc.collect() when they serialize (six times in a tiny training
    # run): the imported modules' objects, frozen, are not walked again in each run
    from tests.memo_config_format import memoize_config_formatting
    memoize_config_formatting()
    gc.freeze()


def serve(path: str) -> None:
    preload()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    parent = os.getppid()
    print('ready', flush=True)
    while True:
        while True:  # reap finished handlers
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        readable, _, _ = select.select([server], [], [], 1.0)
        if not readable:
            if os.getppid() != parent:  # the test session is gone
                return
            continue
        conn, _ = server.accept()
        if os.fork() == 0:
            server.close()
            try:
                handle(conn)
            finally:
                os._exit(0)
        conn.close()


if __name__ == '__main__':
    serve(sys.argv[1])
