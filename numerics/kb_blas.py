"""Limit OpenBLAS threads around the GKBA memory integrals.

The memory integrals are many thin matrix products (2–4 rows); OpenBLAS's thread pool makes
them 10–20× *slower* on a loaded 2-core machine (measured: 13 s vs 203 s for the same run).
``blas_threads(1)`` sets the thread count of every OpenBLAS loaded in the process (via
threadpoolctl when installed, else ctypes) and restores it afterwards.
"""
from __future__ import annotations

import contextlib
import ctypes

__all__ = ["blas_threads"]

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
            "openblas_set_num_threads64_", "openblas_set_num_threads")


def _openblas_libs():
    libs = []
    try:
        with open("/proc/self/maps") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.lower()}
    except OSError:
        return libs
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            if hasattr(lib, name):
                get = getattr(lib, name.replace("set_num", "get_num"), None)
                libs.append((getattr(lib, name), get))
                break
    return libs


@contextlib.contextmanager
def blas_threads(n: int | None = 1):
    """Run the body with ``n`` BLAS threads (``None``: leave unchanged)."""
    if n is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(limits=n, user_api="blas"):
            yield
        return
    libs = _openblas_libs()
    old = []
    for setter, getter in libs:
        old.append(getter() if getter is not None else None)
        setter(n)
    try:
        yield
    finally:
        for (setter, _), o in zip(libs, old):
            if o is not None:
                setter(o)
