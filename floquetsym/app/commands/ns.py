"""floquetsym ns --omega0 W0 --gamma G --theta TH --order K [--T T] [--harmonic N]."""
from __future__ import annotations

import json

HELP = "superfluid density n_s^(k)[n] of the Higgs-driven superconductor (units m·σ_N), value ± error"


def add_arguments(p):
    p.add_argument("--omega0", type=float, default=2.0, help="drive frequency (units of Δ; default 2)")
    p.add_argument("--gamma", type=float, default=1e-2, help="Dynes/reservoir rate γ (default 0.01)")
    p.add_argument("--theta", type=float, default=0.05, help="gap modulation amplitude θ (default 0.05)")
    p.add_argument("--order", type=int, default=2, help="order k ≥ 0 in θ (numeric: any k ≤ 40; symbolic: k ≤ 4; default 2)")
    p.add_argument("--harmonic", type=int, default=None,
                   help="Floquet harmonic n of e^{-inω0t}, n ≡ k (mod 2), |n| ≤ k (default k mod 2)")
    p.add_argument("--T", dest="temperature", type=float, default=0.0, help="temperature (default 0)")
    p.add_argument("--delta", type=float, default=1.0, help="static gap Δ (default 1: the energy unit)")
    p.add_argument("--rtol", type=float, default=1e-8, help="quadrature relative tolerance")
    p.add_argument("--backend", choices=("numeric", "symbolic"), default="numeric")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def run(args) -> int:
    from floquetsym.observables import superfluid_density
    from floquetsym.params import DriveParams

    p = DriveParams(delta=args.delta, theta=args.theta, omega0=args.omega0, gamma=args.gamma,
                    temperature=args.temperature)
    r = superfluid_density(p, order=args.order, harmonic=args.harmonic, rtol=args.rtol,
                           backend=args.backend)
    r0 = superfluid_density(p, order=0)
    n = r.meta["harmonic"]
    if args.json:
        v = r.value
        out = {"order": args.order, "harmonic": n, "value_re": float(v.real),
               "value_im": float(getattr(v, "imag", 0.0)), "error": r.error,
               "ns0": r0.value, "params": p.as_dict(), "units": "m*sigma_N",
               "quadrature": r.meta["quadrature"]}
        print(json.dumps(out))
        return 0
    print(f"n_s^({args.order})[{n}] = {r}   (units m·σ_N, θ^{args.order} included)")
    print(f"n_s^(0)     = {r0}")
    print(f"ratio       = {r.value / r0.value:.8g}")
    return 0
