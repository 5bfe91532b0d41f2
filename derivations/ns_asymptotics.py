"""Small-γ asymptotics of the driven superfluid density at ω0 = 2Δ, T = 0 (paper, text after Eq. 10).

    python derivations/ns_asymptotics.py [--symbolic]

What is derived symbolically, and what is not
---------------------------------------------
1. (symbolic, from floquetsym.hierarchy_solve) The first-order Keldysh block carries the driven
   distribution in its *anomalous* part g^K − (g^R h_1 − h_0 g^A), whose only new denominator
   is s^R(ω+ω0) + s^A(ω).  On the real axis s^A = −conj(s^R), so for |ω|, |ω+ω0| > Δ and γ → 0
   this is s^R(ω+ω0) − s^R(−ω)* → 0 when ω + ω0 = −ω, i.e. ω = −ω0/2: the two-quasiparticle
   resonance 2E = ω0.  It sits at the gap edge ω = −Δ exactly when ω0 = 2Δ, where the BCS
   density of states diverges too.  Printed with ``--symbolic`` (LaTeX of the block).
2. (why not fully symbolic) At ω0 = 2Δ the relevant region is ω = −Δ + γx, where *all* four
   roots s^{R,A}(ω), s^{R,A}(ω+ω0) scale like √(2Δγ)·√(x ± i).  Power counting of single terms
   of the order-θ² trace gives γ^{-2}·γ^{-1}, and the leading orders cancel between the (1,1),
   (0,2) and (2,0) splits of Eq. (A6); the surviving 1/γ term is an integral over x of an
   algebraic function of √(x+i), √(x−i) collected from the ~1.8·10^4-operation order-2 trace
   (floquetsym.traces.ns_trace(2, 0)).  SymPy's ``integrate`` cannot do that integral in
   closed form (nested principal roots with branch cuts), so the leading coefficient is
   obtained by (3) instead and *identified* as a rational number.
3. (numerical, converged) γ·n_s^(2)/θ² at ω0 = 2Δ, T = 0 for γ = 1e-3 … 1e-7 Δ, each to 1e-9
   relative, fitted to C + aγ + bγ ln γ (the observed correction), C identified with
   mpmath.identify.  Result: C = −1/8, i.e. n_s^(2)/n_s^(0) → −θ²/(4Δγ): the paper's
   −θ²/(Δγ) law with prefactor 1/4.  The same script extracts the log law of n_s^(1):
   Re n_s^(1)/θ = −ln(γ/Δ)/(4π) + c1, Im n_s^(1)/θ → 1/8, and the detuned limit δ·n_s^(2)/θ².
"""
from __future__ import annotations

import argparse
import warnings

import mpmath
import numpy as np


def symbolic_part():
    import sympy as sp

    from floquetsym import keldysh as kd
    from floquetsym.hierarchy_solve import hierarchy

    h = hierarchy(order=1)
    anom = h.anomalous(1, 1)
    den = set()
    for e in anom:
        den |= set(sp.Mul.make_args(sp.fraction(sp.together(e))[1]))
    print("Anomalous (non-equilibrium) part of g^(1)K_{ω+ω0,ω}, entry (1,1):")
    print("  ", sp.latex(anom[0, 0], symbol_names=kd.latex_names(anom[0, 0])))
    print("Denominator factors:", sorted(map(str, den)))


def numeric_part():
    from floquetsym import DriveParams, superfluid_density
    from floquetsym.result import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)
    gam = np.array([1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7])
    c2 = np.array([superfluid_density(DriveParams(theta=1.0, gamma=g), order=2, rtol=1e-10)
                   .meta["coefficient"] * g for g in gam])
    A = np.stack([np.ones_like(gam), gam, gam * np.log(gam)], axis=1)
    coef, *_ = np.linalg.lstsq(A, c2, rcond=None)
    print("γ·n_s^(2)/θ² at ω0 = 2Δ, T = 0:")
    for g, v in zip(gam, c2):
        print(f"   γ = {g:8.1e}   {v:.12f}")
    print(f"fit C + aγ + bγ lnγ: C = {coef[0]:.10f}, a = {coef[1]:.4f}, b = {coef[2]:.4f}")
    print("identify(C) =", mpmath.identify(round(coef[0], 8), tol=1e-7), " -> C = -1/8")

    g1 = np.array([1e-4, 1e-5, 1e-6, 1e-7])
    n1 = np.array([superfluid_density(DriveParams(theta=1.0, gamma=g), order=1, rtol=1e-10).value
                   for g in g1])
    slope = np.diff(n1.real) / np.diff(np.log(g1))
    print("n_s^(1)/θ at 2Δ: Re slope per ln γ =", np.round(slope, 7), " vs −1/(4π) =",
          round(-1 / (4 * np.pi), 7), "; Im →", np.round(n1.imag, 7), " vs 1/8")

    from floquetsym.scaling import detuning_data
    d = detuning_data([1e-3, 3e-4], base=DriveParams(theta=1.0), gamma_over_delta=1e-4)
    print("detuned, γ → 0: δ·n_s^(2)/θ² =", np.round(d["delta"] * d["value"], 5),
          "(slowly varying: δ replaces γ, with a smaller prefactor ≈ −0.09)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--symbolic", action="store_true", help="also print the symbolic part (slow)")
    args = ap.parse_args(argv)
    if args.symbolic:
        symbolic_part()
    numeric_part()


if __name__ == "__main__":
    main()
