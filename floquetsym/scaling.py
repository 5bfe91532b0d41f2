r"""Scaling laws of the driven superfluid density, with confidence intervals (paper, text after
Eq. 10 and App. D).

Claims checked here (n_s in units of m·σ_N, docs/conventions.md):

(a) at ω0 = 2Δ, :math:`n_s^{(2)}/n_s^{(0)} \propto -\theta^2/(\Delta\gamma)` as γ → 0
    (power law in γ, exponent −1, negative);
(b) at ω0 = 2Δ, :math:`|n_s^{(1)}|/n_s^{(0)} \propto (\theta/\Delta)\log(\gamma/\Delta)`
    (linear in log γ);
(c) at fixed detuning δ = 2Δ − ω0 > 0 with γ → 0, :math:`n_s^{(2)} \propto -1/\delta`
    ("γ replaced by δ").

:func:`fit` fits ``law="power"`` (log|y| = log C + a·log x) or ``law="log"`` (y = C + b·ln x)
by least squares and returns the exponent/slope with a Student-t confidence interval.
The ``*_data`` functions produce the numbers (every point a converged quadrature).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np

from .params import DriveParams, require
from .result import ConvergenceWarning

__all__ = ["Fit", "fit", "resonance_gamma_data", "detuning_data", "local_exponents"]


@dataclass(frozen=True)
class Fit:
    """A fitted law: ``exponent`` (power: a in C·x^a; log: b in C + b·ln x) with its
    ``ci`` at confidence ``level``, the ``constant`` C (power: signed prefactor), ``stderr``
    and the data."""

    law: str
    exponent: float
    ci: tuple
    constant: float
    stderr: float
    level: float
    x: np.ndarray
    y: np.ndarray

    def predict(self, x):
        x = np.asarray(x, dtype=float)
        if self.law == "power":
            return self.constant * x ** self.exponent
        return self.constant + self.exponent * np.log(x)

    def contains(self, value: float) -> bool:
        return self.ci[0] <= value <= self.ci[1]

    def __str__(self):
        name = "exponent" if self.law == "power" else "slope (per ln x)"
        return (f"{name} {self.exponent:.4f} [{self.ci[0]:.4f}, {self.ci[1]:.4f}] "
                f"({self.level:.0%} CI), constant {self.constant:.4g}")


def fit(x, y, *, law: str = "power", level: float = 0.95) -> Fit:
    """Least-squares fit of ``law`` ∈ {"power", "log"} to (x, y); CI from Student's t.

    For "power" all y must have one sign (the sign is kept in ``constant``); x > 0 always.
    """
    from scipy import stats

    require(law in ("power", "log"), "law", law, "in ('power', 'log')")
    require(0 < level < 1, "level", level, "in (0, 1)")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    require(x.shape == y.shape and x.ndim == 1 and x.size >= 3, "x", x.shape,
            "1-D, same shape as y, at least 3 points")
    require(bool(np.all(x > 0) and np.all(np.isfinite(x)) and np.all(np.isfinite(y))), "x", "data",
            "finite, with x > 0")
    lx = np.log(x)
    if law == "power":
        sign = np.sign(y[0])
        require(bool(np.all(np.sign(y) == sign) and sign != 0), "y", "data",
                "of one sign and non-zero for a power law")
        ly = np.log(np.abs(y))
    else:
        sign, ly = 1.0, y
    A = np.stack([np.ones_like(lx), lx], axis=1)
    coef, *_ = np.linalg.lstsq(A, ly, rcond=None)
    resid = ly - A @ coef
    dof = x.size - 2
    s2 = float(resid @ resid) / dof if dof > 0 else 0.0
    cov = s2 * np.linalg.inv(A.T @ A)
    se = float(np.sqrt(max(cov[1, 1], 0.0)))
    t = stats.t.ppf(0.5 + level / 2, dof) if dof > 0 else np.inf
    b = float(coef[1])
    const = float(sign * np.exp(coef[0])) if law == "power" else float(coef[0])
    return Fit(law=law, exponent=b, ci=(b - t * se, b + t * se), constant=const, stderr=se,
               level=level, x=x, y=y)


def local_exponents(x, y):
    """d ln|y| / d ln x between neighbouring points (to judge convergence of an exponent)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    return np.diff(np.log(np.abs(y))) / np.diff(np.log(x))


def resonance_gamma_data(gammas, *, base: DriveParams | None = None, order: int = 2) -> dict:
    """n_s^(order)/n_s^(0) (order 2: DC; order 1: |n_s[1]|) at ω0 = base.omega0 (default 2Δ) vs γ.

    θ is taken from ``base`` (default 1: the θ^k coefficient); returns arrays ``gamma``,
    ``ratio``, ``error``, ``ns0``, ``value`` (complex for order 1).
    """
    from .observables import superfluid_density
    base = base or DriveParams(theta=1.0, omega0=2.0)
    out = {k: [] for k in ("gamma", "ratio", "error", "ns0", "value")}
    for g in np.asarray(gammas, dtype=float):
        p = replace(base, gamma=float(g))
        with warnings.catch_warnings():   # θ = 1 "breaks" the expansion; we want coefficients
            warnings.filterwarnings("ignore", message=".*not controlled.*", category=ConvergenceWarning)
            r = superfluid_density(p, order=order)
        r0 = superfluid_density(p, order=0)
        v = abs(r.value) if order == 1 else r.value
        out["gamma"].append(g)
        out["value"].append(r.value)
        out["ns0"].append(r0.value)
        out["ratio"].append(v / r0.value)
        out["error"].append(r.error / r0.value + abs(v) * r0.error / r0.value ** 2)
    return {k: np.array(v) for k, v in out.items()}


def detuning_data(deltas, *, base: DriveParams | None = None, gamma_over_delta: float = 1e-4) -> dict:
    """n_s^(2) at ω0 = 2Δ − δ in the limit γ → 0 (γ = ``gamma_over_delta``·δ, floored at 1e-8Δ).

    The γ → 0 limit converges roughly like γ^0.85 (the change shrinks ~7× per decade of γ);
    the reported error adds the change between γ and 10γ (a conservative bound of the remaining
    γ-dependence) to the quadrature error.
    """
    from .observables import GAMMA_MIN, superfluid_density
    base = base or DriveParams(theta=1.0)
    out = {k: [] for k in ("delta", "value", "error", "gamma")}
    for d in np.asarray(deltas, dtype=float):
        require(0 < d < 2 * base.delta, "delta", d, "in (0, 2Δ) (detuning below resonance)")
        g = max(gamma_over_delta * d, 2 * GAMMA_MIN * base.delta)
        vals = []
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*not controlled.*", category=ConvergenceWarning)
            for gg in (g, 10 * g):
                vals.append(superfluid_density(replace(base, omega0=2 * base.delta - d, gamma=gg),
                                               order=2, rtol=1e-7))
        out["delta"].append(d)
        out["gamma"].append(g)
        out["value"].append(vals[0].value)
        out["error"].append(vals[0].error + abs(vals[1].value - vals[0].value))
    return {k: np.array(v) for k, v in out.items()}
