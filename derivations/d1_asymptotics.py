"""Derive and print the small-γ asymptotics of the pair sum, paper Eq. (D1).

Run:  python derivations/d1_asymptotics.py   (a few seconds; SymPy only, plus one numeric check)

Prints
  1. the Bogoliubov rotation and the rotated drive (θ_k = θ ξ/λ),
  2. the first-order resonant amplitude and the D1 summand 2|a|²,
  3. the ω0 = 2Δ series  N_ex/(θ²ν0) = √2π/√(γΔ) − (π+4)/(2Δ) + (3√2π/8)√γ/Δ^{3/2} − ...,
  4. the detuned series (δ = 2Δ − ω0 > 0, γ → 0)  N_ex/(θ²ν0) = π/√(δΔ) − (π+4)/(2Δ) + ...,
  5. a numeric comparison of both with the quadrature of Eq. (D1).
"""
import sympy as sp

from floquetsym import DriveParams
from floquetsym import pairs_symbolic as ps
from floquetsym.pairs import pair_excitations


def main() -> None:
    print("Bogoliubov rotation U (cos φ = ξ/λ, sin φ = Δ/λ):")
    sp.pprint(ps.bogoliubov_rotation())
    off, diag = ps.rotated_drive()
    print(f"\nU τ1 U† : off-diagonal = {off},  diagonal = {diag}")
    print("\nfirst-order resonant amplitude a(t) (paper's θ e^{iω0 t} drive):")
    print("  " + sp.latex(ps.pair_amplitude("paper")))
    print("\nD1 summand 2|a|^2:")
    print("  " + sp.latex(ps.d1_summand("paper")))
    ps.d1_integrand(check=True)          # raises unless the derivation gives Eq. (D1) as printed
    print("  (real cosine, rotating-wave half: factor 1/4) " + sp.latex(ps.d1_summand("cos")))

    res = ps.d1_asymptotic_series("resonant", 3)
    det = ps.d1_asymptotic_series("detuned", 2)
    print("\nω0 = 2Δ, γ → 0:   N_ex/(θ² ν0) =")
    print("  " + sp.latex(res) + "  + O(γ²)")
    print("  leading constant √2π =", sp.N(sp.sqrt(2) * sp.pi, 15))
    print("\nω0 = 2Δ − δ, γ → 0 first, then δ → 0:   N_ex/(θ² ν0) =")
    print("  " + sp.latex(det) + "  + O(δ)")

    print("\nnumeric check (Δ = 1, values per θ²):")
    f_res = sp.lambdify(ps.gamma, res.subs(ps.Delta, 1))
    for g in (1e-2, 1e-3, 1e-4):
        n = pair_excitations(DriveParams(theta=0.5, gamma=g)).value / 0.25
        print(f"  γ={g:g}:  D1 = {n:.10f}   series = {f_res(g):.10f}   "
              f"diff/γ² = {(n - f_res(g)) / g**2:.3f}")
    f_det = sp.lambdify(ps.delta, det.subs(ps.Delta, 1))
    for dl in (1e-2, 1e-3):
        n = pair_excitations(DriveParams(theta=0.5, gamma=1e-9, omega0=2 - dl)).value / 0.25
        print(f"  δ={dl:g}:  D1(γ=1e-9) = {n:.8f}   series = {f_det(dl):.8f}   "
              f"diff/δ = {(n - f_det(dl)) / dl:.3f}")


if __name__ == "__main__":
    main()
