"""Benchmark ``kb``: the GKBA quench solver.

Rows
  1. Wall time and peak memory (tracemalloc: NumPy allocations) vs the number of time steps
     N_t at fixed N_ξ = 60, with phonons (every step evaluates the O(N_ξ N_t) memory integrals),
     and the fitted exponent of wall ∝ N_t^p (expected p → 2 for the GKBA, 3 for a two-time
     solver; at small N_t the O(N_t) overheads pull p below 2).
  2. One Fig. 1b curve (ω_D = 0.04, λ_el-ph = 0.1, N_ξ = 160, dt = 0.1, t from −60 to 200):
     measured in a full run, extrapolated from row 1 with ``--quick``.  Goal:
     ≤ 10 min on 2 cores and ≤ 8 GB; ratio = goal / measured (> 1: goal met).
  3. The full two-time solver (``mode="full"``) at N_ξ = 12: CPU vs N_t, exponent, a small-grid
     check curve (N_ξ = 24, dt = 0.2, to t = 200) and the Fig. 1b curve extrapolated
     (∝ N_ξ N_t³; memory N_ξ N_t² · 64 B with the particle–hole reduction, which is timed
     against the unreduced solver) — why the long figure runs use the GKBA.
"""
from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace

import numpy as np

from floquetsym.app.bench import Row

__all__ = ["run"]


def _one(p, trace=True):
    """(wall s, CPU s, peak traced bytes) of one run; CPU time is robust to a loaded machine
    (the solver is single-threaded: BLAS is pinned to one thread)."""
    from numerics.kadanoff_baym import GKBAStepper
    if trace:
        tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    GKBAStepper(p).run()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    return wall, cpu, peak


def run(quick: bool) -> list[Row]:
    from numerics.kadanoff_baym import KBParams, memory_estimate
    nts = (150, 300, 600) if quick else (250, 500, 1000, 2000)
    base = dict(lam_i=0.25, lam_f=0.45, lam_ph=0.1, omega_d=0.16, dt=0.1, n_xi=60,
                temperature=0.005, t_prep=0.0, t_ramp=0.0)
    rows, walls = [], []
    _one(KBParams(**base, t_max=5.0), trace=False)             # warm-up (imports, caches)
    for nt in nts:
        p = KBParams(**base, t_max=nt * 0.1)
        wall, cpu, peak = _one(p)
        walls.append(cpu)
        rows.append(Row("kb", f"GKBA wall, N_xi=60, N_t={nt}", wall, "s"))
        rows.append(Row("kb", f"GKBA CPU time, N_xi=60, N_t={nt}", cpu, "s"))
        rows.append(Row("kb", f"GKBA peak NumPy memory, N_t={nt}", peak / 2**20, "MiB"))
    slope, icpt = np.polyfit(np.log(nts), np.log(walls), 1)
    rows.append(Row("kb", "scaling exponent p of CPU ∝ N_t^p (N_xi=60)", float(slope), "",
                    goal="2 (GKBA); 3 would be the two-time solver"))
    fig = KBParams(lam_i=0.25, lam_f=0.45, lam_ph=0.1, omega_d=0.04, dt=0.1, n_xi=160,
                   temperature=0.005, t_prep=60.0, t_ramp=30.0, t_max=200.0)
    mem = memory_estimate(fig)
    if quick:
        # wall ∝ N_ξ N_t² at large N_t: extrapolate from the largest measured point
        t_fig = walls[-1] * (fig.n_steps / nts[-1]) ** 2 * (fig.n_xi / 60)
        label = "one Fig. 1b curve to t=200 (CPU, extrapolated from row 1)"
    else:
        t_fig = _one(fig, trace=False)[0]
        label = "one Fig. 1b curve to t=200 (measured)"
    rows.append(Row("kb", label + ", N_xi=160, dt=0.1", t_fig, "s", "goal 600 s", 600.0,
                    600.0 / t_fig, "<= 600 s on 2 cores"))
    rows.append(Row("kb", "history memory of that curve", mem / 2**30, "GiB", "goal 8 GiB",
                    8.0, 8.0 / (mem / 2**30), "<= 8 GiB"))
    rows += _full_rows(quick, fig)
    return rows


def _full_rows(quick, fig):
    import warnings

    from floquetsym.result import ConvergenceWarning
    from numerics.kadanoff_baym import KBParams, run
    from numerics.kb_full import full_memory_estimate
    nts = (100, 200) if quick else (150, 300, 600)
    nx = 12
    cpus = []
    for nt in nts:
        p = KBParams(lam_i=0.25, lam_f=0.45, lam_ph=0.1, omega_d=0.16, dt=0.1, n_xi=nx,
                     temperature=0.005, t_prep=0.0, t_ramp=0.0, t_max=nt * 0.1, mode="full")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            c0 = time.process_time()
            run(p)
            cpus.append(time.process_time() - c0)
    rows = [Row("kb", f"full two-time CPU, N_xi={nx}, N_t={nt}", c, "s")
            for nt, c in zip(nts, cpus)]
    with warnings.catch_warnings():                  # baseline: all ξ points stepped
        warnings.simplefilter("ignore", ConvergenceWarning)
        c0 = time.process_time()
        run(p, symmetric=False)
        c_all = time.process_time() - c0
    rows.append(Row("kb", f"full two-time, particle–hole reduced (default), N_t={nts[-1]}",
                    cpus[-1], "s", f"all ξ points stepped: {c_all:.3g} s", c_all,
                    c_all / cpus[-1], "≈ 2× (half the ξ points)"))
    slope = float(np.polyfit(np.log(nts), np.log(cpus), 1)[0])
    rows.append(Row("kb", f"full two-time: exponent p of CPU ∝ N_t^p (N_xi={nx})", slope, "",
                    goal="3 asymptotically"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)         # dt = 0.2: deliberate
        chk = KBParams(lam_i=0.25, lam_f=0.45, lam_ph=0.1, omega_d=0.04, dt=0.2, n_xi=24,
                       temperature=0.005, t_prep=30.0, t_ramp=15.0, t_max=200.0, mode="full")
    t_chk = cpus[-1] * (chk.n_steps / nts[-1]) ** 3 * (chk.n_xi / nx)
    rows.append(Row("kb", "full two-time: ω_D=0.04 check curve to t=200 (N_xi=24, dt=0.2; "
                    "extrapolated N_t^3)", t_chk, "s"))
    rows.append(Row("kb", "full two-time: memory of that check curve",
                    full_memory_estimate(chk, symmetric=True) / 2**30, "GiB"))
    t_fig = cpus[-1] * (fig.n_steps / nts[-1]) ** 3 * (fig.n_xi / nx)
    rows.append(Row("kb", "full two-time: Fig. 1b curve (extrapolated, N_t^3)", t_fig, "s",
                    "goal 600 s", 600.0, 600.0 / t_fig, "<= 600 s"))
    mem = full_memory_estimate(replace(fig, mode="full"), symmetric=True)
    rows.append(Row("kb", "full two-time: memory of that curve", mem / 2**30, "GiB",
                    "goal 8 GiB", 8.0, 8.0 / (mem / 2**30), "<= 8 GiB"))
    return rows
