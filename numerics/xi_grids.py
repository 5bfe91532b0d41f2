"""ξ grids with quadrature weights for the pseudospin solvers (:mod:`numerics.pseudospin`):
any validated real grid (:class:`XiGrid`), the uniform midpoint grid and a composite
Gauss–Legendre grid graded towards ξ = 0.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from floquetsym.params import require, require_finite, require_int

__all__ = ["XiGrid", "xi_grid", "graded_grid"]


@dataclass(frozen=True)
class XiGrid:
    """ξ nodes and quadrature weights (∫dξ f ≈ Σ w f); any real grid, validated."""

    xi: np.ndarray
    weights: np.ndarray

    def __post_init__(self):
        xi = np.ascontiguousarray(self.xi, dtype=float)
        w = np.ascontiguousarray(self.weights, dtype=float)
        require(xi.ndim == 1 and xi.shape == w.shape and xi.size > 0, "xi",
                f"shape {xi.shape} / weights {w.shape}", "1-D, same shape as weights")
        require(bool(np.all(np.isfinite(xi)) and np.all(np.isfinite(w))), "xi", "non-finite",
                "finite nodes and weights")
        require(bool(np.all(w > 0)), "weights", "min %g" % w.min(), "> 0")
        object.__setattr__(self, "xi", xi)
        object.__setattr__(self, "weights", w)

    @property
    def cutoff(self) -> float:
        return float(np.max(np.abs(self.xi)))


def xi_grid(cutoff: float, n: int) -> XiGrid:
    """Uniform midpoint grid on [−ξc, ξc] with n points (dξ = 2ξc/n; recurrence time ~π/dξ)."""
    cutoff = require_finite("cutoff", cutoff)
    require(cutoff > 0, "cutoff", cutoff, "> 0")
    n = require_int("n", n, 2)
    d = 2 * cutoff / n
    xi = -cutoff + d * (np.arange(n) + 0.5)
    return XiGrid(xi, np.full(n, d))


def graded_grid(cutoff: float, scale: float, *, nodes_per_panel: int = 8,
                ratio: float = 2.0) -> XiGrid:
    """Composite Gauss–Legendre grid on [−ξc, ξc], panels growing geometrically from ξ = 0.

    Panel edges 0, scale/4, scale/2, scale, scale·ratio, ... , ξc (mirrored): resolves the
    resonance of width ``scale`` (√(γΔ) at ω0 = 2Δ) and the smooth band tail cheaply.
    """
    cutoff = require_finite("cutoff", cutoff)
    scale = require_finite("scale", scale)
    require(cutoff > 0, "cutoff", cutoff, "> 0")
    require(0 < scale < cutoff, "scale", scale, f"in (0, cutoff={cutoff:g})")
    npp = require_int("nodes_per_panel", nodes_per_panel, 2, 64)
    ratio = require_finite("ratio", ratio)
    require(ratio > 1, "ratio", ratio, "> 1")
    edges = [0.0, scale / 4, scale / 2]
    e = scale
    while e < cutoff:
        edges.append(e)
        e *= ratio
    edges.append(cutoff)
    x, w = np.polynomial.legendre.leggauss(npp)
    xs, ws = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        xs.append(0.5 * (b - a) * x + 0.5 * (a + b))
        ws.append(0.5 * (b - a) * w)
    xp, wp = np.concatenate(xs), np.concatenate(ws)
    return XiGrid(np.concatenate([-xp[::-1], xp]), np.concatenate([wp[::-1], wp]))
