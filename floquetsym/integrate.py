r"""ω-integrals over the real line with breakpoints at the singular energies (docs/architecture.md).

The Floquet–Usadel integrands are smooth on the scale of Δ except near a finite set of
*singular energies* (gap edges ±Δ − jω0, Floquet resonances ω = −jω0/2 where
:math:`s^R_1 + s^A_2 \approx 2i\,\mathrm{Im}\,s` is small, and the T = 0 jumps of h = sign ω),
where they have features of width γ.  :func:`integrate_real_line` integrates a vectorised
integrand with a globally adaptive Gauss–Kronrod (7, 15) rule:

* the line is cut at the breakpoints; every cut is approached by panels graded
  geometrically from width ``width`` (≈ γ) up to the panel scale, so a feature of width γ is
  resolved on the first pass, whatever γ (down to 1e-4 Δ and below);
* the two tails |ω| > L are mapped to u ∈ (0, 1] by ω = ±L/u (dω = L du/u²); the integrands
  decay like 1/ω³, so the mapped integrand vanishes linearly at u = 0 and needs no cut-off;
* all panels are evaluated in one vectorised call per pass; the panels that carry the largest
  part of the error are bisected until the error estimate meets ``max(atol, rtol·|I|)`` for
  every component;
* the error estimate per panel is QUADPACK's qk15 heuristic resasc·min(1, (200|K15 − G7|/resasc)^1.5)
  (or the raw |K15 − G7| with ``estimator="kronrod"``), plus a
  round-off floor max(50, condition)·ε·∫|f|; the reported error is their sum.  If the budget of panels runs
  out first, a :class:`~floquetsym.result.ConvergenceWarning` is raised and the (honest,
  larger) error estimate is returned.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from .params import require, require_finite
from .result import ConvergenceWarning

__all__ = ["integrate_real_line", "integrate_panels", "graded_panels", "Quadrature", "GK15_NODES",
           "GK15_KRONROD_WEIGHTS", "GK15_GAUSS_WEIGHTS"]

# Gauss–Kronrod (7, 15) nodes/weights on [-1, 1] (QUADPACK qk15).
_XGK = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                 0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                 0.207784955007898467600689403773245, 0.0])
_WGK = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                 0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                 0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_WG = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                0.381830050505118944950369775488975, 0.417959183673469387755102040816327])
GK15_NODES = np.concatenate([-_XGK[:-1], _XGK[::-1]])          # 15 nodes, ascending
_W_K = np.concatenate([_WGK[:-1], _WGK[::-1]])
_W_G = np.zeros(15)
_W_G[1:14:2] = np.concatenate([_WG[:-1], _WG[::-1]])           # Gauss nodes: odd positions
GK15_KRONROD_WEIGHTS = _W_K      # Kronrod weights on GK15_NODES (exact to degree 22)
GK15_GAUSS_WEIGHTS = _W_G        # the embedded 7-point Gauss rule on the same nodes (degree 13)


@dataclass
class Quadrature:
    """Outcome of :func:`integrate_real_line`: value(s), error(s) and diagnostics."""

    value: np.ndarray
    error: np.ndarray
    n_panels: int
    n_evals: int
    n_passes: int
    converged: bool
    breakpoints: list = field(default_factory=list)
    tail_start: float = 0.0

    def as_meta(self) -> dict:
        return {"n_panels": self.n_panels, "n_evals": self.n_evals, "n_passes": self.n_passes,
                "converged": self.converged, "breakpoints": [float(b) for b in self.breakpoints],
                "tail_start": float(self.tail_start)}


def graded_panels(a: float, b: float, width: float, *, ratio: float = 3.0) -> np.ndarray:
    """Panel edges of [a, b], geometric from width ``width`` at both ends towards the middle."""
    ell = b - a
    if ell <= 4 * width:
        return np.array([a, b])
    steps = width * float(ratio) ** np.arange(0, 200)     # float: an int ratio would overflow
    steps = steps[steps < ell / 2]
    left = a + steps
    right = b - steps[::-1]
    gap = right[0] - left[-1]
    last = steps[-1] - (steps[-2] if steps.size > 1 else 0.0)
    n_mid = max(1, int(np.ceil(gap / (ratio * last))))
    middle = np.linspace(left[-1], right[0], n_mid + 1)[1:-1]
    return np.concatenate([[a], left, middle, right, [b]])


def _map(kind: np.ndarray, lo: np.ndarray, hi: np.ndarray, L: float):
    """Nodes in ω and Jacobian×weights for panels: kind 0 linear, +1 right tail, −1 left tail."""
    half = 0.5 * (hi - lo)
    mid = 0.5 * (hi + lo)
    t = mid[:, None] + half[:, None] * GK15_NODES[None, :]      # ω (kind 0) or u (tails)
    jac = np.broadcast_to(half[:, None], t.shape).copy()
    tails = kind != 0
    if np.any(tails):
        u = t[tails]
        jac[tails] = jac[tails] * L / u ** 2
        t[tails] = kind[tails][:, None] * L / u
    return t, jac


def integrate_real_line(f, breakpoints, *, width: float, scale: float = 1.0,
                        rtol: float = 1e-8, atol: float = 1e-13, max_panels: int = 20000,
                        condition: float = 50.0, estimator: str = "quadpack",
                        grading: float = 3.0) -> Quadrature:
    r"""∫_{−∞}^{∞} f(ω) dω for a vectorised f (float array (N,) → complex array (N,) or (N, q)).

    Parameters
    ----------
    breakpoints : singular energies (any order, duplicates allowed).
    width : the narrowest feature width to resolve at a breakpoint (use ≈ γ/2).
    scale : the energy unit (Δ); the tails start at L = max|breakpoint| + 4·scale.
    rtol, atol : stop when every component's error ≤ max(atol, rtol·|I|).
    max_panels : panel budget; exceeding it warns (ConvergenceWarning).
    estimator : "quadpack" (QUADPACK's qk15 error heuristic, realistic for smooth panels) or
        "kronrod" (the raw |K15 − G7|, very conservative).
    grading : ratio of neighbouring panel widths near a breakpoint.
    condition : round-off floor factor: the error includes condition·ε·∫|f| (use ≈ Δ/γ when
        the integrand is evaluated from ω − (±Δ) + iγ, whose relative round-off is ε·Δ/γ).
    """
    width = require_finite("width", width)
    require(width > 0, "width", width, "> 0")
    require(grading > 1, "grading", grading, "> 1")
    bps = np.unique(np.asarray([require_finite("breakpoint", float(b)) for b in breakpoints]
                               + [0.0]))
    L = float(np.max(np.abs(bps)) + 4.0 * scale)
    cuts = np.unique(np.concatenate([[-L], bps, [L]]))
    edges = np.unique(np.concatenate([graded_panels(a, b, width, ratio=grading) for a, b in zip(cuts[:-1], cuts[1:])]))
    lo = np.concatenate([edges[:-1], [0.0, 0.0]])
    hi = np.concatenate([edges[1:], [1.0, 1.0]])
    kind = np.concatenate([np.zeros(len(edges) - 1, int), [1, -1]])
    return integrate_panels(f, lo, hi, kind, tail_start=L, rtol=rtol, atol=atol,
                            max_panels=max_panels, condition=condition, estimator=estimator,
                            breakpoints=list(bps), stacklevel=3)


def integrate_panels(f, lo, hi, kind, *, tail_start: float, rtol: float = 1e-8,
                     atol: float = 1e-13, max_panels: int = 20000, condition: float = 50.0,
                     estimator: str = "quadpack", breakpoints=(), max_passes: int = 80,
                     stacklevel: int = 2) -> Quadrature:
    r"""The adaptive part of :func:`integrate_real_line` on given panels.

    Panel i is [lo_i, hi_i] in ω (``kind`` 0) or in u ∈ (0, 1] for a tail (``kind`` ±1:
    ω = ±tail_start/u, dω = tail_start du/u²).  ``f`` is called once per pass with all new
    nodes (a float array in ω) and returns values (N,) or (N, q).  Stops when every
    component's error (summed over panels, plus the round-off floor) ≤ max(atol, rtol·|I|),
    else bisects the panels carrying the largest errors (module docstring).
    """
    require(rtol > 0 and atol >= 0, "rtol", rtol, "> 0 (and atol >= 0)")
    require(estimator in ("quadpack", "kronrod"), "estimator", estimator, "'quadpack' or 'kronrod'")
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    kind = np.asarray(kind, int)
    L = float(tail_start)
    bps = breakpoints
    n_evals = 0
    n_passes = 0
    converged = False
    roundoff = False

    def evaluate(lo_, hi_, kind_):
        t, jac = _map(kind_, lo_, hi_, L)
        vals = np.asarray(f(t.ravel()))
        if vals.ndim == 1:
            vals = vals[:, None]
        vals = vals.reshape(t.shape + (vals.shape[-1],))
        wj = jac[..., None]
        k15 = np.sum(vals * (_W_K[None, :, None] * wj), axis=1)
        g7 = np.sum(vals * (_W_G[None, :, None] * wj), axis=1)
        absint = np.sum(np.abs(vals) * (_W_K[None, :, None] * np.abs(wj)), axis=1)
        raw = np.abs(k15 - g7)
        if estimator == "quadpack":   # QUADPACK qk15: |K−G| scaled by (200|K−G|/resasc)^1.5
            length = np.sum(_W_K[None, :, None] * np.abs(wj), axis=1)
            mean = k15 / np.where(length > 0, length, 1.0)
            resasc = np.sum(np.abs(vals - mean[:, None, :]) * (_W_K[None, :, None] * np.abs(wj)), axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                scaled = resasc * np.minimum(1.0, (200.0 * raw / resasc) ** 1.5)
            raw = np.where((resasc > 0) & (raw > 0), scaled, raw)
        return k15, raw, absint, t.size

    k15, err, absint, n = evaluate(lo, hi, kind)
    n_evals += n
    while True:
        n_passes += 1
        total = k15.sum(axis=0)
        floor = max(50.0, condition) * np.finfo(float).eps * absint.sum(axis=0)
        total_err = err.sum(axis=0) + floor
        target = np.maximum(atol, rtol * np.abs(total))
        if np.all(total_err <= target):
            converged = True
            break
        if lo.size >= max_panels or n_passes > max_passes:
            break
        if np.all(err.sum(axis=0) <= 0.5 * target):   # only the round-off floor is left:
            roundoff = True                            # bisecting cannot help
            break
        # bisect the panels that carry the largest (normalised) errors: those covering
        # ~70 % of the error sum, never panels at round-off width
        score = np.max(err / np.maximum(target, 1e-300), axis=1)
        order = np.argsort(score)[::-1]
        csum = np.cumsum(score[order])
        n_split = int(np.searchsorted(csum, 0.7 * csum[-1]) + 1)
        n_split = max(1, min(n_split, order.size, max_panels - lo.size))
        split = np.zeros(lo.size, bool)
        split[order[:n_split]] = True
        split &= (hi - lo) > 1e-13 * np.maximum(1.0, np.abs(lo))
        if not np.any(split):
            break
        mid = 0.5 * (lo[split] + hi[split])
        new_lo = np.concatenate([lo[split], mid])
        new_hi = np.concatenate([mid, hi[split]])
        new_kind = np.concatenate([kind[split], kind[split]])
        nk, ne, na, n = evaluate(new_lo, new_hi, new_kind)
        n_evals += n
        keep = ~split
        lo, hi, kind = (np.concatenate([lo[keep], new_lo]), np.concatenate([hi[keep], new_hi]),
                        np.concatenate([kind[keep], new_kind]))
        k15 = np.concatenate([k15[keep], nk])
        err = np.concatenate([err[keep], ne])
        absint = np.concatenate([absint[keep], na])
    n_panels = int(lo.size)
    q = Quadrature(value=total, error=total_err, n_panels=n_panels, n_evals=n_evals,
                   n_passes=n_passes, converged=converged, breakpoints=list(bps), tail_start=L)
    if not converged:
        why = ("the round-off floor (ill-conditioned integrand, e.g. γ too small) exceeds it"
               if roundoff else "increase max_panels or rtol")
        warnings.warn(f"ω-integral not converged after {n_passes} passes / {n_evals} "
                      f"evaluations: error {np.max(total_err):.2e} > target "
                      f"{np.max(target):.2e}; {why}", ConvergenceWarning, stacklevel=stacklevel)
    return q
