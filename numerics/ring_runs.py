"""Long runs of the 1D model (:class:`numerics.ring_model.RingModel`): the proliferation map and
the n_s(t)/slip link, resumable, with their data files.

``map_point`` is the sweep function of the proliferation map (one disorder sample, the four
λ_f of the map advanced together from their shared thermal start at λ_i); run the map with
:func:`run_map` (``numerics.sweeps``, journal-resumed).  ``python -m numerics.ring_runs``
runs the stiffness link and the map into ``results/ring_map/``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .ring_model import BANDS, RingModel

__all__ = ["LAMBDA_F", "GAMMA_EL", "map_point", "map_points", "run_map", "save_stiffness",
           "load_stiffness", "slip_rates", "proliferation", "map_summary"]

LAMBDA_F = (1.6, 2.0, 3.0, 4.0)
GAMMA_EL = (0.1, 0.05, 0.2, 0.0)           # the paper's point first
HARTREE_CODES = {0.0: "off", -1.0: "attractive", 1.0: "printed"}
BAND_CODES = {v: k for k, v in BANDS.items()}


def slip_rates(events: np.ndarray, t_max: float, n_sites: int) -> tuple[float, float]:
    """Bond slips per site per 1/J in the first and second half of [0, t_max]."""
    t = events[:, 0] if len(events) else np.zeros(0)
    half = t_max / 2
    return (float((t <= half).sum()) / (n_sites * half), float((t > half).sum()) / (n_sites * half))


def map_point(*, hopping: float, gamma_el: float, hartree: float, seed: float,
              n_sites: float = 512, t_max: float = 200.0, dt: float = 0.05,
              lambda_i: float = 1.2, phase_noise: float = 1e-6, lambda_f: float = -1.0) -> dict:
    """Slip statistics of one disorder sample for every λ_f in :data:`LAMBDA_F` (or only
    ``lambda_f`` when it is ≥ 0; then index 0 in the keys below).

    Returns numbers only (for ``numerics.sweeps``): per λ_f index i, ``rate1_i``/``rate2_i``
    (slips per site per 1/J, first/second half), ``slips_i``, ``first_i`` (first slip time,
    −1 if none), ``wind_i`` (|winding changes|), ``drift_i`` (max relative energy drift);
    and the start's ``start_min_rel``, ``start_std_rel``.  A 10⁻⁶ random phase seeds the clean
    ring (without it a clean ring stays homogeneous by symmetry).
    """
    import warnings

    from .bdg1d_batch import BatchStepper, InhomogeneousStartWarning
    from .bdg1d_static import SlipTracker
    model = RingModel(band=BAND_CODES[hopping], lambda_i=lambda_i, gamma_el=gamma_el,
                      n_sites=int(n_sites), hartree=HARTREE_CODES[float(hartree)])
    lfs = LAMBDA_F if lambda_f < 0 else (float(lambda_f),)
    p = model.bdg1d_params(seed=int(seed), dt=dt, t_max=t_max, lambda_f=lfs[0])
    K = len(lfs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InhomogeneousStartWarning)   # recorded below
        st = BatchStepper(p, seeds=[int(seed)] * K, lambda_f=lfs, phase_noise=phase_noise,
                          noise_seeds=[int(seed)] * K)
        st.start()
    info = st.start_info[0]
    trackers = [SlipTracker(p.slip_threshold) for _ in range(K)]
    dl = st.delta()
    for k, tr in enumerate(trackers):
        tr.update(0.0, dl[k])
    e0 = st.energy()
    drift = np.zeros(K)
    for n in range(1, p.n_steps + 1):
        st.advance(1)
        t_mid, _, f, lam = st.last_mid
        for k, tr in enumerate(trackers):
            tr.update(t_mid, -lam[k, 0] * f[k])
        if n % 400 == 0 or n == p.n_steps:
            drift = np.maximum(drift, np.abs(st.energy() - e0) / np.abs(e0))
    out = {"start_min_rel": info["min_rel"], "start_std_rel": info["std_rel"]}
    for k, tr in enumerate(trackers):
        ev = np.array(tr.events, dtype=float).reshape(-1, 3)
        r1, r2 = slip_rates(ev, t_max, p.n_sites)
        rows = tr.arrays()
        out.update({f"rate1_{k}": r1, f"rate2_{k}": r2, f"slips_{k}": float(len(ev)),
                    f"first_{k}": float(ev[0, 0]) if len(ev) else -1.0,
                    f"wind_{k}": float(np.abs(np.diff(rows[:, 1])).sum()),
                    f"drift_{k}": float(drift[k])})
    return out


def map_points(*, band: str = "main_text", seeds=range(8), gammas=GAMMA_EL,
               hartrees=("off", "attractive"), **fixed) -> list[dict]:
    """Points of the map, paper's point (γ_el = 0.1J) first, seeds innermost."""
    codes = {v: k for k, v in HARTREE_CODES.items()}
    pts = []
    for g in gammas:
        for h in hartrees:
            for s in seeds:
                pts.append({"hopping": BANDS[band], "gamma_el": float(g), "hartree": codes[h],
                            "seed": float(s), **fixed})
    return pts


def proliferation(r1, r2) -> tuple[bool, dict]:
    """The declared proliferation criterion on per-seed slip rates of the two halves.

    *Proliferation* = the seed-mean slip rate of the second half exceeds the first half's by
    more than two standard errors of the seed mean of the difference, with slips present in
    the second half.  Returns the verdict and the statistics (means, standard errors, seeds).
    """
    r1, r2 = np.asarray(r1, float), np.asarray(r2, float)
    d = r2 - r1
    n = d.size
    sem = (lambda x: float(x.std(ddof=1) / np.sqrt(n)) if n > 1 else float("inf"))
    stats = {"rate1": float(r1.mean()), "rate1_sem": sem(r1), "rate2": float(r2.mean()),
             "rate2_sem": sem(r2), "diff": float(d.mean()), "diff_sem": sem(d), "seeds": n}
    return bool(r2.mean() > 0 and d.mean() > 2 * stats["diff_sem"]), stats


def map_summary(points, rows) -> list[dict]:
    """Seed statistics of the proliferation map per (γ_el, Hartree, λ_f).

    ``points``/``rows`` as :func:`map_points` and the sweep's rows (``None`` for a point not
    run yet; it is left out).  Each entry: ``gamma_el``, ``hartree`` (name), ``lambda_f``,
    the :func:`proliferation` statistics and verdict (``proliferates``), ``slips`` (seed
    mean), ``first`` (seed-mean first slip time over the seeds that slip, NaN if none),
    ``slipping_seeds``, ``start_min_rel`` (smallest min|Δ_i|/mean of the starts: < 0.1 means
    the start is already broken up) and ``max_drift`` (largest relative energy drift).
    """
    groups: dict = {}
    for pt, row in zip(points, rows):
        if row is None:
            continue
        groups.setdefault((pt["gamma_el"], pt["hartree"], pt.get("lambda_f", -1.0)), []).append(row)
    out = []
    for (g, h, lf), rs in sorted(groups.items()):
        lfs = LAMBDA_F if lf < 0 else (lf,)
        for k, lam in enumerate(lfs):
            ok, st = proliferation([r[f"rate1_{k}"] for r in rs], [r[f"rate2_{k}"] for r in rs])
            first = np.array([r[f"first_{k}"] for r in rs])
            out.append({"gamma_el": g, "hartree": HARTREE_CODES[float(h)], "lambda_f": lam,
                        "proliferates": ok, **st,
                        "slips": float(np.mean([r[f"slips_{k}"] for r in rs])),
                        "first": float(first[first >= 0].mean()) if (first >= 0).any() else float("nan"),
                        "slipping_seeds": int((first >= 0).sum()),
                        "start_min_rel": float(min(r["start_min_rel"] for r in rs)),
                        "max_drift": float(max(r[f"drift_{k}"] for r in rs))})
    return out


def run_map(out: str | Path, *, points=None, max_workers: int = 1, progress: bool = True):
    """Run the map through ``numerics.sweeps`` (journal-resumed) into ``out``.{csv,npz,json}."""
    import concurrent.futures as cf

    from .sweeps import sweep
    pts = points if points is not None else map_points()
    with cf.ProcessPoolExecutor(max_workers=max_workers) as ex:
        return sweep(map_point, pts, executor=ex, out=out, progress=progress,
                     meta={"lambda_f": list(LAMBDA_F)})


def save_stiffness(r, path) -> None:
    """Store a :class:`numerics.ring_stiffness.StiffnessResult` as ``.npz``."""
    ev = [np.column_stack([np.full(len(e), s), e]) for s, e in enumerate(r.slip_events)]
    np.savez_compressed(path, times=r.times, ns=r.ns, nonlinearity=r.nonlinearity,
                        kinetic=r.kinetic, mean_abs=r.mean_abs, energy_drift=r.energy_drift,
                        ns_initial=r.ns_initial, seeds=np.array(r.seeds), flux=r.flux,
                        slip_events=np.vstack(ev) if ev else np.zeros((0, 4)),
                        params=repr(r.params.as_dict()),
                        start_min_rel=[i["min_rel"] for i in r.meta.get("start_info", [])])


def load_stiffness(path):
    """Inverse of :func:`save_stiffness` (a :class:`StiffnessResult` without ``meta``)."""
    import ast

    from .bdg1d import BdG1DParams
    from .ring_stiffness import StiffnessResult
    z = np.load(path)
    seeds = tuple(int(s) for s in z["seeds"])
    ev = z["slip_events"]
    return StiffnessResult(
        params=BdG1DParams(**ast.literal_eval(str(z["params"]))), seeds=seeds,
        flux=float(z["flux"]), times=z["times"], ns=z["ns"], nonlinearity=z["nonlinearity"],
        kinetic=z["kinetic"], mean_abs=z["mean_abs"], energy_drift=z["energy_drift"],
        slip_events=[ev[ev[:, 0] == s][:, 1:] for s in range(len(seeds))],
        ns_initial=z["ns_initial"],
        meta={"start_min_rel": z["start_min_rel"].tolist() if "start_min_rel" in z else []})


def _main(argv=None):
    import argparse

    from .ring_stiffness import run_stiffness
    ap = argparse.ArgumentParser(prog="python -m numerics.ring_runs")
    ap.add_argument("what", choices=["stiffness", "map"])
    ap.add_argument("--band", default="main_text", choices=list(BANDS))
    ap.add_argument("--hartree", default="off")
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--n-sites", type=int, default=512)
    ap.add_argument("--t-max", type=float, default=200.0)
    ap.add_argument("--out", default="results/ring_map")
    ap.add_argument("--workers", type=int, default=1,
                    help="worker processes for the map (one BLAS thread each)")
    a = ap.parse_args(argv)
    if a.workers < 1:
        raise ValueError(f"workers must be >= 1, got {a.workers}")
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.what == "stiffness":
        model = RingModel(band=a.band, hartree=a.hartree, n_sites=a.n_sites)
        p = model.bdg1d_params(dt=0.05, t_max=a.t_max, sample_every=10)
        tag = f"stiffness_{a.band}_{a.hartree}_N{a.n_sites}"
        r = run_stiffness(p, seeds=range(a.seeds), checkpoint=out / f"{tag}.ckpt.npz",
                          progress=True)
        save_stiffness(r, out / f"{tag}.npz")
        print(tag, "t_neg", r.t_negative(), "t_slip", r.t_first_slip(), "t_lin", r.t_linear())
    else:
        fixed = {k: v for k, v in (("n_sites", a.n_sites), ("t_max", a.t_max))
                 if v != {"n_sites": 512, "t_max": 200.0}[k]}     # same journal keys as defaults
        run_map(out / f"map_{a.band}", points=map_points(band=a.band, seeds=range(a.seeds),
                                                        **fixed), max_workers=a.workers)


if __name__ == "__main__":
    import os
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")      # workers inherit it: one core each
    _main()
