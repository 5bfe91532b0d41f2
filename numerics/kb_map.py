r"""The n_s(t) map of the quench (paper Fig. 1b) from the two-time solver :mod:`numerics.kb_gregory`.

One point = one quench λ_i → λ_f from the adiabatically prepared correlated equilibrium
(C^∞ switching of the self-energies over ``t_ramp``, then a hold of t_prep − t_ramp), run to
``t_max`` after the quench.  :func:`quench_point` returns the numbers of the map:

    ns_min      min_{0 ≤ t ≤ t_max} n_s(t)/n, and t_ns_min where it is reached;
    t_sign      first t ≥ 0 with n_s(t) < 0 (linear interpolation between grid times; −1 if
                none, with ``sign_change`` = 0; 1 otherwise);
    delta_inf   mean |Δ| over the last ``late`` E_F^{-1}; delta_late_spread its peak-to-peak / mean;
    ns_slope    slope of n_s/n over the last ``late`` (per E_F^{-1}, least squares);
    prep_*      the prepared state: hold-window means and spreads of |Δ| and n_s/n
                (:func:`numerics.kadanoff_baym.prepared_state_spread`) and the Matsubara
                equilibrium of the same grid (:mod:`numerics.kb_equilibrium`); ``prep_ok`` = 1
                when the Δ spread is ≤ 2 % and the hold means agree with the Matsubara Δ and
                n_s/n to ``prep_tol`` (relative / absolute);
    t_recurrence  2π/(2 max δE) of the ξ grid near the Fermi level (later times see the
                discreteness of the ξ sum).

Every point checkpoints (``<outdir>/ckpt_<key>.npz``, every ``checkpoint_every`` steps) and
writes its curve (``<outdir>/curve_<key>.npz``: t, Δ, n_s, n, P; the checkpoint is then
removed); a killed point resumes bit-identically, a finished one returns at once.  Run a map with :func:`numerics.sweeps.sweep`
over the points (its journal skips finished points).  :func:`curve_change` compares two cached
curves of one point (dt or ξ grid changed; the convergence at :data:`MAP_CORNERS`).
"""
from __future__ import annotations

import hashlib
import json
import math
import warnings
from pathlib import Path

import numpy as np

__all__ = ["quench_point", "point_params", "curve_path", "curve_change", "FIG1B", "FIG1C", "FIG1C_LAMBDA_F",
           "FIG3B", "MAP_CORNERS", "figure_points"]

#: the paper's Fig. 1b quench (ω_D = 0.04 E_F; λ_el-ph not given by the paper)
FIG1B = dict(lam_i=0.25, lam_f=0.45, omega_d=0.04, lam_ph=0.1, gamma_el=0.0, temperature=0.005,
             n_xi=48, dt=0.25, t_prep=220.0, t_ramp=200.0, t_max=200.0)


#: the paper's Fig. 1c quench (disorder only, λ_i = 0.3, γ_el = 0.05E_F; λ_f in FIG1C_LAMBDA_F)
#: on the Fig. 1b grid and preparation
FIG1C = dict(lam_i=0.3, lam_ph=0.0, gamma_el=0.05)
FIG1C_LAMBDA_F = (0.4, 0.45, 0.5)
#: the paper's Fig. 3b quench: the uniform 1D tight-binding model of
#: ``numerics.ring_model.PAPER_POINT.kb_params`` (band −J cos k, λ 1.2J → 2J, γ_el = 0.1J;
#: energies in J, times in 1/J) on the Fig. 1b grid and preparation
FIG3B = dict(band="tb1d", hopping=1.0, lam_i=1.2, lam_f=2.0, gamma_el=0.1, vertex_cutoff=1.0,
             lam_ph=0.0)


def figure_points(outdir: str = "results/kb_map", **kw) -> list[dict]:
    """:func:`quench_point` arguments of the two-time Fig. 1c (three λ_f) and Fig. 3b runs
    (``omega_d`` is inert without phonons; it stays at the Fig. 1b value)."""
    pts = [{**FIG1C, "lam_f": lf, "omega_d": FIG1B["omega_d"], "outdir": outdir, **kw}
           for lf in FIG1C_LAMBDA_F]
    return pts + [{**FIG3B, "omega_d": FIG1B["omega_d"], "outdir": outdir, **kw}]


#: measured dt error of n_s/n over t ≤ 200 at the Fig. 1b point (order 5): err ≈ C dt^p with
#: p = 4.5 observed from dt = 0.3, 0.25, 0.2 and C from max |n_s(0.25) − n_s(0.2)|/n = 8.97e-4
#: = C (0.25^p − 0.2^p) (docs/kb_solver.md).  Used to refuse an ``accuracy`` the dt cannot reach.
DT_ERROR_C, DT_ERROR_P = 0.725, 4.5


def check_accuracy(dt: float, accuracy: float) -> float:
    """Predicted n_s/n error of a map run at ``dt``; ValueError naming ``dt`` (or
    ``accuracy``) if the requested accuracy is out of reach (checked before the run)."""
    from floquetsym.params import require
    require(accuracy >= 1e-9, "accuracy", accuracy,
            ">= 1e-9 (rounding, the compression tolerance and the Matsubara check limit it)")
    est = DT_ERROR_C * dt ** DT_ERROR_P
    dt_max = (accuracy / DT_ERROR_C) ** (1.0 / DT_ERROR_P)
    require(est <= accuracy, "dt", dt,
            f"<= {dt_max:.3g} for accuracy={accuracy:g} in n_s/n (measured error "
            f"{DT_ERROR_C:g}·dt^{DT_ERROR_P:g} at the Fig. 1b point, order 5)")
    return est


def point_params(**kw):
    """KBParams of a map point (``FIG1B`` updated by ``kw``; C^∞ ramp, two-time mode); the
    coarse-dt ConvergenceWarning of KBParams (written for the order-2 steppers) is silenced."""
    from floquetsym.result import ConvergenceWarning
    from .kb_model import KBParams
    d = {**FIG1B, **kw}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KBParams(mode="full", ramp_shape="smooth", **d)


def _key(p, order, correctors: int = 0) -> str:
    extra = {"correctors": correctors} if correctors else {}      # keys of sweep-free runs unchanged
    blob = json.dumps({**p.as_dict(), "order": order, **extra}, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def curve_path(outdir, p, order: int = 5, correctors: int = 0) -> Path:
    """Where :func:`quench_point` caches the curve of the point ``p`` (one name, everywhere)."""
    return Path(outdir) / f"curve_{_key(p, order, correctors)}.npz"


def _first_negative(t, y):
    idx = np.nonzero(y < 0)[0]
    if idx.size == 0:
        return -1.0
    i = idx[0]
    if i == 0:
        return float(t[0])
    return float(t[i - 1] + (t[i] - t[i - 1]) * y[i - 1] / (y[i - 1] - y[i]))


def summarize(times, delta, ns, density, p, late: float = 50.0) -> dict:
    """Map numbers of one curve (module docstring), without the prepared-state check."""
    n0 = float(density[0])
    a = times >= -1e-9
    t, f = times[a], ns[a] / n0
    i = int(np.argmin(f))
    lw = t >= t[-1] - late
    slope = float(np.polyfit(t[lw], f[lw], 1)[0]) if lw.sum() > 2 else math.nan
    d = np.abs(delta[a])[lw]
    return {"ns_min": float(f[i]), "t_ns_min": float(t[i]), "t_sign": _first_negative(t, f),
            "sign_change": float(bool((f < 0).any())),
            "ns_end": float(f[-1]), "ns_slope": slope, "delta_inf": float(d.mean()),
            "delta_late_spread": float(np.ptp(d) / d.mean()) if d.mean() > 0 else 0.0,
            "number_drift": float(np.abs(density - n0).max() / n0)}


def curve_change(a, b, windows=(50.0, 100.0, 150.0, 200.0)) -> dict:
    """Convergence of one map curve against another (dt or ξ grid changed): the largest
    |n_s/n(a) − n_s/n(b)| over the times both grids hold with 0 ≤ t ≤ w, for every window w,
    and both minima of n_s/n over t ≥ 0.  ``a``, ``b``: mappings with ``t``, ``ns``, ``n``
    (the cached curves)."""
    ta, tb = np.round(np.asarray(a["t"]), 6), np.round(np.asarray(b["t"]), 6)
    common, ia, ib = np.intersect1d(ta, tb, return_indices=True)
    if common.size == 0:
        raise ValueError("the two curves share no time")
    fa = np.asarray(a["ns"])[ia] / float(a["n"][0])
    fb = np.asarray(b["ns"])[ib] / float(b["n"][0])
    out = {}
    for w in windows:
        m = (common >= -1e-9) & (common <= w + 1e-9)
        out[f"max_change_t{w:g}"] = float(np.abs(fa[m] - fb[m]).max()) if m.any() else math.nan
    for lab, z in (("a", a), ("b", b)):
        t = np.asarray(z["t"])
        out[f"min_{lab}"] = float((np.asarray(z["ns"])[t >= -1e-9] / float(z["n"][0])).min())
    return out


def quench_point(lam_ph: float, omega_d: float, *, outdir="results/kb_map", order: int = 5,
                 checkpoint_every: int = 200, prep_tol: float = 0.01, progress: bool = False,
                 compress_tol: float = 0.0, accuracy: float | None = None, correctors: int = 0,
                 **kw) -> dict:
    """One map point (module docstring); ``kw`` overrides :data:`FIG1B` (n_xi, dt, ...).
    ``correctors`` > 0 repeats the sweeps of every step (:class:`numerics.kb_gregory.GregoryKBStepper`;
    more stable at large ω_D·dt, part of the curve's key).
    ``compress_tol`` > 0: hierarchical low-rank storage of Σ (:mod:`numerics.kb_hodlr`; it
    agrees with the dense squares to ~1e-10 at 1e-8, so the cached curve is shared; the value
    used is recorded in the curve file)."""
    from .kb_model import prepared_state_spread
    from .kb_equilibrium import matsubara_equilibrium
    from .kb_gregory import GregoryKBStepper
    p = point_params(lam_ph=lam_ph, omega_d=omega_d, **kw)
    if accuracy is not None:
        check_accuracy(p.dt, accuracy)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    curve = curve_path(outdir, p, order, correctors)
    ckpt = curve.with_name(curve.name.replace("curve_", "ckpt_", 1))
    if curve.exists():
        z = np.load(curve)
        times, delta, ns, dens, wall = z["t"], z["delta"], z["ns"], z["n"], float(z["wall_s"])
    else:
        st = GregoryKBStepper(p, order=order, progress=progress, compress_tol=compress_tol,
                              correctors=correctors)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = st.run(checkpoint=ckpt, checkpoint_every=checkpoint_every)
        times, delta, ns, dens, wall = r.times, r.delta, r.ns, r.density, r.meta["wall_s"]
        np.savez(curve, t=times, delta=delta, ns=ns, n=dens, ns_para=r.ns_para, wall_s=wall,
                 cpu_s=r.meta["cpu_s"], compress_tol=compress_tol,
                 sweeps=r.meta["sweeps_per_step"],
                 params=json.dumps({**p.as_dict(), "order": order, "correctors": correctors}))
        ckpt.unlink(missing_ok=True)                            # the curve marks it done
    out = summarize(times, delta, ns, dens, p)
    from .kb_model import KBResult
    r = KBResult(p, times, delta, ns, ns, ns, dens, ns, {})
    prep = prepared_state_spread(r)
    eq = matsubara_equilibrium(p)
    n0 = float(dens[0])
    out.update({"prep_delta": prep["prep_delta_mean"], "prep_delta_spread": prep["prep_delta_spread"],
                "prep_ns": prep["prep_ns_mean"] / n0, "prep_ns_spread": prep["prep_ns_spread"],
                "eq_delta": float(eq.delta), "eq_ns": float(eq.ns / eq.density)})
    ok = (prep["prep_delta_spread"] <= 0.02
          and abs(prep["prep_delta_mean"] / eq.delta - 1) <= prep_tol
          and abs(prep["prep_ns_mean"] / n0 - eq.ns / eq.density) <= prep_tol)
    out["prep_ok"] = 1.0 if ok else 0.0
    out["wall_s"] = wall
    out["t_recurrence"] = _recurrence_time(p, eq.delta)
    return out


def _recurrence_time(p, delta) -> float:
    """2π/(2 max δE) of the ξ grid within 6Δ of the Fermi level: the time after which the
    discrete ξ sum recurs (the same estimate as the GKBA's grid check)."""
    from .kb_model import make_band
    b = make_band(p)
    win = np.abs(b.xi) < 6 * delta
    e = np.sqrt(b.xi[win] ** 2 + delta ** 2)
    if e.size < 2:
        return 0.0
    return float(2 * math.pi / (2 * np.abs(np.diff(e)).max()))


#: the map of the issue, most decisive points first (ω_D = 0.04 at every λ_el-ph)
MAP_LAM_PH = (0.1, 0.2, 0.3, 0.05)         # Fig. 1b point (0.1) first
MAP_OMEGA_D = (0.04, 0.1, 0.2, 0.35, 0.6)
MAP_COMPRESS_TOL = 1e-8
#: the corners of the map, where the dt and ξ-grid convergence is shown (λ_el-ph, ω_D)
MAP_CORNERS = ((0.05, 0.04), (0.3, 0.04), (0.05, 0.6), (0.3, 0.6))


def map_points(**kw) -> list[dict]:
    pts = [{"lam_ph": lp, "omega_d": wd, **kw} for wd in MAP_OMEGA_D for lp in MAP_LAM_PH]
    return pts


def _cached(pt) -> bool:
    kw = {k: v for k, v in pt.items() if k not in ("outdir", "compress_tol", "correctors")}
    p = point_params(**kw)
    return curve_path(pt["outdir"], p, 5, pt.get("correctors", 0)).exists()


def main(argv=None):
    """``python -m numerics.kb_map OUT [--n-xi N] [--dt DT] [--only-omega W] [--limit K]
    [--workers W] [--correctors C]``: run the map points through :func:`numerics.sweeps.sweep`
    on a process pool (one BLAS thread per worker), resumable."""
    import argparse
    from concurrent.futures import ProcessPoolExecutor
    from .sweeps import sweep
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n-xi", type=int, default=FIG1B["n_xi"])
    ap.add_argument("--dt", type=float, default=FIG1B["dt"])
    ap.add_argument("--t-max", type=float, default=FIG1B["t_max"])
    ap.add_argument("--only-omega", type=float, default=None)
    ap.add_argument("--only-lam-ph", type=float, default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--compress-tol", type=float, default=MAP_COMPRESS_TOL)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--correctors", type=int, default=0)
    ap.add_argument("--cached-only", action="store_true",
                    help="tabulate only the points whose curve is already cached")
    a = ap.parse_args(argv)
    if a.workers < 1:
        raise ValueError(f"workers must be >= 1, got {a.workers}")
    extra = {"correctors": a.correctors} if a.correctors else {}     # same journal keys as before
    pts = map_points(n_xi=a.n_xi, dt=a.dt, t_max=a.t_max, outdir=str(Path(a.out).parent),
                     compress_tol=a.compress_tol, **extra)
    if a.only_omega is not None:
        pts = [q for q in pts if abs(q["omega_d"] - a.only_omega) < 1e-12]
    if a.only_lam_ph is not None:
        pts = [q for q in pts if abs(q["lam_ph"] - a.only_lam_ph) < 1e-12]
    if a.cached_only:
        pts = [q for q in pts if _cached(q)]
    pts = pts[:a.limit]
    with ProcessPoolExecutor(max_workers=a.workers) as ex:
        res = sweep(quench_point, pts, executor=ex, out=a.out, progress=True)
    for pt, row in zip(res.points, res.rows):
        print(pt, row)


if __name__ == "__main__":
    import os
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")      # workers inherit it: one core each
    main()
