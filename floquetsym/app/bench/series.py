"""Benchmark ``series``: the θ-series coefficients of n_s to θ^8 (K = 4) at one point.

Rows
  1. ``ns_series(p, K=4)`` (Floquet-zone quadrature: all DC orders 0…8 and first-harmonic
     orders 1…7 from one recursion on a replicated grid, rtol 1e-7) per point vs the baseline
     measured in the same run: the nine per-order calls ``superfluid_density(p, order=k,
     harmonic=n)`` at the same rtol; ratio = baseline / ours.  Goal: ≤ 50 ms per point.
  2. the same against ``ns_series(p, K=4, method="line")`` (one adaptive real-line quadrature of
     the vector integrand, every singular energy a breakpoint), measured in the same run.
  3. the compiled recursion (:mod:`floquetsym.zone_kernels`, the default when Numba is
     installed) against the same zone quadrature on the NumPy backend (``compiled=False``, the
     method before), measured in the same run.
  4. the largest relative difference of the coefficients from the per-order calls (goal < 1e-6).
Point: ω0 = 1.5Δ, γ = 1e-2Δ, T = 0.
"""
from __future__ import annotations

import warnings

from floquetsym.app.bench import Row, timeit

__all__ = ["run"]


def run(quick: bool) -> list[Row]:
    from floquetsym import DriveParams
    from floquetsym.observables import superfluid_density
    from floquetsym.result import ConvergenceWarning
    from floquetsym.series import ns_series

    p = DriveParams(theta=0.0, omega0=1.5, gamma=1e-2, temperature=0.0)
    K, rtol = 4, 1e-7
    comps = [(2 * j, 0) for j in range(K + 1)] + [(2 * j + 1, 1) for j in range(K)]

    def per_order():
        return [superfluid_density(p, order=k, harmonic=n, rtol=rtol).meta["coefficient"]
                for k, n in comps]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reps = 1 if quick else 3
        from floquetsym import zone_kernels
        ns_series(p, K=K, rtol=rtol)                     # compile / load the compiled loops
        t_ours = timeit(lambda: ns_series(p, K=K, rtol=rtol), repeat=3 * reps)
        t_numpy = timeit(lambda: ns_series(p, K=K, rtol=rtol, compiled=False), repeat=3 * reps)
        t_line = timeit(lambda: ns_series(p, K=K, rtol=rtol, method="line"), repeat=reps)
        t_base = timeit(per_order, repeat=reps)
        s = ns_series(p, K=K, rtol=rtol)
        base = per_order()
    ns0 = s.ns0.value
    ours = list(s.c * ns0) + list(s.b * ns0)
    dev = max(abs(a - b) / abs(b) for a, b in zip(ours, base))
    what = "c_2..c_8 and n_s[1] to θ^7 at ω0=1.5Δ, γ=1e-2, T=0 (rtol 1e-7), per point"
    return [
        Row("series", what + " (zone quadrature)", t_ours, "s",
            "9 per-order superfluid_density calls", t_base, t_base / t_ours, "<= 50 ms"),
        Row("series", what + " (zone quadrature)", t_ours, "s",
            "ns_series(method='line'): one real-line quadrature", t_line, t_line / t_ours),
        Row("series", what + (" (zone quadrature, compiled recursion)" if zone_kernels.AVAILABLE
                              else " (zone quadrature; numba absent: NumPy)"), t_ours, "s",
            "the same on the NumPy backend (compiled=False)", t_numpy, t_numpy / t_ours),
        Row("series", "coefficients: max rel. difference from the per-order calls", float(dev), "",
            goal="< 1e-6"),
    ]
