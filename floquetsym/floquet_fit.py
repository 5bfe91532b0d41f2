r"""Perturbative coefficients extracted from the exact Floquet solver.

.. math::
    c_2 = \frac{n_s^{(2)}}{\theta^2 n_s^{(0)}},\qquad
    c_1 = \frac{|n_s[1]|}{\theta\, n_s^{(0)}},

where :math:`n_s^{(2)}` is the θ² part of the DC superfluid density and n_s[1] the amplitude of
:math:`e^{-i\omega_0 t}` (docs/conventions.md).  Method: the exact DC n_s and n_s[1], n_s[2] are
computed at θ = 0 and several small θ_j **on one shared ε mesh** (so the differences carry no
mesh noise; the mesh is refined until the θ-differences themselves are converged), then

* y_j = (n_s(θ_j) − n_s(0))/θ_j² is fitted by a polynomial in θ² (the expansion is even in θ:
  the drive θcos ω0t → −θ is a time shift by π/ω0, which leaves the DC part unchanged);
* n_s[1](θ_j)/θ_j (odd in θ) and n_s[2](θ_j)/θ_j² likewise.

The intercepts are the coefficients.  Their uncertainty adds the difference between fits of
degree d and d + 1 (Richardson-style truncation of the θ series), the quadrature and tail
errors divided by θ_j², and the truncation change M → M + 2 measured at the largest θ.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np

from .floquet import (_zone_blocks, adiabatic_tail, default_harmonics, richardson_window,
                      window_sums)
from .params import DriveParams, require, require_finite, require_int
from .result import ConvergenceWarning, Result

__all__ = ["perturbative_coefficients", "PerturbativeCoefficients", "default_thetas"]


@dataclass(frozen=True)
class PerturbativeCoefficients:
    """c2, c1 (and the complex amplitudes) fitted from exact n_s(θ); see module docstring."""

    c2: Result          # n_s^(2)/(θ² n_s^(0)), DC
    c1: Result          # |n_s[1]|/(θ n_s^(0))
    a1: Result          # n_s[1]/θ (complex, units m·σ_N/Δ)
    a2: Result          # n_s[2]/θ² (complex, the 2ω0 harmonic)
    ns0: Result         # n_s^(0)(γ, T) from the same mesh (θ = 0)
    thetas: np.ndarray
    ns_dc: np.ndarray   # exact DC n_s(θ_j)
    ns_1: np.ndarray    # exact n_s[1](θ_j)


def default_thetas(p: DriveParams, n: int = 5) -> np.ndarray:
    """θ_j = θ_max·(j/n), θ_max = 0.1·min(√(γΔ), Δ/2): near 2Δ the series runs in θ²/(γΔ)
    (paper: n_s^(2)/n_s^(0) ∝ −θ²/(Δγ)), so this keeps |c2|θ² ≲ 1e-2 there."""
    tmax = 0.1 * min(math.sqrt(p.gamma * p.delta), 0.5 * p.delta)
    return tmax * np.arange(1, n + 1) / n


def _fit(x2, y, degree: int):
    """Intercept of a least-squares polynomial of ``degree`` in x2 = θ², and the change when
    the degree is raised by one (if enough points), as its uncertainty."""
    def icpt(d):
        V = np.vander(x2, d + 1, increasing=True)
        return np.linalg.lstsq(V, y, rcond=None)[0][0]
    c = icpt(degree)
    alt = icpt(degree + 1) if x2.size > degree + 2 else icpt(degree - 1)
    return c, abs(c - alt)


def perturbative_coefficients(p: DriveParams, *, thetas=None, n_harmonics: int | None = None,
                              n_central: int | None = None, tol: float = 1e-7,
                              degree: int = 2, method: str = "eig",
                              progress: bool = False) -> PerturbativeCoefficients:
    """Fit c2 and c1 (module docstring) from the exact solver at ``thetas`` (p.theta ignored).

    ``tol``: absolute target, in units of n_s^(0) scale, for the θ-differences divided by θ²
    (i.e. on c2·n_s^(0)).  ``degree``: polynomial degree in θ² of the fits.
    """
    require(method in ("eig", "newton", "chiral"), "method", method, "'eig', 'newton' or 'chiral'")
    tol = require_finite("tol", tol)
    require(tol > 0, "tol", tol, "> 0")
    degree = require_int("degree", degree, lo=1)
    th = default_thetas(p) if thetas is None else np.asarray(thetas, dtype=float)
    require(th.ndim == 1 and th.size >= degree + 1, "thetas", thetas,
            f"a 1D sequence of at least degree + 1 = {degree + 1} values")
    require(bool(np.all(np.isfinite(th)) and np.all(th > 0)), "thetas", thetas, "> 0 and finite")
    th = np.sort(th)
    pmax = replace(p, theta=float(th[-1]))
    M0, Mc0 = default_harmonics(pmax)
    M = M0 if n_harmonics is None else require_int("n_harmonics", n_harmonics, lo=3)
    Mc = (Mc0 if n_harmonics is None else max(1, M - (M0 - Mc0))) if n_central is None \
        else require_int("n_central", n_central, lo=1, hi=M - 2)
    ks = (0, 1, 2)
    ps = [replace(p, theta=0.0)] + [replace(p, theta=float(t)) for t in th]
    jobs = [(q, M) for q in ps] + [(pmax, M + 2)]
    scale = 0.5 * p.delta * (math.tanh(p.delta / (2 * p.temperature)) if p.temperature else 1.0)
    inv2 = 1.0 / th ** 2

    def monitor(v):           # the quantities we fit: θ-differences / θ² and n_s[1]/θ
        dc = v[1:len(th) + 1, 0, :].sum(-1) - v[0, 0, :].sum(-1)
        h1 = v[1:len(th) + 1, 1, :].sum(-1)
        return max(np.max(np.abs(dc) * inv2), np.max(np.abs(h1) / th)) / scale

    I, qerr, n_eval = _zone_blocks(None, None, Mc, ks, tol, method, monitor=monitor,
                                   progress=progress, jobs=jobs)
    W = (Mc + 0.5) * p.omega0
    # window sums T_j (windows W_j = (Mc − j + ½)ω0, adiabatic tails beyond) → Richardson in W
    nj = 3 if Mc >= 2 else Mc + 1
    tails = [[adiabatic_tail(q, (Mc - j + 0.5) * p.omega0, ks) for j in range(nj)] for q in ps]
    T = np.array([window_sums(I[a, :3], [t[0] for t in tails[a]]) for a in range(len(ps))])
    terr = np.array([tails[a][0][1] for a in range(len(ps))])                    # (θ, k)
    trunc = np.abs(I[-1, :3].sum(-1) - I[len(th), :3].sum(-1))                    # at θ_max
    ns0 = float(T[0, 0, 0].real)
    x2 = th ** 2
    e_q = qerr * scale                                   # monitor was relative to scale
    ys = {0: (T[1:, :, 0] - T[0, None, :, 0]) * inv2[:, None],        # (θ, j)
          1: T[1:, :, 1] / th[:, None], 2: T[1:, :, 2] * inv2[:, None]}
    y, ey = {}, {}
    for k, arr in ys.items():
        ext = [richardson_window(row, Mc, p.omega0) for row in arr]
        y[k] = np.array([v for v, _ in ext])
        ey[k] = np.array([e for _, e in ext])
    ns_dc = ns0 + (y[0] * x2).real
    ns_1 = y[1] * th
    c2n, f2 = _fit(x2, y[0].real, degree)
    a1, f1 = _fit(x2, y[1], degree)
    a2, f22 = _fit(x2, y[2], degree)
    # e_q already refers to the monitored quantities (differences/θ², n_s[1]/θ)
    e2 = f2 + e_q + np.max(ey[0] + (terr[1:, 0] + terr[0, 0]) * inv2) + trunc[0] * inv2[-1]
    e1 = f1 + e_q + np.max(ey[1] + terr[1:, 1] / th) + trunc[1] / th[-1]
    e22 = f22 + e_q + np.max(ey[2] + terr[1:, 2] * inv2) + trunc[2] * inv2[-1]
    richardson = {"richardson_error": [float(np.max(ey[k])) for k in range(3)],
                  "window_correction": [float(np.max(np.abs(y[k] - ys[k][:, 0]))) for k in range(3)]}
    meta = {"thetas": th.tolist(), "n_harmonics": M, "n_central": Mc, "window": W,
            "n_eval": n_eval, "quadrature_error": float(e_q), "truncation_change": trunc.tolist(),
            "fit_degree": degree, "fit_change": [float(f2), float(f1), float(f22)],
            "method": method, **richardson}
    e0 = float(e_q + terr[0, 0] + trunc[0])
    ns0_r = Result(ns0, e0, replace(p, theta=0.0), dict(meta))
    c2 = c2n / ns0
    c2_err = float(e2 / ns0 + abs(c2) * e0 / ns0)
    c1 = abs(a1) / ns0
    c1_err = float(e1 / ns0 + c1 * e0 / ns0)
    if c2_err > 1e-3 * max(abs(c2), 1e-12) or c1_err > 1e-3 * max(c1, 1e-12):
        warnings.warn(f"perturbative_coefficients: c2 = {c2:.6g} ± {c2_err:.1e}, "
                      f"c1 = {c1:.6g} ± {c1_err:.1e} are uncertain beyond 1e-3 relative; "
                      "lower the thetas or tol", ConvergenceWarning, stacklevel=2)
    return PerturbativeCoefficients(
        c2=Result(float(c2), c2_err, p, dict(meta, quantity="c2")),
        c1=Result(float(c1), c1_err, p, dict(meta, quantity="c1")),
        a1=Result(complex(a1), float(e1), p, dict(meta, quantity="n_s[1]/theta")),
        a2=Result(complex(a2), float(e22), p, dict(meta, quantity="n_s[2]/theta^2")),
        ns0=ns0_r, thetas=th, ns_dc=ns_dc, ns_1=ns_1)
