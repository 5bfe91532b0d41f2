"""Fig. 3a: quench λ_i = 1.2J → λ_f = 2J of the disordered BdG ring (Appendix C).

Full: N = 512, t = 200/J, γ_el = 0.1J (Born, W = √(12 J γ_el)), dt = 0.05/J, seed 0.
Quick: N = 256, t = 100/J.  Slips are detected at every step.  A second run keeps the
Hartree part of (C1) with the attractive-Hubbard sign (``hartree=-1``; quick: N = 128),
the reading under which defects do proliferate (see :mod:`numerics.bdg1d`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from floquetsym.app.panels import Claim, Panel, PanelOutput

__all__ = ["PANELS", "compute"]

LAMBDA_I, LAMBDA_F, GAMMA_EL = 1.2, 2.0, 0.1


def compute(quick: bool, *, seed: int = 0, hartree: int = 0):
    from numerics.bdg1d import BdG1DParams, run, width_for_rate
    n, t_max = (256, 100.0) if quick else (512, 200.0)
    if quick and hartree:
        n = 128
    p = BdG1DParams(n_sites=n, lambda_i=LAMBDA_I, lambda_f=LAMBDA_F,
                    disorder_width=width_for_rate(GAMMA_EL), seed=seed, t_max=t_max,
                    dt=0.05, sample_every=10, hartree=hartree)
    return run(p)


def _halves(r):
    t_max = float(r.times[-1])
    ev = r.slip_events
    late = int((ev[:, 0] > t_max / 2).sum()) if len(ev) else 0
    return int(r.bond_slips.sum()) - late, late


def _claims(r, rh) -> list[Claim]:
    s = r.summary()
    t_max = float(r.times[-1])
    total, first = s["total_bond_slips"], s["first_slip_time"]
    early, half = _halves(r)
    eh, lh = _halves(rh)
    dw = int(np.abs(np.diff(r.step_winding)).sum())
    src = "Fig. 3a; main text 'Quasi-one-dimensional case'; Appendix C"
    claims = [
        Claim("phase slips (topological defects) form after the quench λ 1.2J → 2J",
              f"{total} bond slips (slips + anti-slips), {dw} winding changes, first at "
              f"t = {first if first is None else round(first, 2)}/J (N={r.params.n_sites}, "
              f"t ≤ {t_max:g}/J, seed {r.params.seed})",
              "defects form (Fig. 3a)", total > 0, src),
        Claim("defects proliferate (avalanche) within the simulated time",
              f"slips in first half [0, {t_max / 2:g}]/J: {early}; second half: {half}; "
              f"max sites with |Δ_i| < {r.params.slip_threshold:g}·mean at one step: {s['max_n_low']}; "
              f"slips outside depleted sites: {len(r.slips_outside_depleted())}",
              "number of defects keeps growing (slips continue in the second half)",
              bool(half > 0 and half >= early), src),
        Claim("defects proliferate when the Hartree part of (C1) is kept with the attractive "
              "(Hubbard) sign, δu_i = −λ(n_i − ½)",
              f"hartree=-1, N={rh.params.n_sites}: slips first half {eh}, second half {lh}; "
              f"{int(np.abs(np.diff(rh.step_winding)).sum())} winding changes, final winding "
              f"{int(rh.winding[-1])}; up to {int(rh.n_low.max())} near-zero sites; "
              f"{len(rh.depleted_sites())} sites depleted on average (weak links), "
              f"{len(rh.slips_outside_depleted())} of the slips lie outside them",
              "slips continue at a steady rate (not claimed by the paper; a reading of C1)",
              bool(lh > 0 and lh >= 0.5 * eh), "Appendix C, Eq. (C1) diagonal part"),
        Claim("mean-field energy and particle number conserved after the quench (numerics)",
              f"max |ΔE/E| = {s['energy_drift_rel']:.1e}, max |ΔN/N| = {s['number_drift_rel']:.1e}",
              "|ΔE/E| < 1e-4 (order-2 splitting, dt = 0.05/J), |ΔN/N| < 1e-12",
              bool(s["energy_drift_rel"] < 1e-4 and s["number_drift_rel"] < 1e-12),
              "Appendix C (closed system)"),
    ]
    return claims


def _run(out_dir: Path, quick: bool) -> PanelOutput:
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from numerics.bdg1d_plots import plot_slips, plot_spacetime

    r = compute(quick)
    rh = compute(quick, hartree=-1)
    out_dir = Path(out_dir)
    fig, ax = plt.subplots(figsize=(7.5, 4.2), constrained_layout=True)
    plot_spacetime(r, ax=ax)
    fig.savefig(out_dir / "fig3a.png", dpi=130)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7.5, 4.2), constrained_layout=True)
    plot_spacetime(rh, ax=ax, slips=False)
    ax.set_title(ax.get_title() + ", Hartree −λ(n−½)")
    fig.savefig(out_dir / "fig3a_hartree.png", dpi=130)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6.0, 3.6), constrained_layout=True)
    plot_slips(r, ax=ax, label="no Hartree")
    plot_slips(rh, ax=ax, label="Hartree −1")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_title("phase slips vs time (detected every step)")
    fig.savefig(out_dir / "fig3a_slips.png", dpi=130)
    plt.close(fig)
    s = r.summary()
    notes = (f"N={r.params.n_sites}, t_max={r.times[-1]:g}/J, dt={r.params.dt}, "
             f"gamma_el={r.gamma_el:.3g}J (Born), mean|Delta| {r.mean_abs[0]:.3f} -> "
             f"{r.mean_abs[-1]:.3f} J, final winding {s['final_winding']}, "
             f"wall {r.meta['wall_start_s'] + r.meta['wall_steps_s']:.1f} s")
    return PanelOutput(figures=["fig3a.png", "fig3a_hartree.png", "fig3a_slips.png"],
                       claims=_claims(r, rh), notes=notes)


PANELS = [Panel(name="fig3a", title="Quench of the disordered 1D BdG ring: phase slips (Fig. 3a)",
                run=_run, quick_seconds=25.0, full_seconds=200.0)]
