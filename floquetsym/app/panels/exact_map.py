"""Does the exact driven steady state have n_s < 0?  The exact DC n_s(θ, ω0) map at γ = 1e-2Δ.

The paper's headline (abstract; Fig. 2c at θ = 0.2Δ) comes from the θ² truncation of the
Floquet–Usadel solution.  This panel decides it with the exact truncated-Floquet steady state
(:mod:`floquetsym.exact_map`): DC n_s/n_s^(0) on θ ∈ (0, 1.5Δ] × ω0 ∈ (0, 3Δ], every point
converged in the Floquet truncation (M → M + 2) and in the quadrature (or flagged), then a
finer grid around the minimum.  The θ²-truncation's zero line 1 + c_2θ² = 0 is drawn beside
the exact zero contour.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from floquetsym.app.panels import Claim, Panel, PanelOutput

__all__ = ["PANELS", "verdict", "compute", "CLAIM", "SOURCE"]

SOURCE = ("Abstract; Fig. 2c (θ = 0.2Δ, static part); text after Eq. (A6): "
          "n_s^(2)/n_s^(0) ∝ −θ²/(Δγ) near 2Δ")
CLAIM = ('Abstract: "when the Floquet-Bogolyubov bands overlap, the homogeneous solution '
         'formally leads to a negative superfluid density" (Fig. 2c: static n_s < 0 near '
         'ω0 ≈ 2Δ at θ = 0.2Δ, from the θ² truncation). Tested on the exact steady state: the DC '
         'n_s becomes negative for some θ ≤ 1.5Δ, ω0 ≤ 3Δ at γ = 1e-2Δ, T = 0')
GAMMA = 1e-2


def verdict(maps, *, threshold: float = 0.0) -> Claim:
    """The claim row from one or more :class:`floquetsym.exact_map.ExactMap` (coarse grid,
    refinements).  Criterion, declared before the run: PASS if some converged point has
    n_s/n_s^(0) + error < ``threshold`` (0 for the paper's claim); DIFFERS if the converged
    minimum over all maps, within its error, is ≥ ``threshold``; undecided (None) if no
    point converged."""
    maps = list(maps)
    mins = [m.minimum() for m in maps]
    conv = sum(int(m.converged.sum()) for m in maps)
    flagged = sum(int((~m.converged).sum()) for m in maps)
    grids = " + ".join(f"{m.thetas.size}×{m.omegas.size}" for m in maps)
    expected = (f"PASS if a converged point has n_s/n_s^(0) + error < {threshold:g} "
                "(truncation M → M+2 change ≤ tol, quadrature error included); DIFFERS if the "
                "converged minimum (coarse grid and its refinement) is above it")
    finite = [x for x in mins if np.isfinite(x["value"])]
    if not finite:
        return Claim(CLAIM, f"no converged point ({flagged} flagged)", expected, None, SOURCE)
    best = min(finite, key=lambda x: x["value"])
    neg_pts, th_rng, om_rng = 0, [np.inf, -np.inf], [np.inf, -np.inf]
    for m in maps:
        with np.errstate(invalid="ignore"):
            mask = m.converged & (m.ratio + m.ratio_error < threshold)
        if mask.any():
            ii, jj = np.nonzero(mask)
            neg_pts += int(mask.sum())
            th_rng = [min(th_rng[0], m.thetas[ii].min()), max(th_rng[1], m.thetas[ii].max())]
            om_rng = [min(om_rng[0], m.omegas[jj].min()), max(om_rng[1], m.omegas[jj].max())]
    measured = (f"min n_s/n_s^(0) = {best['value']:.6g} ± {best['error']:.1e} at "
                f"θ = {best['theta']:.4g}Δ, ω0 = {best['omega0']:.4g}Δ; grids {grids} "
                f"({conv} converged, {flagged} flagged)")
    if neg_pts:
        measured += (f"; below {threshold:g} at {neg_pts} points, θ ∈ [{th_rng[0]:.3g}, "
                     f"{th_rng[1]:.3g}]Δ, ω0 ∈ [{om_rng[0]:.3g}, {om_rng[1]:.3g}]Δ")
    return Claim(CLAIM, measured, expected, bool(neg_pts > 0), SOURCE)


def compute(quick: bool, out_dir: Path | None = None) -> list:
    """Coarse map over the full range (40 × 60 points in the full run: about 7 min on 2 cores;
    6 × 8 under ``--quick``), then a finer grid around its minimum."""
    from floquetsym.app.exact_scan import refine_minimum, run_exact_map
    if quick:
        th, om, n_ref, tol, mh = np.linspace(0.25, 1.5, 6), np.linspace(0.375, 3.0, 8), 3, 1e-4, 16
    else:
        th, om, n_ref, tol, mh = np.linspace(0.0375, 1.5, 40), np.linspace(0.05, 3.0, 60), 5, 1e-6, 30
    stem = None if out_dir is None else Path(out_dir) / "exact_map"
    coarse = run_exact_map(th, om, gamma=GAMMA, tol=tol, max_harmonics=mh, out=stem,
                           plot=stem is not None)
    fine = refine_minimum(coarse, n=n_ref, tol=tol, max_harmonics=mh,
                          out=None if stem is None else Path(out_dir) / "exact_map_refined",
                          plot=False)
    return [coarse, fine]


def run(out_dir: Path, quick: bool) -> PanelOutput:
    import warnings
    from floquetsym.result import ConvergenceWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # flagged points are counted
        maps = compute(quick, out_dir)
    claim = verdict(maps)
    mn = maps[1].minimum()
    notes = (f"refined minimum n_s/n_s^(0) = {mn['value']:.6g} ± {mn['error']:.1e} at "
             f"θ = {mn['theta']:.4g}Δ, ω0 = {mn['omega0']:.4g}Δ; the θ² truncation's zero line "
             "is drawn in the map (dashed)")
    return PanelOutput(figures=["exact_map.png"], claims=[claim], notes=notes)


PANELS = [Panel("exact_map", "Exact steady-state n_s(θ, ω0) map: is n_s < 0?", run,
                quick_seconds=60.0, full_seconds=900.0)]
