r"""Map of the exact steady-state superfluid density over the drive (θ, ω0) (paper Fig. 2c, abstract).

For each point the DC part n_s[0] and the first harmonic n_s[1] of

.. math:: n_s(t) = \tfrac{i}{8}\mathrm{Tr}\{\tau_3\check g\circ\tau_3\check g\}^K(t,t)
          = \sum_k n_s[k]\,e^{-ik\omega_0 t}\qquad\text{(Eq. A2)}

are computed from the *exact* truncated-Floquet solution ǧ = sign(−iΛ̌) of Eq. (9)/(A1)
(:func:`floquetsym.floquet_zone.ns_fast`, independent of the perturbative hierarchy) and
divided by the undriven n_s^(0)(γ, T) from the same solver at θ = 0.  The Floquet truncation
is chosen per point by the change M → M + 2 (≤ ``tol`` relative to (Δ/2)tanh(Δ/2T)); a point
whose truncation would exceed ``max_harmonics`` or does not converge is *flagged*
(``converged = 0``, a ConvergenceWarning, NaN in :class:`ExactMap`).

Overlays: the θ²-truncation's zero line, 1 + c_2(ω0)θ² = 0 with
c_2 = n_s^(2)/(θ² n_s^(0)) from :func:`floquetsym.observables.superfluid_density` (orders 2
and 0), i.e. θ_0(ω0) = (−c_2)^{−1/2} where c_2 < 0; and the zero contour of the exact map.
"""
from __future__ import annotations

import functools
import math
import time
import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from .floquet_zone import ns_fast, ns_scale
from .params import DriveParams, require, require_finite
from .result import ConvergenceWarning

__all__ = ["THETA_MAX", "OMEGA0_MAX", "check_point", "exact_point", "ExactMap",
           "c2_coefficient", "theta2_zero_line", "ns0_exact"]

THETA_MAX = 1.5          # map range θ ∈ [0, 1.5Δ]
OMEGA0_MAX = 3.0         # map range ω0 ∈ (0, 3Δ]
GAMMA_RANGE = (1e-4, 0.5)
T_MAX = 1.0


def check_point(theta, omega0, gamma, temperature, delta: float = 1.0) -> DriveParams:
    """Validate one map point (units of Δ = ``delta``); ValueError naming the parameter."""
    delta = require_finite("delta", delta)
    require(delta > 0, "delta", delta, "> 0")
    theta = require_finite("theta", theta)
    require(0 <= theta <= THETA_MAX * delta, "theta", theta, f"in [0, {THETA_MAX}Δ]")
    omega0 = require_finite("omega0", omega0)
    require(0 < omega0 <= OMEGA0_MAX * delta, "omega0", omega0, f"in (0, {OMEGA0_MAX}Δ]")
    gamma = require_finite("gamma", gamma)
    lo, hi = GAMMA_RANGE
    require(lo * delta <= gamma <= hi * delta, "gamma", gamma, f"in [{lo}Δ, {hi}Δ]")
    temperature = require_finite("temperature", temperature)
    require(0 <= temperature <= T_MAX * delta, "temperature", temperature, f"in [0, {T_MAX}Δ]")
    return DriveParams(delta=delta, theta=theta, omega0=omega0, gamma=gamma,
                       temperature=temperature)


@functools.lru_cache(maxsize=64)
def ns0_exact(gamma: float, temperature: float, delta: float = 1.0, tol: float = 1e-8) -> float:
    """Undriven n_s^(0)(γ, T) from the exact solver at θ = 0 (equals the Dynes closed form;
    tested)."""
    p = DriveParams(delta=delta, theta=0.0, omega0=1.0, gamma=gamma, temperature=temperature)
    return ns_fast(p, (0,), tol=tol)[0].value


def _harmonics_needed(p: DriveParams) -> int:
    """Largest Floquet index the first solve of :func:`ns_fast` uses (its outer zone part)."""
    from .floquet_zone import B0, WB, window_index
    b = B0 + math.ceil(p.theta / p.omega0)
    W_b = p.delta + p.theta + (b + WB) * p.omega0
    Mc_b = max(window_index(p) + 1, math.ceil(W_b / p.omega0 - 0.5))
    return Mc_b + 1 + b + 2


def exact_point(*, theta: float, omega0: float, gamma: float, temperature: float = 0.0,
                delta: float = 1.0, tol: float = 1e-6, max_harmonics: int = 30) -> dict:
    """One map point: n_s[0]/n_s^(0), |n_s[1]|/n_s^(0) with errors and diagnostics.

    Returns finite numbers only (for the sweep journal): ``converged`` is 1.0 or 0.0; where
    it is 0 the ratios are the last estimate (or 0.0 where the truncation needed exceeds
    ``max_harmonics`` and nothing was solved) and must not be used — :class:`ExactMap`
    turns them into NaN.  ``n_eval`` counts all integrand nodes (truncation check included),
    ``cpu_seconds`` the process CPU time of the point (cost projections; not reproducible
    to the digit).  Top-level and picklable (process pools, Dask).
    """
    p = check_point(theta, omega0, gamma, temperature, delta)
    t0 = time.process_time()
    need = _harmonics_needed(p)
    ns0 = ns0_exact(p.gamma, p.temperature, p.delta)
    base = {"ns0": ns0, "buffer": 0.0, "truncation_change": 0.0, "quadrature_error": 0.0,
            "n_eval": 0.0, "cpu_seconds": 0.0}
    if need > max_harmonics:
        warnings.warn(f"theta={theta}, omega0={omega0}: the Floquet truncation needs more than "
                      f"max_harmonics={max_harmonics} indices ({need}); point flagged",
                      ConvergenceWarning, stacklevel=2)
        return {"ns_ratio": 0.0, "ns_ratio_error": 0.0, "ns1_ratio": 0.0, "ns1_ratio_error": 0.0,
                "converged": 0.0, **base}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = ns_fast(p, (0, 1), tol=tol, max_harmonics=max_harmonics)
    ok = bool(r[0].meta["converged"]) and r[0].error <= 2 * tol * ns_scale(p)
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    if not ok:
        warnings.warn(f"theta={theta}, omega0={omega0}: n_s not converged (error "
                      f"{r[0].error:.1e}, truncation change {r[0].meta['truncation_change']:.1e});"
                      " point flagged", ConvergenceWarning, stacklevel=2)
    m = r[0].meta
    return {"ns_ratio": r[0].value / ns0, "ns_ratio_error": r[0].error / ns0,
            "ns1_ratio": abs(r[1].value) / ns0, "ns1_ratio_error": r[1].error / ns0,
            "converged": float(ok), "ns0": ns0, "buffer": float(m["buffer"]),
            "truncation_change": m["truncation_change"], "quadrature_error": m["quadrature_error"],
            "n_eval": float(sum(m["n_eval"].values()) + m["n_check"]),
            "cpu_seconds": time.process_time() - t0}


def c2_coefficient(omega0: float, gamma: float, temperature: float = 0.0,
                   delta: float = 1.0) -> float:
    """c_2(ω0) = n_s^(2)/(θ² n_s^(0)) of the perturbative series (observables, orders 2 and 0)."""
    from .observables import superfluid_density
    p = DriveParams(delta=delta, theta=1.0, omega0=omega0, gamma=gamma, temperature=temperature)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(superfluid_density(p, order=2).value / superfluid_density(p, order=0).value)


def theta2_zero_line(omegas, gamma: float, temperature: float = 0.0, delta: float = 1.0):
    """θ_0(ω0) = (−c_2)^{−1/2} where 1 + c_2θ² = 0 has a root (c_2 < 0), NaN elsewhere."""
    c2 = np.array([c2_coefficient(float(w), gamma, temperature, delta) for w in omegas])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c2 < 0, 1.0 / np.sqrt(np.abs(c2)), np.nan), c2


@dataclass
class ExactMap:
    """n_s[0]/n_s^(0) and |n_s[1]|/n_s^(0) on the grid ``thetas`` × ``omegas`` (axis 0 = θ).

    Unconverged points are NaN in ``ratio``/``ns1`` and False in ``converged``.
    """

    thetas: np.ndarray
    omegas: np.ndarray
    gamma: float
    temperature: float
    ratio: np.ndarray
    ratio_error: np.ndarray
    ns1: np.ndarray
    ns1_error: np.ndarray
    converged: np.ndarray
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_rows(cls, points, rows, gamma, temperature):
        """Assemble from sweep points/rows (any order; one row per (θ, ω0))."""
        th = np.unique([pt["theta"] for pt in points])
        om = np.unique([pt["omega0"] for pt in points])
        shape = (th.size, om.size)
        arr = {k: np.full(shape, np.nan) for k in ("ratio", "ratio_error", "ns1", "ns1_error",
                                                   "buffer", "truncation_change",
                                                   "quadrature_error", "n_eval")}
        conv = np.zeros(shape, bool)
        for pt, r in zip(points, rows):
            i, j = np.searchsorted(th, pt["theta"]), np.searchsorted(om, pt["omega0"])
            ok = r["converged"] > 0.5
            conv[i, j] = ok
            for k, src in (("ratio", "ns_ratio"), ("ratio_error", "ns_ratio_error"),
                           ("ns1", "ns1_ratio"), ("ns1_error", "ns1_ratio_error")):
                arr[k][i, j] = r[src] if ok else np.nan
            for k in ("buffer", "truncation_change", "quadrature_error", "n_eval"):
                arr[k][i, j] = r[k]
        extra = {k: arr[k] for k in ("buffer", "truncation_change", "quadrature_error", "n_eval")}
        return cls(th, om, gamma, temperature, arr["ratio"], arr["ratio_error"], arr["ns1"],
                   arr["ns1_error"], conv, extra)

    def minimum(self) -> dict:
        """Most negative converged ratio: value, error, θ, ω0 (NaN if none converged)."""
        if not np.any(self.converged):
            return {"value": math.nan, "error": math.nan, "theta": math.nan, "omega0": math.nan}
        i, j = np.unravel_index(np.nanargmin(self.ratio), self.ratio.shape)
        return {"value": float(self.ratio[i, j]), "error": float(self.ratio_error[i, j]),
                "theta": float(self.thetas[i]), "omega0": float(self.omegas[j])}

    def negative(self) -> np.ndarray:
        """Mask of converged points whose ratio is negative beyond its error bar."""
        with np.errstate(invalid="ignore"):
            return self.converged & (self.ratio + self.ratio_error < 0)

    def negative_region(self) -> dict:
        """θ and ω0 ranges spanned by :meth:`negative` points (NaN if there are none)."""
        m = self.negative()
        if not m.any():
            return {"n_points": 0, "theta": (math.nan, math.nan), "omega0": (math.nan, math.nan)}
        ii, jj = np.nonzero(m)
        return {"n_points": int(m.sum()),
                "theta": (float(self.thetas[ii].min()), float(self.thetas[ii].max())),
                "omega0": (float(self.omegas[jj].min()), float(self.omegas[jj].max()))}

    def summary(self) -> dict:
        """Numbers for reports: counts, minimum, negative region, worst errors."""
        return {"gamma": self.gamma, "temperature": self.temperature,
                "grid": [int(self.thetas.size), int(self.omegas.size)],
                "n_converged": int(self.converged.sum()),
                "n_flagged": int((~self.converged).sum()),
                "minimum": self.minimum(), "negative_region": self.negative_region(),
                "max_ratio_error": float(np.nanmax(self.ratio_error)) if self.converged.any()
                else math.nan}
