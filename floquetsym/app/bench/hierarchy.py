"""Benchmark of the symbolic hierarchy and its kernels.

Rows: time to generate the hierarchy from scratch (fresh process: orders 2 and 4, quick: 2
and 3), warm import time of a cached kernel (fresh process, cache pre-warmed), and ns per
ω-point of the order-2 Keldysh kernel g^(2)K_0 against a plain ``sympy.lambdify`` (no cse)
of the same block, measured in the same run on the same arguments.
Goals: warm import ≤ 2 s; kernel ≥ 3× faster than the naive lambdify.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from floquetsym.app.bench import Row, timeit

__all__ = ["run"]

_GEN = """
import time
t0 = time.perf_counter()
from floquetsym.hierarchy_solve import hierarchy
h = hierarchy(order={n})
for k in range({n} + 1):
    for m in h.shifts(k):
        h[k, m]
print(time.perf_counter() - t0)
"""

_WARM = """
import time
t0 = time.perf_counter()
import numpy as np
from floquetsym import DriveParams
from floquetsym.kernels import block_kernel
block_kernel(2, 0, "K")(np.linspace(-2, 2, 5), DriveParams())
import sys
assert "sympy" not in sys.modules
print(time.perf_counter() - t0)
"""


def _subprocess_seconds(code: str, env=None, timeout=1800) -> tuple[float, float]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=timeout, check=True)
    return float(out.stdout.strip().splitlines()[-1]), time.perf_counter() - t0


def run(quick: bool) -> list[Row]:
    rows = []
    for n in ((2, 3) if quick else (2, 4)):
        inner, _ = _subprocess_seconds(_GEN.format(n=n))
        rows.append(Row("hierarchy", f"generate orders 0..{n} from scratch", inner, "s"))

    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, FLOQUETSYM_CACHE_DIR=d)
        env.pop("FLOQUETSYM_NO_CACHE", None)
        cold, cold_wall = _subprocess_seconds(_WARM.replace('assert "sympy" not in sys.modules', ""), env)
        warm, warm_wall = _subprocess_seconds(_WARM, env)
    rows.append(Row("hierarchy", "cold: first kernel g2K (generate+cache)", cold, "s"))
    rows.append(Row("hierarchy", "warm import+call of cached kernel (no SymPy)", warm, "s",
                    baseline="cold path", baseline_value=cold, ratio=cold / warm, goal="<= 2 s"))
    rows.append(Row("hierarchy", "warm: whole subprocess wall time", warm_wall, "s"))

    import sympy as sp

    from floquetsym.hierarchy_solve import hierarchy
    from floquetsym.kernels import block_kernel, shifted_values
    from floquetsym.params import DriveParams

    p = DriveParams(delta=1.0, omega0=1.7, gamma=1e-2, temperature=0.1)
    npts = 20_000 if quick else 200_000
    w = np.linspace(-4, 4, npts)
    bk = block_kernel(2, 0, "K")
    kern = bk.kernel
    vals = shifted_values(w, p, kern.args)
    args = [vals[a] for a in kern.args]
    expr = hierarchy(order=2).block(2, 0, "K")
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    naive = sp.lambdify(syms, expr, modules="numpy", cse=False)
    nargs = [vals[s.name] for s in syms]
    t_kernel = timeit(lambda: kern.fn(*args), repeat=3)
    t_full = timeit(lambda: bk(w, p), repeat=3)
    t_naive = timeit(lambda: naive(*nargs), repeat=3)
    rows.append(Row("hierarchy", "g2K_0 kernel (cse), generated code only", t_kernel / npts * 1e9,
                    "ns/pt", baseline="sympy.lambdify, no cse", baseline_value=t_naive / npts * 1e9,
                    ratio=t_naive / t_kernel, goal=">= 3x"))
    rows.append(Row("hierarchy", "g2K_0 kernel incl. zeroth-order inputs", t_full / npts * 1e9,
                    "ns/pt", baseline="sympy.lambdify, no cse", baseline_value=t_naive / npts * 1e9,
                    ratio=t_naive / t_full, goal=">= 3x"))
    return rows
