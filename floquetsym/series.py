r"""The θ-series of the superfluid density to high order, how far it holds, and its resummation.

Series (paper Eqs. A2–A6 carried to order 2K; units and signs of :mod:`floquetsym.conventions`)

.. math::
    \frac{n_{s,DC}(\theta)}{n_s^{(0)}} = 1 + \sum_{j=1}^{K} c_{2j}\,\theta^{2j},\qquad
    c_{2j} = \frac{n_s^{(2j)}[0]}{\theta^{2j}\,n_s^{(0)}},

    \frac{n_s[1](\theta)}{n_s^{(0)}} = \sum_{j\ge0} b_{2j+1}\,\theta^{2j+1},\qquad
    \frac{|n_s[1]|}{n_s^{(0)}} = \theta\,|b_1|\,\Big|1 + \sum_{j\ge1}\frac{b_{2j+1}}{b_1}\theta^{2j}\Big|
    = \sum_{j\ge0} d_{2j+1}\,\theta^{2j+1},

(the DC part is even in θ: θ → −θ is the time shift t → t + π/ω0; the first harmonic is odd).
The d's follow from the b's by power-series arithmetic in x = θ²:
:math:`|1+u|^2 = (1+u)(1+\bar u)` and a series square root.

:func:`ns_series` computes every :math:`n_s^{(k)}[n]/\theta^k` with k ≤ 2K in **one**
quadrature of a vector integrand folded onto half a Floquet zone (all orders share the blocks
of the recursion, :mod:`floquetsym.recursion`, solved once on a replicated grid, and the
panels), with the quadrature error of each component.

How far the series holds (x = θ²; the DC coefficients are real):

* ratio / Domb–Sykes: for a nearest singularity :math:`(1 - x/x_c)^{-\alpha}`,
  :math:`c_{2j}/c_{2j-2} = x_c^{-1}(1 - (1-\alpha)/j)`, linear in 1/j; the intercept at
  1/j → 0 gives :math:`1/x_c` and :math:`\theta_c = |x_c|^{1/2}` (:func:`domb_sykes`);
* Padé approximants [L/M] in x (:func:`pade`): the smallest |pole| gives another
  :math:`\theta_c` estimate (:func:`pade_poles`), and the approximant itself a resummation.

Checked on closed forms (toy series with known radius and exponent) in the tests; compared with
the exact truncated-Floquet solution (:func:`floquetsym.floquet.floquet_solve`, which does not
use the recursion) in :func:`c4_from_exact` and ``docs/series.md``.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import zone_kernels
from .integrate import graded_panels, integrate_panels, integrate_real_line
from .observables import GAMMA_MIN, singular_energies
from .params import DriveParams, require, require_finite, require_int
from .recursion import FloquetBlocks, ns_integrand
from .result import ConvergenceWarning, Result
from .validity import check_domain

__all__ = ["ns_series", "NsSeries", "zone_layout", "abs_series", "domb_sykes", "pade", "pade_poles",
           "partial_sums", "departure_theta", "c4_from_exact"]


@dataclass(frozen=True)
class NsSeries:
    """Coefficients of the θ-series of n_s (module docstring), with error estimates.

    ``c[j]``, ``c_err[j]``: c_{2j} (c[0] = 1) of n_s,DC/n_s^(0);  ``b[j]``, ``b_err[j]``:
    b_{2j+1} (complex) of n_s[1]/n_s^(0);  ``d[j]``, ``d_err[j]``: d_{2j+1} of |n_s[1]|/n_s^(0);
    ``ns0``: n_s^(0) (γ, T) as a Result.  ``meta``: quadrature diagnostics."""

    params: DriveParams
    K: int
    c: np.ndarray
    c_err: np.ndarray
    b: np.ndarray
    b_err: np.ndarray
    d: np.ndarray
    d_err: np.ndarray
    ns0: Result
    meta: dict = field(default_factory=dict, compare=False)

    def dc(self, theta, order: int | None = None):
        """Truncated DC series n_s,DC/n_s^(0) at θ, through θ^order (default 2K)."""
        order = 2 * self.K if order is None else require_int("order", order, 0, 2 * self.K)
        x = np.asarray(theta, dtype=float) ** 2
        return np.polynomial.polynomial.polyval(x, self.c[: order // 2 + 1])

    def pade(self, L: int, M: int):
        """The [L/M] Padé approximant in x = θ² of the DC series, as a function of θ."""
        num, den = pade(self.c, L, M)
        return lambda theta: (np.polynomial.polynomial.polyval(np.asarray(theta, float) ** 2, num)
                              / np.polynomial.polynomial.polyval(np.asarray(theta, float) ** 2, den))


def _components(K: int):
    """(order, harmonic) of every integrand component: DC orders 0..2K, harmonic 1 orders
    1..2K−1."""
    return [(2 * j, 0) for j in range(K + 1)] + [(2 * j + 1, 1) for j in range(K)]


def ns_series(p: DriveParams, K: int = 6, *, rtol: float = 1e-9, atol: float = 1e-14,
              max_panels: int | None = None, method: str = "zone",
              compiled: bool | None = None) -> NsSeries:
    r"""DC coefficients c_2 … c_2K of n_s,DC/n_s^(0) and first-harmonic coefficients
    (module docstring) in one vector quadrature; ``p.theta`` is not used.

    ``method="zone"`` (default): the Floquet-zone quadrature.  With f_{k,n} the integrand of
    n_s^{(k)}[n]/θ^k, particle–hole symmetry (f_{k,0}(−ω) = f_{k,0}(ω),
    f_{k,1}(−ω−ω0) = f_{k,1}(ω)) folds the line onto u ∈ [0, ω0/2]:

    .. math::
        \int f_{k,n}\,d\omega = 2\int_0^{\omega_0/2}\!du\sum_{r=-N-n}^{N}
        f_{k,n}(u + r\omega_0) + 2\int_{(N+1/2)\omega_0}^{\infty} f_{k,n}\,d\omega,
        \qquad n \in \{0, 1\},

    every row u + rω0 of a column from one recursion on a replicated grid (shifted blocks are
    other rows), Gauss–Kronrod (7, 15) panels graded towards the folded singular energies,
    error |K15 − G7| per panel (QUADPACK's estimate) summed (:func:`zone_layout`,
    docs/series.md).  ``method="line"``: the adaptive
    real-line quadrature of the per-order calls (:func:`floquetsym.integrate.integrate_real_line`
    with every singular energy as a breakpoint), slower, kept as the independent reference.
    ``rtol``/``atol``: per component, relative to |n_s^{(k)}[n]/θ^k| and absolute
    (the zone quadrature reaches ~1e-10 relative; below, its round-off floor stops it with a
    ConvergenceWarning).  ``max_panels``: panel budget (default 400 for "zone", each panel a
    column of every row; 40000 for "line").  ``compiled`` ("zone" only): the recursion's
    products, solves and traces by the compiled loops of :mod:`floquetsym.zone_kernels`
    (``None``: when Numba is installed; ``False``: the NumPy backend, the same numbers to
    rounding, ~2× slower).  Each
    coefficient's error adds the quadrature error of its component, the size of the imaginary
    part of the DC terms (which must vanish), and the propagated error of n_s^(0).
    """
    require(isinstance(p, DriveParams), "p", type(p).__name__, "a DriveParams")
    K = require_int("K", K, 1, 40)
    require(method in ("zone", "line"), "method", method, "'zone' or 'line'")
    rtol = require_finite("rtol", rtol)
    require(1e-14 <= rtol < 1e-2, "rtol", rtol, "in [1e-14, 1e-2)")
    require(p.gamma >= GAMMA_MIN * p.delta, "gamma", p.gamma, f">= {GAMMA_MIN:g}*delta")
    check_domain("superfluid_density", p)
    require(compiled is None or isinstance(compiled, bool), "compiled", compiled,
            "None, True or False")
    require(not (compiled and method != "zone"), "compiled", compiled,
            "None or False with method='line'")
    require(not (compiled and not zone_kernels.AVAILABLE), "compiled", compiled,
            "None or False: numba is not installed")
    compiled = zone_kernels.AVAILABLE if compiled is None else compiled
    if max_panels is None:
        max_panels = 400 if method == "zone" else 40000
    max_panels = require_int("max_panels", max_panels, 1)
    comps = _components(K)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        if method == "zone":
            q = _zone_integrals(p, K, comps, rtol=rtol, atol=atol, max_panels=max_panels,
                                compiled=compiled)
        else:
            def f(w):
                blocks = FloquetBlocks(w, p)
                return np.stack([ns_integrand(blocks, k, n) for k, n in comps], axis=-1)
            q = integrate_real_line(f, singular_energies(p, 2 * K, 0), width=0.5 * p.gamma,
                                    scale=max(p.delta, p.omega0), rtol=rtol, atol=atol,
                                    max_panels=max_panels,
                                    condition=(p.delta + p.omega0) / p.gamma)
    for w in caught:
        warnings.warn(str(w.message), ConvergenceWarning, stacklevel=2)
    val = np.asarray(q.value, dtype=complex)
    err = np.asarray(q.error, dtype=float)
    a = val[: K + 1].real
    a_err = err[: K + 1] + np.abs(val[: K + 1].imag)
    ns0, e0 = a[0], a_err[0]
    c = a / ns0
    c_err = np.abs(c) * (a_err / np.abs(a) + e0 / abs(ns0))
    c_err[0] = 0.0
    b = val[K + 1:] / ns0
    b_err = np.abs(b) * (err[K + 1:] / np.maximum(np.abs(val[K + 1:]), 1e-300) + e0 / abs(ns0))
    d, d_err = abs_series(b, b_err)
    meta = {"quadrature": q.as_meta(), "components": comps, "rtol": rtol, "atol": atol,
            "method": method, "compiled": bool(compiled and method == "zone"), "units": "coefficients of theta^k in units of Delta^-k"}
    ns0_r = Result(float(ns0), float(e0), p, {"quantity": "n_s^(0)", "units": "m*sigma_N"})
    return NsSeries(p, K, c, c_err, b, b_err, d, d_err, ns0_r, meta)


#: largest number of grid nodes (rows × columns) of one recursion call (memory ≈ 25 kB a node)
ZONE_CHUNK = 8000


def zone_layout(p: DriveParams, K: int, *, grading: float = 3.0) -> dict:
    r"""The grid of :func:`_zone_integrals`: half-zone panel edges, rows and tail start.

    Columns: u ∈ [0, ω0/2], panels graded (first width γ, ratio ``grading``) towards the
    folded singular energies u = 0 (T = 0 jumps of h, resonances −jω0/2 with j even),
    u = ω0/2 (j odd) and u_Δ = |((Δ + ω0/2) mod ω0) − ω0/2| (gap edges ±Δ − jω0).
    Rows r (ω = u + rω0): the integration rows |r| ≤ N (DC) and −N−1 ≤ r ≤ N (first
    harmonic), W = (N + ½)ω0 ≥ Kω0 + Δ + max(Δ, ω0)/2 (beyond the last singular energy
    Kω0 + Δ of the order-2K integrand), plus K rows of margin on each side for the shifts."""
    half = 0.5 * p.omega0
    width = p.gamma
    ud = abs(((p.delta + half) % p.omega0) - half)
    pts = [0.0, half] + ([ud] if width < ud < half - width else [])
    pts = np.unique(pts)
    edges = np.unique(np.concatenate([graded_panels(a, b, width, ratio=grading)
                                      for a, b in zip(pts[:-1], pts[1:])]))
    n_rows = int(math.ceil((K * p.omega0 + p.delta + 0.5 * max(p.delta, p.omega0)) / p.omega0
                           - 0.5))
    rows = np.arange(-(n_rows + 1 + K), n_rows + K + 1)
    return {"edges": edges, "N": n_rows, "rows": rows, "W": (n_rows + 0.5) * p.omega0,
            "singular": pts}


def _zone_integrals(p: DriveParams, K: int, comps, *, rtol, atol, max_panels,
                    compiled: bool = False):
    r"""∫ f_{k,n}(ω) dω for every component (k, n) of ``comps``, folded onto half a Floquet zone.

    With f_{k,n} the integrand of n_s^{(k)}[n]/θ^k (:func:`floquetsym.recursion.ns_integrand`),
    particle–hole symmetry gives f_{k,0}(−ω) = f_{k,0}(ω) and f_{k,1}(−ω−ω0) = f_{k,1}(ω)
    (checked in the tests), so with u ∈ [0, ω0/2] and W = (N + ½)ω0

    .. math::
        \int_{-\infty}^{\infty} f_{k,0}\,d\omega
          = 2\int_0^{\omega_0/2}\!du\sum_{|r|\le N} f_{k,0}(u + r\omega_0)
          + 2\int_W^\infty f_{k,0}\,d\omega,

        \int_{-\infty}^{\infty} f_{k,1}\,d\omega
          = 2\int_0^{\omega_0/2}\!du\sum_{r=-N-1}^{N} f_{k,1}(u + r\omega_0)
          + 2\int_W^\infty f_{k,1}\,d\omega .

    All rows of a column u are one recursion on the replicated grid (``FloquetBlocks(...,
    row_length=...)``: the shifted blocks g(ω + jω0) are other rows, only the j = 0 blocks are
    solved); the tail nodes ω = W/v, v ∈ (0, 1], are columns of the same grid whose row 0 is
    used.  Both parts are integrated by the adaptive Gauss–Kronrod (7, 15) rule of
    :func:`floquetsym.integrate.integrate_panels` (error: QUADPACK's estimate from |K15 − G7|
    per panel, summed over panels, plus the round-off floor)."""
    lay = zone_layout(p, K)
    rows, n_rows, W, edges = lay["rows"], lay["N"], lay["W"], lay["edges"]
    half = 0.5 * p.omega0
    wts = np.zeros((rows.size, len(comps)))
    for i, (_, n) in enumerate(comps):
        wts[(rows >= -n_rows - n) & (rows <= n_rows), i] = 2.0
    r0 = int(np.searchsorted(rows, 0))
    step = max(1, ZONE_CHUNK // rows.size)

    def folded(t):
        out = np.empty((t.size, len(comps)), dtype=complex)
        for c0 in range(0, t.size, step):
            u = t[c0:c0 + step]
            w = (u[None, :] + rows[:, None] * p.omega0).ravel()
            blocks = FloquetBlocks(w, p, row_length=u.size, compiled=compiled)
            v = np.stack([ns_integrand(blocks, k, n) for k, n in comps], axis=-1)
            v = v.reshape(rows.size, u.size, len(comps))
            o = np.einsum("rcq,rq->cq", np.where(wts[:, None, :] != 0, v, 0), wts)
            tail = u > half
            o[tail] = 2.0 * v[r0, tail]
            if not np.all(np.isfinite(o)):      # a row outside the margin: a layout error
                raise RuntimeError("zone quadrature: integrand not finite on the used rows")
            out[c0:c0 + step] = o
        return out

    tail = np.array([0.0, 1.0])
    lo = np.concatenate([edges[:-1], tail[:-1]])
    hi = np.concatenate([edges[1:], tail[1:]])
    kind = np.concatenate([np.zeros(edges.size - 1, int), np.ones(tail.size - 1, int)])
    return integrate_panels(folded, lo, hi, kind, tail_start=W, rtol=rtol, atol=atol,
                            max_panels=max_panels, condition=(p.delta + p.omega0) / p.gamma,
                            breakpoints=list(lay["singular"]), stacklevel=4)


def _series_sqrt(s: np.ndarray) -> np.ndarray:
    """Power series r with r² = s (s[0] > 0), same length."""
    r = np.zeros_like(s)
    r[0] = math.sqrt(s[0])
    for n in range(1, s.size):
        r[n] = (s[n] - np.dot(r[1:n], r[n - 1:0:-1])) / (2 * r[0])
    return r


def _abs_coeffs(b: np.ndarray) -> np.ndarray:
    if b[0] == 0:
        raise ValueError("b_1 = 0: |n_s[1]| has no θ¹ term to expand about")
    u = b / b[0]                                        # 1 + u(x), u[0] = 1
    n = u.size
    s = np.array([np.sum(u[: j + 1] * np.conj(u[j::-1])).real for j in range(n)])
    return abs(b[0]) * _series_sqrt(s)


def abs_series(b, b_err=None):
    """Coefficients d_{2j+1} of |Σ_j b_{2j+1} θ^{2j+1}| (module docstring) and their errors
    (the largest change when each b is moved by its error along its real and imaginary axis)."""
    b = np.asarray(b, dtype=complex)
    d = _abs_coeffs(b)
    if b_err is None:
        return d, np.zeros_like(d)
    dev = np.zeros_like(d)
    for i, e in enumerate(np.asarray(b_err, float)):
        for step in (e, 1j * e):
            bb = b.copy()
            bb[i] += step
            dev = np.maximum(dev, np.abs(_abs_coeffs(bb) - d))
    return d, dev


def partial_sums(c, x):
    """Partial sums S_n(x) = Σ_{j ≤ n} c_j x^j, n = 0..len(c)−1, as an array (n, len(x))."""
    x = np.atleast_1d(np.asarray(x, dtype=float))
    terms = np.asarray(c)[:, None] * x[None, :] ** np.arange(len(c))[:, None]
    return np.cumsum(terms, axis=0)


def domb_sykes(c, *, last: int = 3) -> dict:
    r"""Radius of convergence in x from the ratios r_j = c_j/c_{j−1} (module docstring).

    Fits r_j = A + B/j through the last ``last`` + 1 ratios (least squares); 1/A = x_c and
    α = 1 + B/A.  Returns ``x_c``, ``alpha``, the naive ratio radius |c_{n−1}/c_n|, and
    ``x_c_err``: the change δ of x_c when the fit drops its last ratio, times n/2 (if the
    ratios deviate from the 1/j line by O(1/j²), the estimate from ratios up to n misses by
    ≈ δ·n/2); exact for a pure power-law singularity, where δ = 0."""
    c = np.asarray(c, dtype=float)
    require(c.ndim == 1 and c.size >= 3, "c", c, "at least 3 coefficients")
    require(bool(np.all(c[1:] != 0)), "c", c, "non-zero coefficients beyond c_0")
    j = np.arange(1, c.size)
    r = c[1:] / c[:-1]

    def fit(rr, jj):
        V = np.vstack([np.ones_like(jj, float), 1.0 / jj]).T
        A, B = np.linalg.lstsq(V, rr, rcond=None)[0]
        return A, B

    n = min(last + 1, r.size)
    A, B = fit(r[-n:], j[-n:])
    xc = 1.0 / A if A != 0 else math.inf
    if r.size >= 3:
        n2 = min(n, r.size - 1)
        A2, _ = fit(r[-n2 - 1:-1], j[-n2 - 1:-1])
        xc2 = 1.0 / A2 if A2 != 0 else math.inf
        xerr = abs(xc - xc2) * j[-1] / 2
    else:
        xerr = math.inf
    return {"x_c": xc, "alpha": 1.0 + B / A if A != 0 else math.nan,
            "x_c_err": xerr, "ratio_radius": abs(c[-2] / c[-1]),
            "theta_c": math.sqrt(abs(xc)), "sign_pattern": "alternating" if A < 0 else "fixed"}


def pade(c, L: int, M: int):
    """[L/M] Padé approximant of Σ c_j x^j: (numerator p_0..p_L, denominator q_0 = 1..q_M),
    from c_0 … c_{L+M} (solves the linear system Σ_k q_k c_{n−k} = 0, n = L+1..L+M)."""
    c = np.asarray(c)
    L = require_int("L", L, 0)
    M = require_int("M", M, 0)
    require(c.size >= L + M + 1, "L + M", L + M, f"<= {c.size - 1} (number of coefficients − 1)")
    if M == 0:
        return c[: L + 1].copy(), np.array([1.0])
    C = np.array([[c[n - k] if n - k >= 0 else 0.0 for k in range(1, M + 1)]
                  for n in range(L + 1, L + M + 1)])
    rhs = -c[L + 1: L + M + 1]
    try:
        q = np.concatenate([[1.0], np.linalg.solve(C, rhs)])
    except np.linalg.LinAlgError:
        raise ValueError(f"[L/M] = [{L}/{M}] is not allowed: the Padé system is singular (a "
                         "degenerate block of the Padé table; use a smaller M)") from None
    pnum = np.array([sum(q[k] * c[n - k] for k in range(0, min(n, M) + 1)) for n in range(L + 1)])
    return pnum, q


def pade_poles(c, L: int, M: int, *, tol: float = 1e-6):
    """Poles (in x) of the [L/M] approximant, sorted by modulus; a pole within ``tol``
    (relative) of a zero of the numerator is a Froissart doublet and is dropped."""
    num, den = pade(c, L, M)
    if den.size < 2:
        return np.array([])
    poles = np.roots(den[::-1])
    zeros = np.roots(num[::-1]) if num.size > 1 else np.array([])
    keep = [z for z in poles if not np.any(np.abs(zeros - z) < tol * max(1.0, abs(z)))]
    return np.array(sorted(keep, key=abs))


def departure_theta(thetas, approx, exact, *, rel: float = 0.02) -> float:
    """The smallest θ of the (increasing) grid ``thetas`` where |approx/exact − 1| > ``rel``
    (linear interpolation between grid points); ``inf`` if it never departs."""
    th = np.asarray(thetas, float)
    dev = np.abs(np.asarray(approx, float) / np.asarray(exact, float) - 1.0)
    bad = np.nonzero(dev > rel)[0]
    if bad.size == 0:
        return math.inf
    i = bad[0]
    if i == 0:
        return float(th[0])
    t0, t1, d0, d1 = th[i - 1], th[i], dev[i - 1], dev[i]
    return float(t0 + (rel - d0) * (t1 - t0) / (d1 - d0))


def c4_from_exact(p: DriveParams, thetas, *, degree: int = 3, tol: float = 1e-9,
                  n_harmonics: int | None = None, method: str = "chiral") -> dict:
    r"""c_2 and c_4 fitted from the exact truncated-Floquet DC n_s on a θ ladder.

    y_j = (n_s(θ_j)/n_s(0) − 1)/θ_j² = c_2 + c_4θ_j² + c_6θ_j⁴ + … is fitted by a polynomial
    of ``degree`` in θ² (Richardson extrapolation of the ladder to θ → 0 for c_2, and of the
    first difference quotient for c_4).  The exact values share one ε mesh
    (:func:`floquetsym.floquet_fit.perturbative_coefficients`), so their differences carry no
    mesh noise.  Uncertainty: the change from degree ``degree`` − 1, the propagated per-point
    error of the θ-differences (quadrature, Richardson window, truncation M → M+2) and the
    relative error of n_s(0) (``c4_err_parts``: the three, so that a caller can see whether a
    smaller ladder — the degree change, ∝ θ_max^6 — or a larger Floquet truncation — the
    window-Richardson part of the propagated error — resolves c_4 better).  ``method``: the
    Floquet solve at each ε node
    (:func:`floquetsym.floquet_fit.perturbative_coefficients`; "chiral" = the half-size
    eigenproblem, "eig" = the full one, the same numbers to rounding)."""
    from .floquet_fit import perturbative_coefficients
    th = np.sort(np.asarray(thetas, float))
    require(th.size >= degree + 2, "thetas", thetas, f"at least degree + 2 = {degree + 2} values")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pc = perturbative_coefficients(p, thetas=th, tol=tol, degree=min(degree, th.size - 2),
                                       n_harmonics=n_harmonics, method=method)
    ns0 = pc.ns0.value
    x = th ** 2
    y = (pc.ns_dc / ns0 - 1.0) / x
    meta = pc.c2.meta
    # errors of the θ-differences (shared mesh: the common errors of n_s(0) cancel in them);
    # n_s(0)'s own error only rescales y, added below as a relative error
    ey = (meta["quadrature_error"] + meta["richardson_error"][0]
          + meta["truncation_change"][0] / x[-1]) / abs(ns0)
    rel0 = abs(pc.ns0.error / ns0)

    def coeffs(d):
        V = np.vander(x, d + 1, increasing=True)
        sol = np.linalg.lstsq(V, y, rcond=None)[0]
        cov = np.linalg.inv(V.T @ V)
        return sol, np.sqrt(np.diag(cov)) * ey
    sol, prop = coeffs(degree)
    alt, _ = coeffs(degree - 1)
    parts = {"degree": float(abs(sol[1] - alt[1])), "propagated": float(prop[1]),
             "ns0": float(rel0 * abs(sol[1]))}
    return {"c2": float(sol[0]), "c4": float(sol[1]), "c4_err_parts": parts,
            "c2_err": float(abs(sol[0] - alt[0]) + prop[0] + rel0 * abs(sol[0])),
            "c4_err": float(abs(sol[1] - alt[1]) + prop[1] + rel0 * abs(sol[1])),
            "thetas": th.tolist(), "y": y.tolist(), "y_err": float(ey), "ns0": float(ns0),
            "degree": degree, "n_harmonics": meta["n_harmonics"], "n_eval": meta["n_eval"],
            "method": method}
