"""Memory of the compressed two-time solver in N_t, two ways: longer runs at a fixed dt, and
a fixed physical window at a finer dt.  Does the Σ storage approach O(N_t log N_t)?

The hierarchical storage (numerics.kb_hodlr) holds per function two dense block rows and the
near band (O(b N_t)) and, for the far blocks, truncated-SVD factors (O(N_t r log(N_t/b)) for a
bounded rank r).  The ranks of this model grow with a block's length in time
(derivations/kb_rank_origin.py), so at a fixed dt they grow with the block size.  This script runs the benchmark's model
(floquetsym.app.bench.kb_twotime: N_ξ = 12, λ_el-ph = 0.1, ω_D = 0.16, γ_el = 0.02, C^∞
preparation, dt = 0.2, order 5, tol 1e-8, tiles of 32) at N_t = 401 … 3201 with the compressed
storage only (the dense squares are N_t² · 128 B exactly) and records, per size, the peak
bytes of the Σ storage, its parts (dense rows, near band, factors) and the mean and largest
rank of the factored blocks per level (block size 32 · 2^l steps).

The second series (``--refine``) keeps the physical window of the N_t = 401 run (t_prep = 40,
t_ramp = 32, t_max = 40) and refines dt = 80 / (N_t − 1): the block ranks depend on a block's
physical length T = L·dt, not on its number of steps L (derivations/kb_rank_origin.py), so at a
fixed window the factors hold O(N_t) numbers per level with ranks set by T, and the storage
should grow as ≈ N_t (the "near linear" memory of Kaye & Golež, SciPost Phys. 10, 091 (2021),
for functions with bounded ranks).

Output: docs/kb_memory_scaling.json ("runs": fixed dt; "refine_runs": fixed window), written
after every size (a rerun skips the sizes already there).
Run: ``python derivations/kb_memory_scaling.py [--refine] [N_t ...]`` (one core; fixed dt:
~15 min for 401 … 3201, about an hour more for 6401; fixed window: ~10 min).
"""
from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "docs" / "kb_memory_scaling.json"
SIZES = (401, 801, 1601, 3201)
WINDOW = 80.0                                # fixed physical window of the refinement series
TOL, TILE = 1e-8, 32


def run_one(n_t: int, refine: bool = False) -> dict:
    from floquetsym.app.bench.kb_twotime import scaling_params
    from numerics.kb_gregory import GregoryKBStepper
    nt = n_t - 1
    # fixed window, dt = WINDOW / nt; or fixed dt = 0.2, window 0.2 nt
    p = scaling_params(WINDOW, WINDOW / nt) if refine else scaling_params(0.2 * nt, 0.2)
    st = GregoryKBStepper(p, compress_tol=TOL, compress_block=TILE)
    c0 = time.process_time()
    with warnings.catch_warnings():         # the short preparations of the bench model warn
        warnings.simplefilter("ignore")
        r = st.run()
    cpu = time.process_time() - c0
    levels: dict[int, list[int]] = {}
    parts = {"rows": 0, "near": 0, "factors": 0}
    for h in (st.hR, st.hL):
        for lev, rank in h.ranks():
            levels.setdefault(lev, []).append(rank)
        parts["rows"] += sum(b.nbytes for b in h.rowbuf.values())
        parts["near"] += sum(a.nbytes for a in h.near)
        parts["factors"] += sum(U.nbytes + V.nbytes for U, V in h.leaf.values())
    return {"n_t": p.n_steps + 1, "dt": p.dt, "cpu_s": cpu, "sigma_peak_bytes": int(r.meta["sigma_peak_bytes"]),
            "parts_bytes_final": parts,
            "rank_by_level": {str(TILE << lev): {"blocks": len(v), "mean": float(np.mean(v)),
                                                 "max": int(max(v))}
                              for lev, v in sorted(levels.items())},
            "max_rank": int(r.meta.get("compress_max_rank", 0)),
            "min_ns_over_n": float(np.min(r.ns) / r.density[0])}


def exponents(rows: list[dict]) -> dict:
    x = np.log([r["n_t"] for r in rows])
    y = np.log([r["sigma_peak_bytes"] for r in rows])
    out = {"fit_all": float(np.polyfit(x, y, 1)[0]) if len(rows) >= 2 else None,
           "local": [float((y[i + 1] - y[i]) / (x[i + 1] - x[i])) for i in range(len(rows) - 1)]}
    yc = np.log([r["cpu_s"] for r in rows])
    out["cpu_fit_all"] = float(np.polyfit(x, yc, 1)[0]) if len(rows) >= 2 else None
    return out


def main(argv=None):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    argv = list(argv or [])
    refine = "--refine" in argv
    sizes = [int(a) for a in argv if a != "--refine"] or list(SIZES)
    key, ekey = ("refine_runs", "refine_exponents") if refine else ("runs", "exponents")
    data = json.loads(OUT.read_text()) if OUT.exists() else {"runs": []}
    data.setdefault(key, [])
    data.update({"model": "bench kb_twotime: N_xi=12, lam_ph=0.1, omega_d=0.16, gamma_el=0.02, "
                          "C-infinity preparation, dt=0.2, order 5", "tol": TOL, "tile": TILE})
    data["refine_window"] = WINDOW
    done = {r["n_t"] for r in data[key]}
    for n_t in sizes:
        if n_t in done:
            continue
        row = run_one(n_t, refine)
        print(json.dumps(row), flush=True)
        data[key] = sorted(data[key] + [row], key=lambda r: r["n_t"])
        data[ekey] = exponents(data[key])
        tmp = OUT.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        tmp.replace(OUT)
    print(json.dumps(data.get(ekey), indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
