"""Keep freed CPU memory in glibc's heap during training.

A CLAE step allocates and frees the activations of four forwards. With
glibc's defaults (a dynamic mmap threshold and a 128 KiB trim threshold) much
of that memory goes back to the kernel when it is freed and is page-faulted
in again by the next forward: on a 2-core CPU that was 0.8 s of kernel time in
a 10 s CLAE-SimCLR step (batch 64), against 0.06 s for the baseline's step,
whose pattern glibc's heuristics happen to keep (docs/benchmarks.md). Fixing
the mmap threshold at its 32 MiB maximum (which also stops the dynamic
adjustment) and never trimming the heap removes that churn; the process keeps
its peak heap, as the CUDA caching allocator keeps its peak reservation.
"""
import ctypes
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's maximum on 64-bit systems
TRIM_THRESHOLD = 2**31 - 1
ENV_KEYS = ('MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_')


def keep_freed_memory_in_heap() -> bool:
    """Apply the setting above to this process (and the workers it forks
    afterwards). Returns whether it took effect: False off glibc, and False
    (nothing changed) when the environment already sets either threshold, so
    that a user's ``MALLOC_*_`` variables win."""
    if any(key in os.environ for key in ENV_KEYS):
        return False
    try:
        libc = ctypes.CDLL('libc.so.6')
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
