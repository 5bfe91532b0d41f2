"""Print the LaTeX of the first- and second-order Floquet-Usadel blocks (paper Eq. A1) and
check the identities they must satisfy.

Run:  python derivations/hierarchy_identities.py [--order N] [--symbolic]

Notation (floquetsym.keldysh, docs/conventions.md): g^R(ω+nω0) = G^R_n τ3 − i F^R_n τ1 with
G^R_n = (ω+nω0+iγ)/s^R_n, F^R_n = Δ/s^R_n (likewise A), s^{R,A}_n the branch-correct roots and
h_n = tanh((ω+nω0)/2T).  g^(k)_m means the coefficient of θ^k of g_{ω+mω0, ω}.

Checks, for every order k ≤ N and every non-vanishing shift m:
  * normalisation  Σ_j (g^(j) ∘ g^(k−j))_m = 0     (numerically at 64 random complex points;
  * equation       [Λ̌, ǧ]^(k)_m = 0                 and exactly with --symbolic, k ≤ 2)
  * first order    g^(1)R_{±1} = (i/2)(g^R_{±1} τ1 g^R_0 − τ1)/(s^R_{±1} + s^R_0)
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import sympy as sp

from floquetsym import keldysh as kd
from floquetsym.hierarchy_solve import hierarchy


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--order", type=int, default=2, help="check orders up to N (default 2; 3-4 take minutes)")
    ap.add_argument("--symbolic", action="store_true", help="also reduce the residuals exactly (k <= 2; slow for g^(2)_0)")
    args = ap.parse_args(argv)
    h = hierarchy(order=max(args.order, 2))

    for k in (1, 2):
        for m in h.shifts(k):
            for comp in "RAK":
                print(f"% g^({k})_{{{m}}}, {comp} block")
                print(h.latex(k, m, comp))
                print()
        for m in h.shifts(k):
            print(f"% anomalous (non-equilibrium) part of g^({k})_{{{m}}} K")
            print(sp.latex(h.anomalous(k, m), symbol_names=kd.latex_names(h.anomalous(k, m))))
            print()

    ok = True
    for m in (1, -1):
        g1, g2 = kd.gR_matrix(m), kd.gR_matrix(0)
        closed = sp.I / 2 * (g1 * kd.TAU1 * g2 - kd.TAU1) / (kd.sR(m) + kd.sR(0))
        good = (h[1, m].R - closed).applyfunc(kd.reduce_normal) == sp.zeros(2)
        ok &= good
        print(f"first-order closed form, m={m:+d}: {'OK' if good else 'FAILED'}")

    rng = np.random.default_rng(1)
    for k in range(args.order + 1):
        t0 = time.perf_counter()
        for m in h.shifts(k):
            rn = h.residual(k, m, "normalisation", rng=rng)
            rc = h.residual(k, m, "commutator", rng=rng)
            line = f"k={k} m={m:+d}: normalisation {rn:.1e}, equation {rc:.1e} (relative, 64 points)"
            ok &= rn < 1e-10 and rc < 1e-10
            if args.symbolic and k <= 2:
                zero = all(sp.expand(x) == 0 for b in (h.normalisation(k, m), h.commutator(k, m))
                           for c in "RAK" for x in getattr(b, c))
                ok &= zero
                line += ", exact: " + ("0" if zero else "NOT ZERO")
            print(line)
        print(f"  order {k}: {time.perf_counter() - t0:.1f} s")
    print("ALL IDENTITIES HOLD" if ok else "SOME IDENTITY FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
