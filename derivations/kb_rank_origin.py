"""Where the block ranks of the compressed two-time storage come from: the local Green's
function or the bath kernel?

The local self-energy of the two-time solver (numerics.kb_gregory, paper Eqs. 5–6) is a
pointwise product in the two times,

    Σ^≷(t, s) = r(t) r(s) K^≷(t − s) τ3 G^≷_loc(t, s) τ3,

so the ε-rank of an off-diagonal block of Σ is at most rank(K block) × rank(G_loc block).
The bath kernel K^>(τ) = c_dis + ∫_0^{ω_D} dΩ α²F(Ω) [(1 + n_B) e^{−iΩτ} + n_B e^{iΩτ}] is
band-limited to [−ω_D, ω_D], so its blocks have small ranks (Slepian: ≈ ω_D T / π +
O(log 1/ε) over a window T).  If the ranks of Σ were mostly the kernel's, storing G^≷_loc
instead of Σ would divide them by rank(K); if they are G_loc's, no change of what is stored
lowers them.  This script runs the benchmark's model (floquetsym.app.bench.kb_twotime:
λ_el-ph = 0.1, ω_D = 0.16, γ_el = 0.02, C^∞ preparation, dt = 0.2, order 5) with dense
storage at N_t = 801 (window 160/E_F) for N_ξ ∈ {12, 24, 48} (and, at N_ξ = 12, at the map's
corner λ_el-ph = 0.3, ω_D = 0.6 and at dt = 0.1: the same window in 1601 steps), records every row of G^R_loc, G^<_loc next to Σ,
and measures, for blocks of L = 32 … 256 steps at distance L from the diagonal (the strongly
admissible blocks of numerics.kb_hodlr), the ε-ranks (σ_i > ε σ_1) of Σ^<, Σ^R, G^<_loc,
G^>_loc and K^> (each block as a (2L × 2L) matrix with the Nambu indices), at ε = 1e-6,
1e-8 and 1e-10.

Output: docs/kb_rank_origin.json (written after every N_ξ; a rerun skips those done).
Run: ``python derivations/kb_rank_origin.py [N_ξ ...]`` (one core, ≈ 4 min for all five).
"""
from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "docs" / "kb_rank_origin.json"
N_T, SIZES, TOLS, NXI = 801, (32, 64, 128, 256), (1e-6, 1e-8, 1e-10), (12, 24, 48)


def _eps_ranks(block) -> dict[str, int]:
    """ε-ranks of an (L, L, 2, 2) block read as a (2L × 2L) matrix."""
    m = block.shape
    s = np.linalg.svd(block.transpose(0, 2, 1, 3).reshape(2 * m[0], 2 * m[1]), compute_uv=False)
    return {f"{e:g}": int(np.sum(s > e * s[0])) if s[0] > 0 else 0 for e in TOLS}


def run_one(n_xi: int, dt: float = 0.2, **model) -> dict:
    from dataclasses import replace

    from floquetsym.app.bench.kb_twotime import scaling_params
    from numerics.kb_gregory import GregoryKBStepper, _dag
    p = replace(scaling_params(0.2 * (N_T - 1), dt, n_xi), **model)   # window 160 at any dt
    st = GregoryKBStepper(p)
    S = p.n_steps + 1
    g_gtr = np.zeros((S, S, 2, 2), complex)
    g_les = np.zeros((S, S, 2, 2), complex)
    sigma_row = st._sigma_row

    def recording(n, gr, z):                  # G^<(n, s) = −G^<(s, n)†, G^> = G^R + G^<
        gl = st._loc(-_dag(z))
        g_les[n, :n + 1] = gl
        g_gtr[n, :n + 1] = st._loc(gr) + gl
        return sigma_row(n, gr, z)

    st._sigma_row = recording
    c0 = time.process_time()
    with warnings.catch_warnings():           # the short preparations of the bench model warn
        warnings.simplefilter("ignore")
        st.run()
    cpu = time.process_time() - c0
    lag = np.arange(S)[:, None] - np.arange(S)[None, :]
    k_full = st.kg[np.abs(lag)]
    k_full = np.where(lag >= 0, k_full, np.conj(k_full))
    funcs = {"sigma_lesser": st.SL, "sigma_retarded": st.SR, "g_loc_lesser": g_les,
             "g_loc_greater": g_gtr,
             "kernel_greater": k_full[:, :, None, None] * np.eye(2)}
    out: dict = {"label": _label(n_xi, dt, model), "n_xi": n_xi, "dt": dt, **model,
                 "n_t": S, "cpu_s": cpu, "blocks": {}}
    for L in SIZES:
        per = {name: {f"{e:g}": [] for e in TOLS} for name in funcs}
        for r0 in range(2 * L, S - L + 1, L):
            rows, cols = slice(r0, r0 + L), slice(r0 - 2 * L, r0 - L)
            for name, f in funcs.items():
                for e, r in _eps_ranks(f[rows, cols]).items():
                    per[name][e].append(r // 2 if name == "kernel_greater" else r)
        out["blocks"][str(L)] = {
            "count": len(per["sigma_lesser"]["1e-08"]),
            **{name: {e: {"mean": float(np.mean(v)), "max": int(np.max(v))}
                      for e, v in d.items()} for name, d in per.items()}}
    return out


#: other points of the model: the map's strongest coupling and largest ω_D, and a halved dt
#: (the same window of 160/E_F in N_t = 1601 steps; blocks of L steps are L·dt long)
VARIANTS = ({"lam_ph": 0.3, "omega_d": 0.6}, {"dt": 0.1})


def _label(n_xi, dt, model) -> str:
    return ",".join([f"n_xi={n_xi}", f"dt={dt:g}"] + [f"{k}={v:g}" for k, v in sorted(model.items())])


def main(argv=None):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    todo = ([{"n_xi": int(a)} for a in (argv or [])]
            or [{"n_xi": n} for n in NXI] + [{"n_xi": 12, **v} for v in VARIANTS])
    data = json.loads(OUT.read_text()) if OUT.exists() else {"runs": []}
    data.update({"model": "bench kb_twotime: lam_ph=0.1, omega_d=0.16, gamma_el=0.02, "
                          "C-infinity preparation, dt=0.2, order 5, dense storage",
                 "n_t": N_T, "block_sizes": list(SIZES), "tolerances": list(TOLS),
                 "note": "kernel_greater ranks are per scalar block (Nambu identity removed)"})
    for r in data["runs"]:
        r.setdefault("label", _label(r["n_xi"], r.get("dt", 0.2), {}))
        r.setdefault("dt", 0.2)
    done = {r["label"] for r in data["runs"]}
    for kw in todo:
        kw = dict(kw)
        n_xi, dt = kw.pop("n_xi"), kw.pop("dt", 0.2)
        if _label(n_xi, dt, kw) in done:
            continue
        row = run_one(n_xi, dt, **kw)
        print(json.dumps({"label": row["label"], "cpu_s": row["cpu_s"]}), flush=True)
        data["runs"] = data["runs"] + [row]
        tmp = OUT.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        tmp.replace(OUT)


if __name__ == "__main__":
    main(sys.argv[1:])
