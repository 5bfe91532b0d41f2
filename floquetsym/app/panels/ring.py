"""Fig. 3a vs 3b decided on one 1D model: the ring's own n_s(t), phase slips, finite-q growth.

Model (:class:`numerics.ring_model.RingModel`): the paper's point λ 1.2J → 2J, γ_el = 0.1J,
N = 512, T = 0, band ξ_k = −J cos k (main text), Hartree term off (the paper's reading) and,
as a separate row, at the sign of the attractive decoupling.  n_s(t) is the ring's own
stiffness from its current response to a flux (:mod:`numerics.ring_stiffness`), averaged
over disorder seeds; slips are detected at every step on the Φ = 0 copies.

Full: 8 seeds to t = 200/J.  The runs behind it are long (~30 min on one core); they are
produced (resumably) by ``python -m numerics.ring_runs stiffness`` and the map journals under
``results/ring_map/``; the panel reads those files when present and otherwise runs them.
Quick: N = 128, 4 seeds, t = 60/J (a smoke test; misses are undecided).
Declared criteria (before the runs): *proliferation* = the slip rate in the second half of
the run exceeds the first half's by more than two standard errors of the seed mean of the
difference, with slips present in the second half; *agreement of the times* = the seed-mean
time of the first negative n_s lies within 20 % (or two standard errors) of the seed-mean
time of the first slip.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import Claim, Panel, PanelOutput

__all__ = ["PANELS", "stiffness_result", "journal_rows", "proliferation"]

RESULTS = Path(__file__).resolve().parents[3] / "results" / "ring_map"
SRC_3A = "Fig. 3a; main text 'Quasi-one-dimensional case'; Appendix C"
SRC_LINK = "Figs. 3a, 3b: 'good agreement between the times when the superfluid density " \
           "becomes negative and when the defects start to proliferate'"


def stiffness_result(quick: bool, band: str = "main_text"):
    """The ring n_s(t) run at the paper's point (stored file if present; else computed)."""
    from numerics.ring_model import RingModel
    from numerics.ring_runs import load_stiffness
    from numerics.ring_stiffness import run_stiffness
    if quick:
        p = RingModel(band=band, n_sites=128).bdg1d_params(dt=0.05, t_max=60.0, sample_every=10)
        return run_stiffness(p, seeds=range(4)), "computed (quick)"
    path = RESULTS / f"stiffness_{band}_off_N512.npz"
    if path.exists():
        return load_stiffness(path), f"read from {path.name}"
    if band != "main_text":
        return None, "not run"
    p = RingModel(band=band).bdg1d_params(dt=0.05, t_max=200.0, sample_every=10)
    return run_stiffness(p, seeds=range(8), progress=True), "computed"


def journal_rows(stem: str, points) -> list[dict | None]:
    """Rows of a (possibly unfinished) ``numerics.sweeps`` journal, in point order."""
    from numerics.ring_runs import map_point
    from numerics.sweeps import _point_key
    path = RESULTS / f"{stem}.journal.jsonl"
    done = {}
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "key" in rec and "row" in rec:          # skip the header record
                done[rec["key"]] = rec["row"]
    name = f"{map_point.__module__}.{map_point.__qualname__}"
    return [done.get(_point_key(name, p)) for p in points]


def proliferation(r1, r2) -> tuple[bool, str]:
    """Declared criterion on per-seed slip rates of the two halves (module docstring), with
    its statistics in words."""
    from numerics.ring_runs import proliferation as crit
    ok, s = crit(r1, r2)
    return ok, _rates_text(s)


def _rates_text(s: dict) -> str:
    return (f"slips per site per 1/J: first half {s['rate1']:.2e} ± {s['rate1_sem']:.1e}, "
            f"second half {s['rate2']:.2e} ± {s['rate2_sem']:.1e} ({s['seeds']} seeds; "
            f"difference {s['diff']:.2e} ± {s['diff_sem']:.1e})")


def _mean_sem(x):
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return np.nan, np.nan, 0
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else np.nan, x.size


def _claims_stiffness(r, quick, band_label):
    from numerics.ring_runs import slip_rates
    p = r.params
    t_max = float(r.times[-1])
    rates = np.array([slip_rates(ev, t_max, p.n_sites) for ev in r.slip_events])
    ok, txt = proliferation(rates[:, 0], rates[:, 1])
    t_slip = r.t_first_slip()
    t_neg = r.t_negative()
    t_lin = r.t_linear()
    mean, sem, cnt = r.seed_mean()
    ns0 = float(np.mean(r.ns_initial))
    ms, ss, ns_ = _mean_sem(t_slip)
    mn, sn, nn = _mean_sem(t_neg)
    valid = cnt >= max(2, len(r.seeds) // 2)
    k_min = int(np.nanargmin(np.where(valid, mean, np.nan)))
    tag = " (quick)" if quick else ""
    verdict = (lambda v: bool(v)) if not quick else (lambda v: True if v else None)
    claims = [Claim(
        "Fig. 3a: after the quench λ 1.2J → 2J (γ_el = 0.1J) the defects (phase slips) "
        "proliferate", f"{txt}; N={p.n_sites}, t ≤ {t_max:g}/J, Hartree off, band {band_label}{tag}",
        "second-half slip rate > first-half rate by > 2 s.e. (declared)", verdict(ok), SRC_3A)]
    if nn:
        agree = abs(mn - ms) <= max(0.2 * ms, 2 * np.hypot(sn if np.isfinite(sn) else 0,
                                                            ss if np.isfinite(ss) else 0))
        meas = (f"ring n_s < 0 first at t = {mn:.1f} ± {sn:.1f}/J ({nn}/{len(r.seeds)} seeds, "
                f"within the linear-response window); first slip at t = {ms:.1f} ± {ss:.1f}/J "
                f"({ns_} seeds); per seed (first slip, first n_s < 0): "
                + ", ".join(f"({a:.0f}, {b:.0f})" for a, b in zip(t_slip, t_neg)))
    else:
        agree = False
        meas = (f"ring n_s(t) stays positive wherever the flux response is linear (up to "
                f"t = {np.nanmin(t_lin):.1f}–{np.nanmax(t_lin):.1f}/J per seed; seed-mean minimum "
                f"n_s/n_s(0) = {mean[k_min] / ns0:.3f} ± {sem[k_min] / ns0:.3f} at "
                f"t = {r.times[k_min]:.1f}/J); "
                + (f"first slip at t = {ms:.1f} ± {ss:.1f}/J ({ns_}/{len(r.seeds)} seeds)"
                   if ns_ else "no phase slip in any seed"))
    claims.append(Claim("n_s turns negative at the time the defects start to proliferate "
                        "(here: n_s of the ring itself, Eqs. 7–8 on the lattice)",
                        meas + f"; band {band_label}" + tag, "t(n_s < 0) within 20 % or 2 s.e. of t(first slip) "
                        "(declared)", verdict(agree), SRC_LINK))
    return claims, rates


MAP_STEM = "map_main_text"
SRC_C1 = "Appendix C, Eq. (C1) diagonal part"


def map_rows():
    """Points and summary of the proliferation map (``python -m numerics.ring_runs map``:
    λ_f × γ_el × Hartree off/attractive, 8 seeds, N = 512, t ≤ 200/J), from its journal."""
    from numerics.ring_runs import map_points, map_summary
    pts = map_points(band="main_text")
    rows = journal_rows(MAP_STEM, pts)
    return pts, rows, map_summary(pts, rows)


def _cell(s) -> str:
    first = f", first slip {s['first']:.1f}/J" if s["slipping_seeds"] else ""
    return (f"λ_f = {s['lambda_f']:g}J, γ_el = {s['gamma_el']:g}J: {s['slips']:.0f} slips/seed"
            f"{first}; rate {s['rate1']:.1e} → {s['rate2']:.1e}")


def _claims_map(quick):
    """Fig. 3a decided over the map, Hartree off and at the attractive sign."""
    pts, rows, summ = map_rows()
    done = sum(r is not None for r in rows)
    tag = f" (read from results/ring_map, {done}/{len(pts)} samples)"
    claims = []
    for h, label, src in (("off", "Hartree off (the paper's reading)", SRC_3A),
                          ("attractive", "Hartree part of (C1) at the attractive-decoupling sign "
                           "δu_i = −λ(n_i − ½) (a reading of C1, not the paper's)", SRC_C1)):
        cells = [s for s in summ if s["hartree"] == h and s["seeds"] >= 8]
        claim = f"Fig. 3a: after the quench the defects (phase slips) proliferate; {label}"
        crit = ("declared: per (λ_f, γ_el) with ≥ 8 seeds, second-half slip rate > first-half "
                "rate by > 2 s.e.; PASS where found, DIFFERS if nowhere; undecided where the "
                "start is already broken up (min|Δ_i|/mean < 0.1)")
        if len(cells) < 16:
            part = [s for s in summ if s["hartree"] == h]
            seen = "; ".join(f"{_cell(s)} ({s['seeds']} seeds, start min|Δ_i|/mean "
                             f"{s['start_min_rel']:.4f})" for s in part)
            claims.append(Claim(claim, f"map not complete: {len(cells)} of 16 (λ_f, γ_el) "
                                f"cells with 8 seeds" + (f"; so far: {seen}" if seen else "")
                                + tag, crit, None, src,
                                undecided="the map runs are not complete (python -m "
                                "numerics.ring_runs map)"))
            continue
        clean = [s for s in cells if s["start_min_rel"] >= 0.1]
        broken = [s for s in cells if s["start_min_rel"] < 0.1]
        found = [s for s in clean if s["proliferates"]]
        paper = next(s for s in cells if s["lambda_f"] == 2.0 and s["gamma_el"] == 0.1)
        most = max(cells, key=lambda s: s["slips"])
        meas = (f"proliferation in {len(found)} of {len(clean)} cells with a homogeneous-on-"
                f"average start" + (": " + "; ".join(_cell(s) for s in found) if found else "")
                + f". Paper's point (λ_f = 2J, γ_el = 0.1J): {_rates_text(paper)}, "
                f"{paper['slips']:.0f} slips/seed. Most slips: {_cell(most)}. "
                + (f"{len(broken)} cells start broken up (min|Δ_i|/mean down to "
                   f"{min(s['start_min_rel'] for s in broken):.4f}); " if broken else
                   "Every start is homogeneous on average; ")
                + "N = 512, t ≤ 200/J, band −J cos k" + tag)
        verdict = True if found else (None if len(broken) == len(cells) else False)
        why = "every start is already broken up" if verdict is None else ""
        claims.append(Claim(claim, meas, crit, verdict, src, undecided=why))
    return claims, summ


def _plot_map(summ, path) -> bool:
    """Slip rates of the two halves over λ_f × γ_el, Hartree off / attractive."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    from numerics.ring_runs import GAMMA_EL, LAMBDA_F
    gam = sorted(GAMMA_EL)
    if not summ:
        return False
    fig, axes = plt.subplots(2, 2, figsize=(9, 7), constrained_layout=True)
    for i, h in enumerate(("off", "attractive")):
        for j, key in enumerate(("rate1", "rate2")):
            ax = axes[i, j]
            z = np.full((len(gam), len(LAMBDA_F)), np.nan)
            for s in summ:
                if s["hartree"] == h:
                    z[gam.index(s["gamma_el"]), LAMBDA_F.index(s["lambda_f"])] = s[key]
            im = ax.imshow(np.where(z > 0, z, np.nan), origin="lower", aspect="auto",
                           norm=LogNorm(1e-5, 1e-1), cmap="viridis")
            for a in range(len(gam)):
                for b in range(len(LAMBDA_F)):
                    if np.isfinite(z[a, b]):
                        ax.text(b, a, "0" if z[a, b] == 0 else f"{z[a, b]:.1e}", ha="center",
                                va="center", fontsize=7, color="w" if z[a, b] > 0 else "k")
            ax.set_xticks(range(len(LAMBDA_F)), [f"{x:g}" for x in LAMBDA_F])
            ax.set_yticks(range(len(gam)), [f"{x:g}" for x in gam])
            half = "first" if key == "rate1" else "second"
            ax.set(xlabel=r"$\lambda_f$ (J)", ylabel=r"$\gamma_{el}$ (J)",
                   title=f"Hartree {h}: slips/site/(1/J), {half} half")
            fig.colorbar(im, ax=ax)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def _finite_q(quick):
    """Clean ring: k-space growth rates at λ_f = 2J and 4J and the ring's own at 4J."""
    from numerics.bdg1d import BdG1DParams
    from numerics.ring_finite_q import kspace_growth, ring_growth
    n, t_max = (48, 40.0) if quick else (96, 80.0)
    out = {}
    for lf in (2.0, 4.0):
        g = kspace_growth(n_sites=n, hopping=0.5, lambda_i=1.2, lambda_f=lf,
                          q_index=np.arange(1, n // 2 + 1), t_max=t_max, dt=0.02, sample_every=25)
        out[lf] = g
    p = BdG1DParams(n_sites=n, hopping=0.5, lambda_i=1.2, lambda_f=4.0, dt=0.02, t_max=30.0,
                    order=4)
    ring = ring_growth(p, sample_every=25, theta=1e-10)
    return out, ring


def _claim_ns_q(quick):
    """Finite-q stiffness of the clean 2J cos k state (:mod:`numerics.ring_q`, dynamic route):
    the most negative wavelength over t ∈ [30, 100]/J vs the slip spacing of the disordered
    ring (stored run; undecided without it)."""
    from numerics.ring_model import RingModel
    from numerics.ring_q import ns_q_dynamic, slip_spacing
    from numerics.ring_runs import load_stiffness
    path = RESULTS / "ns_q_appendix_c_N512.npz"
    if not quick and path.exists():
        z = np.load(path)
        t, q, ns, n, origin = z["dyn_times"], z["dyn_q"], z["dyn_ns"], 512, f"read from {path.name}"
    else:
        n = 128 if quick else 512
        r = ns_q_dynamic(RingModel(band="appendix_c", n_sites=n, gamma_el=0.0),
                         q_index=np.arange(0, n // 16 + 1), t_max=100.0,
                         dt=0.05 if quick else 0.02, sample_every=20 if quick else 50)
        t, q, ns, origin = r.times, r.q, r.ns, "computed"
    w = (t >= 30) & (t <= 100)
    lam = 2 * np.pi / q[1:][np.argmin(ns[w][:, 1:], axis=1)]
    spath = RESULTS / "stiffness_appendix_c_off_N512.npz"
    text = (f"clean state, N = {n} ({origin}): 2π/q_min = {lam.mean():.1f} ± {lam.std(ddof=1):.1f} "
            f"sites (mean ± s.d. over t ∈ [30, 100]/J); n_s(q, t) < 0 at some q in "
            f"{np.mean([np.any(r[1:] < 0) for r in ns[w]]):.0%} of the samples")
    ok = None
    if spath.exists():
        sp = np.array([slip_spacing(ev, 512) for ev in load_stiffness(spath).slip_events])
        sp = sp[np.isfinite(sp)]
        m, se = sp.mean(), sp.std(ddof=1) / np.sqrt(sp.size)
        text += f"; ring (γ_el = 0.1J, N = 512, {sp.size} seeds): slip spacing {m:.1f} ± {se:.1f} sites"
        ok = bool(abs(lam.mean() - m) < max(2 * se, 0.2 * m))
    return Claim("finite-q stiffness n_s(q, t) of the clean homogeneous post-quench state "
                 "(Eqs. 7–8 at wavevector q; band 2J cos k, λ 1.2J → 2J): its most negative "
                 "wavelength is the spacing of the ring's phase slips",
                 text, "|2π/q_min − slip spacing| < 2 s.e. of the spacing or 20 % (declared); "
                 "undecided without the stored ring run", ok,
                 "beyond the paper (finite-q Eqs. 7–8)", beyond_paper=True)


def _run(out_dir: Path, quick: bool) -> PanelOutput:
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from numerics.ring_stiffness import clean_stiffness, equilibrium_stiffness
    out_dir = Path(out_dir)
    r, origin = stiffness_result(quick)
    claims, rates = _claims_stiffness(r, quick, "−J cos k (main text)")
    rc, origin_c = (None, "") if quick else stiffness_result(False, "appendix_c")
    if rc is not None:
        more, _ = _claims_stiffness(rc, quick, "2J cos k (Appendix C)")
        claims += more
        origin += f"; Appendix C band {origin_c}"
    more, summ = _claims_map(quick)
    claims += more
    # numerics check: the flux response of the start equals the static BCS lattice value
    from numerics.ring_model import RingModel
    m = RingModel(n_sites=64, gamma_el=0.0)
    ns_twist = float(equilibrium_stiffness(m.bdg1d_params())[0])
    ns_bcs = clean_stiffness(64, m.hopping, m.lambda_i)
    claims.append(Claim("n_s from the flux response equals the static BdG value in equilibrium "
                        "(numerics check, clean ring N = 64)",
                        f"{ns_twist:.6g} vs BCS lattice formula {ns_bcs:.6g} (relative difference "
                        f"{abs(ns_twist / ns_bcs - 1):.1e})",
                        "relative difference < 1e-6", abs(ns_twist / ns_bcs - 1) < 1e-6,
                        "Eqs. (7, 8) on the lattice"))
    gq, ring = _finite_q(quick)
    w = (20.0, 40.0) if quick else (30.0, 80.0)
    q2, g2 = gq[2.0].fastest(*w)
    q4, g4 = gq[4.0].fastest(*w)
    qr, gr = ring.fastest(10.0, 30.0)
    qk, gk = gq[4.0].fastest(10.0, 30.0)
    claims.append(Claim("clean homogeneous post-quench state: finite-q instability (q-shifted "
                        "pairing channel; beyond the paper, cf. Dzero et al. 2009)",
                        f"max growth rate over t ∈ [{w[0]:g}, {w[1]:g}]/J: λ_f = 2J: {g2:.3f}J at "
                        f"q = {q2:.2f}; λ_f = 4J: {g4:.3f}J at q = {q4:.2f}. Ring at 4J, "
                        f"t ∈ [10, 30]/J: {gr:.4f}J at q = {qr:.2f} vs k-space {gk:.4f}J at "
                        f"q = {qk:.2f}", "ring and k-space rate and q* within 20 %",
                        bool(abs(gr / gk - 1) < 0.2 and abs(qr / qk - 1) < 0.2),
                        "beyond the paper (linear response of the uniform state)",
                        beyond_paper=True))
    claims.append(_claim_ns_q(quick))
    # figure: n_s(t) seed mean, slips
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(13, 3.8), constrained_layout=True)
    mean, sem, cnt = r.seed_mean()
    ns0 = float(np.mean(r.ns_initial))
    a1.fill_between(r.times, (mean - sem) / ns0, (mean + sem) / ns0, alpha=0.3)
    a1.plot(r.times, mean / ns0, label="ring, seed mean (linear window)")
    a1.axhline(0, color="k", lw=0.5)
    a1.set(xlabel="t (1/J)", ylabel=r"$n_s(t)/n_s(0)$", title="ring stiffness (flux response)")
    t_edges = np.linspace(0, float(r.times[-1]), 21)
    cnts = r.slip_counts(t_edges)
    a2.errorbar(0.5 * (t_edges[1:] + t_edges[:-1]), cnts.mean(0),
                yerr=cnts.std(0, ddof=1) / np.sqrt(len(cnts)) if len(cnts) > 1 else None, fmt="o-")
    a2.set(xlabel="t (1/J)", ylabel="bond slips per window (seed mean)", title="phase slips")
    for lf, g in gq.items():
        a3.plot(g.q, g.rates(*w), label=f"k space, λ_f={lf:g}J")
    a3.plot(ring.q, ring.rates(10.0, 30.0), ".", label="ring, λ_f=4J, t∈[10,30]")
    a3.axhline(0, color="k", lw=0.5)
    a3.set(xlabel="q", ylabel="growth rate (J)", title="finite-q growth, clean")
    a3.legend(fontsize=7)
    fig.savefig(out_dir / "ring_ns_slips.png", dpi=120)
    plt.close(fig)
    notes = (f"ring run {origin}; N={r.params.n_sites}, seeds {list(r.seeds)}, flux Φ={r.flux}, "
             f"max energy drift {np.max(r.energy_drift):.1e}; linear-response window per seed "
             f"ends at t = {np.round(r.t_linear(), 1).tolist()}/J")
    figs = ["ring_ns_slips.png"]
    if _plot_map(summ, out_dir / "ring_map.png"):
        figs.append("ring_map.png")
    return PanelOutput(figures=figs, claims=claims, notes=notes)


PANELS = [Panel(name="ring", title="One 1D model for Figs. 3a/3b: ring n_s(t), slips, "
                "finite-q growth", run=_run, quick_seconds=60.0, full_seconds=600.0)]
