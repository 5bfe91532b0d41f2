"""Benchmark ``ns``: n_s^(2) at (ω0 = 2Δ, γ = 1e-2Δ, T = 0) to 1e-6 relative, and ω0 scans.

Rows
  1. warm per-point time of ``superfluid_density(p, order=2, rtol=1e-7)`` (numeric recursion +
     graded adaptive Gauss–Kronrod) vs the baseline: ``mpmath.quad`` of the *same* integrand,
     same breakpoints, 1e-7 requested, measured in the same run; ratio = baseline / ours.
  2. the relative deviations of both from a reference at rtol = 1e-12 (goal < 1e-6).
  3. the numeric backend per point vs the symbolic one (hierarchy → traces → lambdify), same
     n_s^(2) point (the build time of the symbolic trace is printed in the row).
  4. a 200-point ω0 scan (quick: 40) on 2 processes vs serial (the scan uses both cores).
"""
from __future__ import annotations

import importlib
import time
import warnings

import numpy as np

from floquetsym.app.bench import Row, timeit

__all__ = ["run"]


def _baseline_mpmath(p, tol):
    import mpmath

    from floquetsym.observables import singular_energies
    from floquetsym.recursion import FloquetBlocks, ns_integrand

    def f(w):
        return complex(ns_integrand(FloquetBlocks(np.array([float(w)]), p), 2, 0)[0]).real

    bps = singular_energies(p, 2, 0)
    pts = [-mpmath.inf, *bps, mpmath.inf]
    with mpmath.workdps(15):
        return float(mpmath.quad(f, pts, error=False, maxdegree=8))


def run(quick: bool) -> list[Row]:
    from floquetsym import DriveParams
    from floquetsym.observables import scan_ns, superfluid_density
    from floquetsym.result import ConvergenceWarning

    p = DriveParams(theta=1.0, omega0=2.0, gamma=1e-2, temperature=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)     # θ = 1: coefficients
        ref = superfluid_density(p, order=2, rtol=1e-12).value
        superfluid_density(p, order=2, rtol=1e-7)
        t_ours = timeit(lambda: superfluid_density(p, order=2, rtol=1e-7), repeat=3 if quick else 5,
                        number=3 if quick else 10)
        ours = superfluid_density(p, order=2, rtol=1e-7).value
    t0 = time.perf_counter()
    base = _baseline_mpmath(p, 1e-7)
    t_base = time.perf_counter() - t0
    rows = [
        Row("ns", "n_s^(2) at 2Δ, γ=1e-2, T=0 (rtol 1e-7), warm per point", t_ours, "s",
            "mpmath.quad same integrand+breakpoints", t_base, t_base / t_ours,
            "<= 20 ms, >= 100x"),
        Row("ns", "n_s^(2) rel. deviation from rtol=1e-12 reference", abs(ours - ref) / abs(ref),
            "rel", "mpmath.quad deviation", abs(base - ref) / abs(ref), None, "< 1e-6"),
    ]
    try:
        importlib.import_module("floquetsym.traces")  # availability check (needs the hierarchy)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t0 = time.perf_counter()
            superfluid_density(p, order=2, rtol=1e-7, backend="symbolic")
            t_build = time.perf_counter() - t0
            t_sym = timeit(lambda: superfluid_density(p, order=2, rtol=1e-7, backend="symbolic"),
                           repeat=3)
        rows.append(Row("ns", f"n_s^(2) numeric backend per point (symbolic build {t_build:.1f} s)",
                        t_ours, "s", "symbolic (lambdified) backend", t_sym, t_sym / t_ours))
    except ImportError:  # pragma: no cover - hierarchy not available
        pass
    n = 40 if quick else 200
    w0 = np.linspace(0.2, 3.0, n)
    base2 = DriveParams(theta=0.05, gamma=1e-2)
    t0 = time.perf_counter()
    scan_ns(w0, base2, 2, workers=1)
    t_serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    scan_ns(w0, base2, 2, workers=2)
    t_par = time.perf_counter() - t0
    rows.append(Row("ns", f"{n}-point ω0 scan of n_s^(2), 2 processes", t_par, "s",
                    "same scan, serial", t_serial, t_serial / t_par, "uses both cores"))
    return rows
