"""``floquetsym bench bdg1d``: ms per step of the 1D BdG stepper vs N, against a dense expm step.

Rows: ms per step at N = 128, 256, 512, 1024 (quick: 64, 128, 256) with the fitted exponent
of t(N) (O(N²) expected), the dense baseline — build the 2N×2N H_BdG, U = expm(−iH dt),
propagate the N orbitals (O(N³)) — measured in the same run at the largest N ≤ 512, and (not
quick) the wall time of the full Fig. 3a run (N = 512, t = 200/J, including the thermal start).
BLAS threads are whatever the environment sets (set ``OPENBLAS_NUM_THREADS=1`` for one core).
"""
from __future__ import annotations

import time

import numpy as np

from floquetsym.app.bench import Row, timeit

__all__ = ["run"]


def _stepper(n, rng):
    from numerics.bdg1d import BdG1DParams, BdG1DStepper
    st = BdG1DStepper(BdG1DParams(n_sites=n, disorder_width=1.1, dt=0.05, seed=1))
    st.start({"orbitals": rng.standard_normal((n, 4, n)) / np.sqrt(2 * n)})
    st.advance(2)
    return st


def _dense_step(n, rng):
    import scipy.linalg as sla

    from numerics.bdg1d import bdg_hamiltonian
    delta = 0.3 * np.exp(1j * rng.uniform(0, 2 * np.pi, n))
    u = rng.uniform(-0.5, 0.5, n)
    v = rng.standard_normal((2 * n, n)) + 1j * rng.standard_normal((2 * n, n))

    def step():
        h = bdg_hamiltonian(delta, u, 1.0)
        return sla.expm(-1j * 0.05 * h) @ v
    return step


def run(quick: bool = False) -> list[Row]:
    rng = np.random.default_rng(0)
    sizes = (64, 128, 256) if quick else (128, 256, 512, 1024)
    rows, per = [], {}
    for n in sizes:
        st = _stepper(n, rng)
        k = max(2, int(20 * (256 / n) ** 2))
        per[n] = timeit(lambda: st.advance(k), repeat=3) / k
        rows.append(Row("bdg1d", f"step, N={n}", per[n] * 1e3, "ms",
                        goal="about 5 ms at N=512 (one core)" if n == 512 else ""))
    ns = np.array(sizes, float)
    slope = np.polyfit(np.log(ns), np.log([per[n] for n in sizes]), 1)[0]
    rows.append(Row("bdg1d", f"exponent of t_step(N), N={sizes[0]}..{sizes[-1]}", float(slope),
                    "", goal="2 (O(N^2))"))
    nb = max(n for n in sizes if n <= 512)
    dense = timeit(_dense_step(nb, rng), repeat=1 if nb >= 512 else 2)
    rows.append(Row("bdg1d", f"step, N={nb}", per[nb] * 1e3, "ms",
                    baseline=f"dense expm step N={nb}", baseline_value=dense * 1e3,
                    ratio=dense / per[nb], goal=">= 100x at N=512"))
    if not quick:
        from numerics.bdg1d import run as bdg_run, width_for_rate
        t0 = time.perf_counter()
        r = bdg_run(n_sites=512, disorder_width=width_for_rate(0.1), t_max=200.0, dt=0.05)
        wall = time.perf_counter() - t0
        rows.append(Row("bdg1d", "Fig. 3a run N=512, t=200/J, dt=0.05", wall, "s",
                        goal="<= 120 s on 2 cores"))
        rows.append(Row("bdg1d", "  of which thermal start (C3, dense eigh)",
                        r.meta["wall_start_s"], "s"))
        rows.append(Row("bdg1d", "  of which 4000 steps", r.meta["wall_steps_s"], "s"))
    return rows
