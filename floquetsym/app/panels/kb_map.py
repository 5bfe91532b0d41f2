"""The Fig. 1b claim decided by the two-time Kadanoff–Baym solver: the n_s(t) map.

Runs (or reads from ``results/kb_map``, where every point caches its curve) the quench
λ 0.25 → 0.45 from the adiabatically prepared correlated equilibrium (C^∞ switching over
200/E_F, 20/E_F hold, N_ξ = 48, dt = 0.25, order 5; :mod:`numerics.kb_map`) for every
λ_el-ph ∈ {0.05, 0.1, 0.2, 0.3} at ω_D = 0.04E_F (the paper's ω_D < 2Δ case; λ_el-ph is not
given by the paper), and shows every other cached point of the λ_el-ph × ω_D map (a point
that needs a corrector sweep per step to stay physical is read from that run, marked "*").
Every cached point at ω_D ∈ {0.35, 0.6} E_F also gets a row for the paper's large-ω_D
statement (n_s and Δ approach asymptotic values; criterion at ``LARGE_OMEGA_D`` below), and one
row reads the paper's criterion "2Δ > ω_D" at every cached point with ω_D ≥ 0.1E_F whose
post-quench gap 2Δ_∞ exceeds ω_D (:func:`_regime_claim`).

Claim rows (criterion declared before the runs): for each λ_el-ph, PASS if n_s(t) < 0 at some
t ≤ 200/E_F (the region where it is negative is quoted), DIFFERS with the minimum of n_s/n
otherwise; undecided (None) if the prepared state fails its check (Δ spread ≤ 2 % over the
hold and hold means within 1 % of the Matsubara equilibrium of the same grid).  A GKBA curve
at λ_el-ph = 0.1 (same grid, dt = 0.1) is drawn as a labelled comparison only.
``--quick``: a smoke test on a small grid (N_ξ = 12, λ_i = 0.3, t ≤ 20), verdicts undecided.
"""
from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np

from floquetsym.app.panels import Claim, Panel, PanelOutput

__all__ = ["PANELS"]

SOURCE = "Fig. 1b and text ('when 2Δ is greater than ω_D ... n_s becoming negative')"
RESULTS = Path("results/kb_map")


def _curve(pt_kw, outdir):
    """(row, curve) of one map point (computed unless cached in ``outdir``)."""
    from numerics.kb_map import MAP_COMPRESS_TOL, curve_path, point_params, quench_point
    row = quench_point(outdir=outdir, compress_tol=MAP_COMPRESS_TOL, **pt_kw)
    p = point_params(**{k: v for k, v in pt_kw.items()})
    z = np.load(curve_path(outdir, p))
    return row, z


#: corrector sweeps per step tried, in order, for a map point's cached curve (ω_D = 0.6 at
#: λ_el-ph = 0.3 leaves the physical range at dt = 0.25 with none: docs/kb_solver.md)
CORRECTORS = (0, 1)


def _find_curve(lp, wd, outdir):
    """(curve, params, correctors) of the cached map point (λ_el-ph, ω_D), or None."""
    from numerics.kb_map import curve_path, point_params
    p = point_params(lam_ph=lp, omega_d=wd)
    for c in CORRECTORS:
        f = curve_path(outdir, p, correctors=c)
        if f.exists():
            return np.load(f), p, c
    return None


def _cached_map(outdir):
    """Every cached point of the full grid: dict (λ_el-ph, ω_D) → (min n_s/n, correctors)."""
    from numerics.kb_map import MAP_LAM_PH, MAP_OMEGA_D
    out = {}
    for lp in MAP_LAM_PH:
        for wd in MAP_OMEGA_D:
            hit = _find_curve(lp, wd, outdir)
            if hit is not None:
                z, _, c = hit
                a = z["t"] >= -1e-9
                out[lp, wd] = (float((z["ns"][a] / z["n"][0]).min()), c)
    return out


#: the large-ω_D rows: "when ω_D is sufficiently large, both n_s(t) and Δ(t) are approaching
#: asymptotic values at large times"; criterion (declared before those runs): over the last
#: 50/E_F of t ≤ 200/E_F, |d(n_s/n)/dt| ≤ 2e-4 E_F (least-squares slope) and the peak-to-peak
#: of |Δ| ≤ 10 % of its mean
LARGE_OMEGA_D = (0.35, 0.6)
SLOPE_MAX, SPREAD_MAX = 2e-4, 0.10
SOURCE_LARGE = "text ('when ω_D is sufficiently large, both n_s(t) and Δ(t) are approaching asymptotic values')"


def _summaries(outdir, omegas):
    """(λ_el-ph, ω_D, correctors, :func:`numerics.kb_map.summarize` numbers) of every cached
    point at the given ω_D, λ_el-ph ascending."""
    from numerics.kb_map import MAP_LAM_PH, summarize
    for wd in omegas:
        for lp in sorted(MAP_LAM_PH):
            hit = _find_curve(lp, wd, outdir)
            if hit is not None:
                z, p, c = hit
                yield lp, wd, c, summarize(z["t"], z["delta"], z["ns"], z["n"], p)


#: the convergence runs at the corners: the map's dt = 0.25 → 0.2 and N_ξ = 48 → 64
CONVERGENCE = (("dt 0.25 → 0.2", {"dt": 0.2}), ("N_ξ 48 → 64", {"n_xi": 64}))


def _corner_convergence(outdir):
    """One line per cached convergence run at the map's corners: the largest change of n_s/n
    up to t = 50, 100, 150, 200 and the two minima (:func:`numerics.kb_map.curve_change`)."""
    from numerics.kb_map import MAP_CORNERS, curve_change, curve_path, point_params
    lines = []
    for lp, wd in MAP_CORNERS:
        hit = _find_curve(lp, wd, outdir)
        if hit is None:
            continue
        z, _, c = hit
        for lab, kw in CONVERGENCE:
            f = curve_path(outdir, point_params(lam_ph=lp, omega_d=wd, **kw), correctors=c)
            if not f.exists():
                continue
            d = curve_change(z, np.load(f))
            lines.append(f"(λ_el-ph {lp}, ω_D {wd}) {lab}: max |Δ n_s/n| up to t = 50/100/150/200: "
                         + " / ".join(f"{d[f'max_change_t{w}']:.1e}" for w in (50, 100, 150, 200))
                         + f"; min n_s/n {d['min_a']:.4f} → {d['min_b']:.4f}")
    return lines


#: runs past the figure's window, at the point nearest a sign change (λ_el-ph, ω_D, t_max),
#: each also with the convergence changes of :data:`CONVERGENCE`
LONG_WINDOW = ((0.3, 0.04, 400.0), (0.2, 0.04, 400.0))


def _negative_tail(z) -> str:
    """'negative throughout t ≥ T' for a curve that ends with n_s < 0 (T: start of its last
    negative stretch), else ''."""
    t, f = np.asarray(z["t"]), np.asarray(z["ns"]) / float(z["n"][0])
    if f[-1] >= 0:
        return ""
    nonneg = np.flatnonzero(f >= 0)
    return f", negative throughout t ≥ {t[nonneg[-1] + 1] if nonneg.size else t[0]:.0f}"


def _long_window(outdir):
    """(lines, curves) of the cached runs past t = 200/E_F (:data:`LONG_WINDOW`): minimum of
    n_s/n and its time, the first sign change (if any), and the largest change of n_s/n up to
    t = 200 and up to t_max for each cached convergence run (dt 0.25 → 0.2, N_ξ 48 → 64)."""
    from numerics.kb_map import curve_change, curve_path, point_params, summarize
    lines, curves = [], {}
    for lp, wd, tm in LONG_WINDOW:
        p = point_params(lam_ph=lp, omega_d=wd, t_max=tm)
        if not curve_path(outdir, p).exists():
            continue
        z = np.load(curve_path(outdir, p))
        curves[lp, wd, tm] = z
        sm = summarize(z["t"], z["delta"], z["ns"], z["n"], p)
        sign = (f"n_s < 0 from t = {sm['t_sign']:.0f}{_negative_tail(z)}" if sm["sign_change"]
                else f"no sign change up to t = {tm:.0f}")
        line = (f"(λ_el-ph {lp}, ω_D {wd}) to t = {tm:.0f}: min n_s/n {sm['ns_min']:.4f} at "
                f"t = {sm['t_ns_min']:.0f}, {sign}")
        for lab, kw in CONVERGENCE:
            f = curve_path(outdir, point_params(lam_ph=lp, omega_d=wd, t_max=tm, **kw))
            if not f.exists():
                continue
            zb = np.load(f)
            d = curve_change(z, zb, windows=(200, tm))
            sb = summarize(zb["t"], zb["delta"], zb["ns"], zb["n"],
                           point_params(lam_ph=lp, omega_d=wd, t_max=tm, **kw))
            line += (f"; {lab}: max |Δ n_s/n| up to t = 200 / {tm:.0f}: "
                     f"{d['max_change_t200']:.1e} / {d[f'max_change_t{tm:g}']:.1e}, "
                     + (f"n_s < 0 from t = {sb['t_sign']:.0f}{_negative_tail(zb)}"
                        if sb["sign_change"] else "no sign change"))
        lines.append(line)
    return lines, curves


def _regime_claim(outdir):
    """One row over every cached point with ω_D ≥ 0.1E_F whose post-quench gap exceeds it
    (2Δ_∞ > ω_D, Δ_∞ = mean |Δ| over the last 50/E_F): the paper's 'when 2Δ is greater than
    ω_D ... n_s becoming negative' read at every such point (the ω_D = 0.04 rows above are the
    figure's own curve).  PASS only if n_s < 0 at every one of them; None if there are none."""
    from numerics.kb_map import MAP_OMEGA_D
    pts = [(lp, wd, r) for lp, wd, _, r in _summaries(outdir, [w for w in MAP_OMEGA_D if w >= 0.1])
           if 2 * r["delta_inf"] > wd]
    if not pts:
        return []
    neg = [q for q in pts if q[2]["sign_change"]]
    lo = min(pts, key=lambda q: q[2]["ns_min"])
    meas = (f"{len(pts)} computed points with 2Δ_∞ > ω_D (ω_D = "
            f"{', '.join(sorted({f'{q[1]:g}' for q in pts}))}E_F): n_s < 0 at {len(neg)} of {len(pts)}; smallest "
            f"min n_s/n = {lo[2]['ns_min']:.3f} (λ_el-ph = {lo[0]}, ω_D = {lo[1]}E_F)")
    return [Claim("Fig. 1b text: when the non-equilibrium gap 2Δ exceeds ω_D, n_s(t) turns negative "
                  "(every computed point with ω_D ≥ 0.1E_F and 2Δ_∞ > ω_D; two-time KB)", meas,
                  "n_s(t) < 0 at some t ≤ 200/E_F at every such point", len(neg) == len(pts),
                  SOURCE)]


def _large_omega_claims(outdir):
    """Claim rows for every cached point at ω_D ∈ LARGE_OMEGA_D (none if none is cached)."""
    claims = []
    for lp, wd, c, r in _summaries(outdir, LARGE_OMEGA_D):
        ok = abs(r["ns_slope"]) <= SLOPE_MAX and r["delta_late_spread"] <= SPREAD_MAX
        corr = f", {c} corrector sweep per step" if c else ""
        claims.append(Claim(
            f"Fig. 1b, large ω_D = {wd}E_F (2Δ_∞ = {2 * r['delta_inf']:.2f}E_F): n_s(t) and "
            f"Δ(t) approach asymptotic values (two-time KB, λ_el-ph = {lp}{corr})",
            f"last 50/E_F: n_s/n slope {r['ns_slope']:.1e} E_F, |Δ| peak-to-peak "
            f"{100 * r['delta_late_spread']:.1f} % of {r['delta_inf']:.4f}; min n_s/n "
            f"{r['ns_min']:.3f}",
            f"|slope| ≤ {SLOPE_MAX:g} E_F and peak-to-peak ≤ {100 * SPREAD_MAX:g} % over the "
            "last 50/E_F of t ≤ 200/E_F", ok, SOURCE_LARGE))
    return claims


def _claim(lp, row, quick):
    if quick:
        return Claim(f"Fig. 1b, ω_D < 2Δ: n_s(t) turns negative (λ_el-ph = {lp}; smoke test)",
                     f"min n_s/n = {row['ns_min']:.3f} (N_ξ = 12, t ≤ 20)",
                     "n_s < 0 at some t ≤ 200/E_F from the prepared equilibrium", None, SOURCE)
    prep = (f"prepared: Δ {row['prep_delta']:.4f} (Matsubara {row['eq_delta']:.4f}, spread "
            f"{100 * row['prep_delta_spread']:.2f} %), n_s/n {row['prep_ns']:.4f} "
            f"(Matsubara {row['eq_ns']:.4f})")
    if row["sign_change"]:
        meas = (f"n_s < 0 from t = {row['t_sign']:.1f}/E_F, min n_s/n = {row['ns_min']:.3f} at "
                f"t = {row['t_ns_min']:.0f}; {prep}")
    else:
        meas = (f"no sign change up to t = 200/E_F: min n_s/n = {row['ns_min']:.3f} at "
                f"t = {row['t_ns_min']:.0f}, late slope {row['ns_slope']:.2e}/E_F^-1; {prep}")
    passed = bool(row["sign_change"]) if row["prep_ok"] else None
    return Claim(f"Fig. 1b, ω_D = 0.04E_F < 2Δ: n_s(t) turns negative after the quench "
                 f"λ 0.25 → 0.45 (two-time KB, λ_el-ph = {lp}, not given by the paper)", meas,
                 "n_s(t) < 0 at some t ≤ 200/E_F, from the prepared correlated equilibrium "
                 "(N_ξ = 48, dt = 0.25, order 5; dt and ξ-grid errors of n_s/n in "
                 "docs/kb_solver.md, ≲ 2e-3 n in dt)",
                 passed, SOURCE)


def run(out_dir: Path, quick: bool) -> PanelOutput:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from numerics.kb_map import MAP_LAM_PH, MAP_OMEGA_D
    lps = sorted(MAP_LAM_PH)
    if quick:
        outdir = Path(out_dir) / "kb_map_quick"
        extra = dict(n_xi=12, lam_i=0.3, dt=0.2, t_prep=16.0, t_ramp=12.0, t_max=4.0)
        lps = [0.1]
    else:
        outdir, extra = RESULTS, {}
    claims, curves = [], {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lp in lps:
            row, z = _curve(dict(lam_ph=lp, omega_d=0.04, **extra), outdir)
            curves[lp] = z
            claims.append(_claim(lp, row, quick))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    colour = {}
    for lp, z in curves.items():
        a = z["t"] >= -20
        (ln,) = a1.plot(z["t"][a], z["ns"][a] / z["n"][0], label=f"two-time KB, λ_el-ph = {lp}")
        colour[lp] = ln.get_color()
    if not quick:
        try:
            gk = _gkba(0.1)
            a = gk.times >= -20
            a1.plot(gk.times[a], gk.ns[a] / gk.density[0], "k--", lw=0.8,
                    label="GKBA, λ_el-ph = 0.1 (comparison only)")
        except ValueError:
            pass
    long_lines, long_curves = ([], {}) if quick else _long_window(outdir)
    for (lp, wd, tm), z in long_curves.items():
        a = z["t"] >= 200
        a1.plot(z["t"][a], z["ns"][a] / z["n"][0], ":", color=colour.get(lp, "k"), lw=1.2,
                label=f"λ_el-ph = {lp}, continued to t = {tm:g}")
    a1.axhline(0, color="grey", lw=0.5)
    a1.set_xlabel("t E_F")
    a1.set_ylabel("n_s(t)/n")
    a1.set_title("ω_D = 0.04E_F, λ 0.25 → 0.45")
    a1.legend(fontsize=7)
    if not quick:
        claims += _regime_claim(outdir) + _large_omega_claims(outdir)
    cache = _cached_map(outdir)
    grid = np.full((len(MAP_LAM_PH), len(MAP_OMEGA_D)), np.nan)
    corr = np.zeros(grid.shape, int)
    lp_sorted = sorted(MAP_LAM_PH)
    for (lp, wd), (v, c) in cache.items():
        grid[lp_sorted.index(lp), list(MAP_OMEGA_D).index(wd)] = v
        corr[lp_sorted.index(lp), list(MAP_OMEGA_D).index(wd)] = c
    im = a2.imshow(grid, origin="lower", cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    a2.set_xticks(range(len(MAP_OMEGA_D)), [str(w) for w in MAP_OMEGA_D])
    a2.set_yticks(range(len(lp_sorted)), [str(v) for v in lp_sorted])
    a2.set_xlabel("ω_D / E_F")
    a2.set_ylabel("λ_el-ph")
    a2.set_title("min n_s/n over t ≤ 200 (blank: not computed; *: 1 corrector sweep)", fontsize=9)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            if not math.isnan(grid[i, j]):
                a2.text(j, i, f"{grid[i, j]:.2f}" + ("*" if corr[i, j] else ""),
                        ha="center", va="center", fontsize=8)
    fig.colorbar(im, ax=a2)
    fig.tight_layout()
    name = "kb_map.png"
    fig.savefig(Path(out_dir) / name, dpi=110)
    plt.close(fig)
    notes = (f"{len(cache)} of {len(MAP_LAM_PH) * len(MAP_OMEGA_D)} map points computed "
             f"(cached in {outdir}).")
    conv = [] if quick else _corner_convergence(outdir)
    if conv:
        notes += " Convergence at the corners: " + "; ".join(conv) + "."
    if long_lines:
        notes += " Past the figure's window: " + "; ".join(long_lines) + "."
    return PanelOutput(figures=[name], claims=claims, notes=notes)


def _gkba(lp):
    from numerics.kadanoff_baym import run as run_kb
    from numerics.kb_map import point_params
    p = point_params(lam_ph=lp, omega_d=0.04, dt=0.1)
    from dataclasses import replace
    return run_kb(replace(p, mode="gkba"))


PANELS = [Panel("kb_map", "Fig. 1b decided by the two-time KB solver: the n_s(t) map", run,
                quick_seconds=30.0, full_seconds=3600.0)]
