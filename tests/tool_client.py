"""``python [-u] SCRIPT ARGS`` and ``python [-u] -m MODULE ARGS`` through tests/tool_server.py
(see there); anything else, or a refused request, runs the real interpreter. Started as
``REAL_PYTHON -S -E tool_client.py REAL_PYTHON SOCKET WRAPPER ARGS...`` by the executable
wrapper that tests/conftest.py writes (``tool_python``): standard library only, so that it
starts in milliseconds."""
import json
import os
import signal
import socket
import struct
import sys

STATUS = struct.Struct('!ii')  # as tests/tool_server.py
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
             signal.SIGUSR2)


def real_interpreter(python: str, args: list) -> None:
    os.execv(python, [python, *args])


def recv_status(conn: socket.socket):
    data = b''
    while len(data) < STATUS.size:
        chunk = conn.recv(STATUS.size - len(data))
        if not chunk:
            return None
        data += chunk
    return STATUS.unpack(data)


def main() -> None:
    python, path, wrapper, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    argv, module, unbuffered = list(args), None, False
    while argv and argv[0].startswith('-'):  # -u and -m MODULE; any other option: a real one
        if argv[0] == '-u':
            unbuffered = True
            argv.pop(0)
        elif argv[0] == '-m' and len(argv) > 1:
            module, argv = argv[1], argv[2:]
            break
        else:
            real_interpreter(python, args)
    if module is None and (not argv or not argv[0].endswith('.py')):
        real_interpreter(python, args)
    for fd in (0, 1, 2):  # a closed standard fd cannot be passed: what a real start would see
        try:
            os.fstat(fd)
        except OSError:
            real_interpreter(python, args)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        real_interpreter(python, args)
    payload = json.dumps(dict(argv=argv, module=module, unbuffered=unbuffered, cwd=os.getcwd(),
                              env=dict(os.environ), executable=wrapper)).encode()
    socket.send_fds(conn, [struct.pack('!Q', len(payload))], [0, 1, 2])
    conn.sendall(payload)
    reply = recv_status(conn)
    if reply is None or reply[0] < 0:  # refused: its environment needs a fresh interpreter
        conn.close()
        real_interpreter(python, args)
    pid = reply[0]
    for sig in FORWARDED:
        signal.signal(sig, lambda sig, _: os.kill(pid, sig))
    reply = recv_status(conn)
    if reply is None:
        sys.exit(1)  # the server died under the tool
    status = reply[0]
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == '__main__':
    main()
