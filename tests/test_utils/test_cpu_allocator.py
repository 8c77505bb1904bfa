"""keep_freed_memory_in_heap: freed activations stay in glibc's heap."""
import ctypes
import os
import subprocess
import sys

import pytest

from clae_mm.utils.cpu_allocator import ENV_KEYS

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def has_mallinfo2() -> bool:
    try:
        return hasattr(ctypes.CDLL('libc.so.6'), 'mallinfo2')
    except OSError:
        return False


# Allocate a 20 MiB activation, then free it, reading glibc's counters
# (mallinfo2: hblkhd = bytes in mmapped blocks, uordblks = heap bytes in use,
# arena = heap bytes from sbrk): the growth in MiB of the mmapped and the in-use
# heap bytes while it lives, and the MiB the heap gave back when it was freed
# (the heap's free space before the allocation varies, so its growth is not
# the measure).
SCRIPT = """
import ctypes, importlib.util, sys, torch
# the module alone: the package's imports (mmengine, mmpretrain) would triple the start-up
spec = importlib.util.spec_from_file_location('cpu_allocator',
                                              {repo!r} + '/clae_mm/utils/cpu_allocator.py')
cpu_allocator = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cpu_allocator)
keep_freed_memory_in_heap = cpu_allocator.keep_freed_memory_in_heap

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ('arena', 'ordblks', 'smblks', 'hblks', 'hblkhd',
                'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost')]

libc = ctypes.CDLL('libc.so.6')
libc.mallinfo2.restype = MallInfo2
applied = keep_freed_memory_in_heap() if sys.argv[1] == 'tuned' else None
before = libc.mallinfo2()
activation = torch.empty(5 * 2**20).fill_(1.0)
alive = libc.mallinfo2()
del activation
freed = libc.mallinfo2()
mib = 2**20
print(applied, (alive.hblkhd - before.hblkhd) // mib, (alive.uordblks - before.uordblks) // mib,
      max(alive.arena - freed.arena, 0) // mib)
"""


def run_probe(mode: str, extra_env=None):
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(extra_env or {})
    out = subprocess.run([sys.executable, '-c', SCRIPT.format(repo=REPO), mode], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return out[0], [int(v) for v in out[1:]]


@pytest.mark.skipif(not has_mallinfo2(), reason='needs glibc >= 2.33')
def test_freed_activation_stays_in_the_heap():
    # glibc's defaults: a 20 MiB block is mmapped and unmapped when freed.
    _, (mmapped, heap, _) = run_probe('default')
    assert mmapped >= 20 and heap < 20
    # Tuned: it comes from the heap and stays there for the next step.
    applied, (mmapped, heap, given_back) = run_probe('tuned')
    assert applied == 'True'
    assert mmapped == 0 and heap >= 20 and given_back == 0


@pytest.mark.skipif(not has_mallinfo2(), reason='needs glibc >= 2.33')
def test_user_environment_wins():
    applied, (mmapped, _, _) = run_probe('tuned', {'MALLOC_MMAP_THRESHOLD_': '131072'})
    assert applied == 'False' and mmapped >= 20
