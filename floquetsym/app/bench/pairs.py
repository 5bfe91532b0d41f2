"""Benchmark ``pairs``: Eq. (D1) quadrature and mode-A pseudospin stepping.

Rows
  1. D1 at ω0 = 2Δ, γ = 1e-4Δ to 1e-8 relative: wall time of ``pair_excitations`` (warm),
     baseline mpmath.quad (same break points, 15 digits); plus the relative deviation.
  2. Mode A, 4000 ξ points: steps per second of :class:`numerics.pseudospin.DrivenDissipative`
     (CF4 Magnus, two exact SU(2) rotations + exact relaxation per step) vs the steps per second
     of scipy ``solve_ivp`` (RK45) on the same equations dS/dt = 2b(t)×S − relaxation.
  3. Wall time to reach t = one drive period (1/8 with --quick) at matched accuracy: ours
     with 192 steps per period; both final-state errors against a 512-steps-per-period CF4
     reference are printed in the row.
"""
from __future__ import annotations

import math
import time

import numpy as np

from floquetsym.app.bench import Row, timeit

__all__ = ["run"]


def _d1_rows(quick: bool) -> list[Row]:
    import mpmath

    from floquetsym import DriveParams
    from floquetsym.pairs import pair_excitations

    p = DriveParams(delta=1.0, theta=1.0e-2, omega0=2.0, gamma=1e-4)
    pair_excitations(p, rtol=1e-9)                     # warm: symbolic build + lambdify
    t_ours = timeit(lambda: pair_excitations(p, rtol=1e-9), repeat=3 if quick else 5,
                    number=5 if quick else 20)
    val = pair_excitations(p, rtol=1e-9).value
    s = math.sqrt(p.gamma)
    f = lambda x: 2 * x * x / (x * x + 1) / (p.gamma**2 + (2 * mpmath.sqrt(x * x + 1) - 2) ** 2)
    pts = [0, s / 4, s, 4 * s, 16 * s, 1, 10, mpmath.inf]

    def ref():
        with mpmath.workdps(20):
            return 2 * p.theta**2 * mpmath.quad(f, pts)

    t_ref = timeit(ref, repeat=1 if quick else 3)
    dev = abs(val - float(ref())) / abs(val)
    return [
        Row("pairs", "D1 pair_excitations, gamma=1e-4, rtol=1e-9", t_ours, "s",
            "mpmath.quad 20 digits", t_ref, t_ref / t_ours, "1e-8 rel"),
        Row("pairs", "D1 relative deviation from mpmath", dev, "rel", goal="< 1e-8"),
    ]


def _mode_a_rhs(grid, delta, theta, omega0, g1, g2):
    xi = grid.xi
    lam = np.sqrt(xi**2 + delta**2)
    e = np.stack([delta / lam, np.zeros_like(lam), xi / lam])
    n = xi.size

    def rhs(t, y):
        S = y.reshape(3, n)
        bx = delta + theta * math.cos(omega0 * t)
        cross = np.stack([-xi * S[1], xi * S[0] - bx * S[2], bx * S[1]])   # b × S, b=(bx,0,ξ)
        s_par = e[0] * S[0] + e[2] * S[2]
        relax = -g2 * (S - e * s_par) - g1 * (s_par + 1.0) * e
        return (2.0 * cross + relax).ravel()

    return rhs


def _mode_a_rows(quick: bool) -> list[Row]:
    from scipy.integrate import solve_ivp

    from numerics.pseudospin import DrivenDissipative, xi_grid

    grid = xi_grid(20.0, 4000)
    kw = dict(delta=1.0, theta=0.05, omega0=2.0, gamma=0.01)
    m = DrivenDissipative(grid, steps_per_period=48, **kw)
    n_steps = 48 if quick else 480
    m.start()
    t0 = time.perf_counter()
    for k in range(n_steps):
        m.S = m._advance(m.S, k * m.dt, m.dt)
    ours = n_steps / (time.perf_counter() - t0)

    rhs = _mode_a_rhs(grid, 1.0, 0.05, 2.0, m.gamma1, m.gamma2)
    y0 = m._initial().ravel()
    T = m.period / 8 if quick else m.period          # quick: 1/8 of a drive period
    t0 = time.perf_counter()
    sol = solve_ivp(rhs, (0.0, T), y0, method="RK45", rtol=1e-7, atol=1e-9)
    t_ivp = time.perf_counter() - t0
    ivp_steps = sol.t.size - 1
    theirs = ivp_steps / t_ivp

    # accuracy over one period, against a fine CF4 reference
    ref = DrivenDissipative(grid, steps_per_period=512, **kw)
    ref.start()
    s_ref = ref.advance_to(T)
    acc = DrivenDissipative(grid, steps_per_period=192, **kw)    # matched accuracy row
    acc.start()
    t0 = time.perf_counter()
    s_ours = acc.advance_to(T)
    t_ours = time.perf_counter() - t0
    err_ours = float(np.abs(s_ours - s_ref).max())
    err_ivp = float(np.abs(sol.y[:, -1].reshape(3, -1) - s_ref).max())
    return [
        Row("pairs", "mode A steps/s, 4000 xi", ours, "steps/s", "solve_ivp RK45 steps/s",
            theirs, ours / theirs, ">= 20x"),
        Row("pairs", f"mode A to t={T:.3g} (max err {err_ours:.1e} vs RK45 {err_ivp:.1e})",
            t_ours, "s", "solve_ivp RK45 rtol=1e-7", t_ivp, t_ivp / t_ours, ">= 20x"),
    ]


def run(quick: bool) -> list[Row]:
    return _d1_rows(quick) + _mode_a_rows(quick)
