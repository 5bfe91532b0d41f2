"""Fig. 3a: quench λ_i = 1.2J → λ_f = 2J of the disordered BdG ring (Appendix C).

Full: N = 512, t = 200/J, γ_el = 0.1J (Born, W = √(12 J γ_el)), dt = 0.05/J, seed 0.
Quick: N = 256, t = 100/J (the figure title says so).  Slips are detected at every step.  A second run keeps the
Hartree part of (C1) with the attractive-Hubbard sign (quick: N = 128), the reading under which
defects do proliferate (see :mod:`numerics.bdg1d`); it is not the paper's claim and goes to the
report's "Beyond the paper" section.

Criteria, declared here before any run: a topological defect *forms* when the ring's winding
number ends changed or slips occur at ≥ 2 distinct bonds (a slip and its anti-slip at one bond
is a phase fluctuation of a weak link, not a defect); defects *proliferate* when slips continue
in the second half of the window at least as often as in the first.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from floquetsym.app.panels import Check, Claim, Panel, PanelOutput, fmt

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


def _claims(r, rh, quick: bool) -> list[Claim]:
    s = r.summary()
    t_max = float(r.times[-1])
    total, first = s["total_bond_slips"], s["first_slip_time"]
    early, half = _halves(r)
    eh, lh = _halves(rh)
    ev = r.slip_events
    bonds = int(np.unique(ev[:, 1]).size) if len(ev) else 0
    net = int(r.winding[-1] - r.winding[0])
    src = "Fig. 3a; main text 'Quasi-one-dimensional case'; Appendix C"
    setting = f"N = {r.params.n_sites}, t ≤ {fmt(t_max)}/J, seed {r.params.seed}"
    short = (f"quick grid (N = {r.params.n_sites}, t ≤ {fmt(t_max)}/J; the paper: N = 512, the "
             "full run: t ≤ 200/J)") if quick else ""
    first_txt = f"first at t = {fmt(first, 3)}/J" if first is not None else "none"
    low0 = int(np.sum(np.abs(rh.delta[0]) < rh.params.slip_threshold * np.abs(rh.delta[0]).mean()))
    claims = [
        Claim("topological defects in the form of phase slips form after the quench λ 1.2J → 2J "
              "(Fig. 3a)",
              f"{total} bond slips (slips and anti-slips) at {bonds} distinct bonds, {first_txt}; "
              f"net winding change {net} ({setting})", "", None, src,
              checks=(Check("net winding change ≠ 0 or slips at ≥ 2 bonds",
                            bool(net != 0 or bonds >= 2), "==", True),),
              undecided=short),
        Claim("the defects proliferate (an avalanche of topological excitations)",
              f"slips in the first half [0, {fmt(t_max / 2)}]/J: {early}; second half: {half}; "
              f"largest number of sites with |Δ_i| below {fmt(r.params.slip_threshold)} × mean "
              f"at one step: {s['max_n_low']}", "", None, "abstract; Fig. 3a",
              checks=(Check("slips in the second half", half, ">", 0),
                      Check("second half − first half", half - early, ">=", 0)),
              undecided=short),
        Claim("defects proliferate when the Hartree part of (C1) is kept with the attractive "
              "(Hubbard) sign, δu_i = −λ(n_i − ½)",
              f"N = {rh.params.n_sites}: slips in the first half {eh}, second half {lh}; "
              f"{int(np.abs(np.diff(rh.step_winding)).sum())} winding changes, final winding "
              f"{int(rh.winding[-1])}. The state is inhomogeneous already at t = 0: {low0} of "
              f"{rh.params.n_sites} sites below {fmt(rh.params.slip_threshold)} × mean |Δ|",
              "", None, "our reading of Appendix C, Eq. (C1) diagonal part",
              checks=(Check("slips in the second half", lh, ">", 0),
                      Check("second half / first half", lh / max(eh, 1), ">=", 0.5)),
              beyond_paper=True),
        Claim("mean-field energy and particle number are conserved after the quench",
              f"largest |ΔE/E| = {fmt(s['energy_drift_rel'], 2)}, largest |ΔN/N| = "
              f"{fmt(s['number_drift_rel'], 2)}", "", None,
              "Appendix C (closed system); order-2 splitting, dt = 0.05/J",
              checks=(Check("largest |ΔE/E|", s["energy_drift_rel"], "<", 1e-4),
                      Check("largest |ΔN/N|", s["number_drift_rel"], "<", 1e-12)),
              numerics=True),
    ]
    return claims


def _spacetime_figure(r, path: Path, title: str, slips: bool = True) -> None:
    """Space-time map of |Δ_i(t)| with the phase profile in its own panel (not an inset)."""
    import matplotlib.pyplot as plt

    from floquetsym.app.plot_style import legend_outside
    from numerics.bdg1d_plots import plot_phase_profile, plot_spacetime
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.0), width_ratios=(2.2, 1))
    plot_spacetime(r, ax=ax, inset=False, slips=slips)
    ax.grid(False)
    ax.set_title(title)
    if ax.get_legend() is not None:
        legend_outside(ax, "below", ncol=1)
    plot_phase_profile(r, ax=ax2)
    ax2.set_xlabel("site $i$", fontsize=9)
    ax2.set_ylabel(r"unwrapped phase $\varphi_i - \varphi_0$", fontsize=9)
    ax2.tick_params(labelsize=8)
    ax2.set_title("phase profile along the ring")
    legend_outside(ax2, title=r"$tJ$")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _run(out_dir: Path, quick: bool) -> PanelOutput:
    import matplotlib.pyplot as plt

    from floquetsym.app.plot_style import legend_outside
    from numerics.bdg1d_plots import plot_slips

    r = compute(quick)
    rh = compute(quick, hartree=-1)
    out_dir = Path(out_dir)
    gam = f"γ_el = {fmt(GAMMA_EL)}J (Born; this disorder sample {fmt(r.gamma_el, 3)}J)"
    n_note = "" if r.params.n_sites == 512 else " (paper: 512)"
    t_note = "" if r.times[-1] >= 200 else f", t ≤ {fmt(r.times[-1])}/J (quick grid)"
    _spacetime_figure(r, out_dir / "fig3a.png",
                      f"Fig. 3a: λ 1.2J → 2J, N = {r.params.n_sites}{n_note}{t_note},\n{gam}")
    _spacetime_figure(rh, out_dir / "fig3a_hartree.png",
                      f"with the Hartree term −λ(n_i − ½) (not in the paper), "
                      f"N = {rh.params.n_sites}", slips=False)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    plot_slips(r, ax=ax, label=f"N = {r.params.n_sites}, no Hartree")
    plot_slips(rh, ax=ax, label=f"N = {rh.params.n_sites}, Hartree")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_title("phase slips vs time (detected every step)")
    legend_outside(ax)
    fig.savefig(out_dir / "fig3a_slips.png")
    plt.close(fig)
    s = r.summary()
    notes = (f"N = {r.params.n_sites}, t ≤ {fmt(r.times[-1])}/J, dt = {fmt(r.params.dt)}/J, "
             f"{gam}; mean |Δ| {fmt(r.mean_abs[0], 3)}J → {fmt(r.mean_abs[-1], 3)}J, final "
             f"winding {s['final_winding']}; "
             f"{r.meta['wall_start_s'] + r.meta['wall_steps_s']:.0f} s.")
    return PanelOutput(figures=["fig3a.png", "fig3a_hartree.png", "fig3a_slips.png"],
                       claims=_claims(r, rh, quick), notes=notes)


PANELS = [Panel(name="fig3a", title="Quench of the disordered 1D BdG ring: phase slips (Fig. 3a)",
                run=_run, quick_seconds=25.0, full_seconds=200.0)]
