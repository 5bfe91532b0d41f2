"""Pair sum Eq. (D1), its symbolic asymptotics, and Δ^(2) (Appendix D)."""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from floquetsym import DriveParams
from floquetsym import pairs_symbolic as ps
from floquetsym.pairs import (PerturbativeWarning, d1_density, pair_excitations,
                              pair_excitations_asymptote)

LEAD = math.sqrt(2) * math.pi          # N_ex √(γΔ)/(θ²ν0) at ω0 = 2Δ, γ → 0 (derived below)
CONST = (math.pi + 4) / 2              # minus the γ⁰ term, in units of 1/Δ


def test_rotated_drive_is_theta_xi_over_lambda():
    off, diag = ps.rotated_drive()
    lam = sp.sqrt(ps.xi**2 + ps.Delta**2)
    assert sp.simplify(off - ps.xi / lam) == 0
    assert sp.simplify(diag**2 + off**2 - 1) == 0        # U τ1 U† is a unit Pauli vector


def test_amplitude_solves_damped_first_order_equation():
    # the paper's a(t) = -iθ_ξ∫ e^{i(ω0-2λ)s} e^{-γ(t-s)} ds obeys da/dt = -γa - iθ_ξ e^{i(ω0-2λ)t}
    a = ps.pair_amplitude("paper")
    lam = sp.sqrt(ps.xi**2 + ps.Delta**2)
    source = -sp.I * ps.theta * ps.xi / lam * sp.exp(sp.I * (ps.omega0 - 2 * lam) * ps.t)
    assert sp.simplify(sp.diff(a, ps.t) - (-ps.gamma * a + source)) == 0


def test_cos_drive_is_quarter_of_paper_drive():
    assert sp.simplify(ps.d1_summand("cos") / ps.d1_summand("paper")) == sp.Rational(1, 4)


def test_leading_constant_is_inner_integral():
    # independent route: the inner problem ∫ (ξ²/Δ²)/(γ² + ξ⁴/Δ²) dξ done by SymPy directly
    inner = sp.integrate(ps.xi**2 / ps.Delta**2 / (ps.gamma**2 + ps.xi**4 / ps.Delta**2),
                         (ps.xi, -sp.oo, sp.oo))
    lead = sp.limit(ps.d1_asymptotic_series("resonant", 1) * sp.sqrt(ps.gamma), ps.gamma, 0)
    assert sp.simplify(2 * inner * sp.sqrt(ps.gamma) - lead) == 0
    assert float(lead.subs(ps.Delta, 1)) == pytest.approx(LEAD, rel=1e-15)


def test_outer_constant_matches_numeric_finite_part():
    # ∫ [(λ+Δ)²/(4λ²ξ²) - 1/ξ²] dξ at Δ = 1, by mpmath, vs the SymPy closed form -(π+4)/4
    f = lambda x: -(3 * mpmath.sqrt(x * x + 1) + 1) / (
        4 * (x * x + 1) * (mpmath.sqrt(x * x + 1) + 1))
    num = 2 * mpmath.quad(f, [0, 1, 10, mpmath.inf])
    assert float(ps.d1_outer_constant().subs(ps.Delta, 1)) == pytest.approx(float(num), rel=1e-12)


@pytest.mark.parametrize("gamma", [1e-3, 1e-4])
def test_d1_approaches_sqrt_gamma_law(gamma):
    p = DriveParams(delta=1.0, theta=0.01, omega0=2.0, gamma=gamma)
    r = pair_excitations(p)
    scaled = r.value * math.sqrt(gamma) / p.theta**2
    # leading constant to the precision the next (γ⁰) term allows: |scaled - √2π| ≈ CONST √γ
    assert abs(scaled - LEAD) < 1.05 * CONST * math.sqrt(gamma)
    assert abs(scaled - LEAD) > 0.95 * CONST * math.sqrt(gamma)
    # with the derived series through γ^{3/2}, the remainder is O(γ²) (coefficient < 1)
    rem = r.value / p.theta**2 - pair_excitations_asymptote(p, n_terms=4) / p.theta**2
    assert abs(rem) < 1.0 * gamma**2
    assert r.error < 1e-9 * r.value


def test_d1_against_mpmath_on_infinite_band():
    p = DriveParams(delta=1.0, theta=0.1, omega0=2.3, gamma=0.02)
    f = lambda x: 2 * x * x / (x * x + 1) / (0.02**2 + (2 * mpmath.sqrt(x * x + 1) - 2.3) ** 2)
    xr = math.sqrt(1.15**2 - 1)
    ref = 2 * 0.01 * mpmath.quad(f, [0, xr - 0.05, xr, xr + 0.05, 1, 10, mpmath.inf])
    r = pair_excitations(p)
    assert r.value == pytest.approx(float(ref), rel=1e-9)
    assert abs(r.value - float(ref)) <= max(r.error, 1e-12 * r.value) * 10


def test_dimensional_scaling():
    # N_ex/ν0 has dimension 1/energy: scaling all energies by s divides it by s
    p = DriveParams(delta=1.0, theta=0.05, omega0=2.0, gamma=3e-3)
    q = DriveParams(delta=2.5, theta=0.125, omega0=5.0, gamma=7.5e-3)
    assert pair_excitations(q).value == pytest.approx(pair_excitations(p).value / 2.5 * 2.5**2,
                                                      rel=1e-10)


def test_band_cutoff_tail_is_theta2_over_xic():
    # beyond ξc ≫ ω0 the integrand is 2θ²·1/(4ξ²) per sign of ξ -> missing part θ²/ξc
    p = DriveParams(delta=1.0, theta=0.1, omega0=2.0, gamma=1e-2)
    xc = 2000.0
    miss = pair_excitations(p).value - pair_excitations(p, xi_cutoff=xc).value
    assert miss * xc / p.theta**2 == pytest.approx(1.0, rel=5e-3)


def test_detuned_limit():
    dl = 1e-3
    p = DriveParams(delta=1.0, theta=0.02, omega0=2.0 - dl, gamma=1e-9)
    n = pair_excitations(p).value / p.theta**2
    # leading π/√(δΔ) to the precision of the next term, and the remainder after the
    # δ^{1/2} term is O(δ) (coefficient ~3 at these δ; the γ² corrections are ~1e-12)
    assert abs(n - math.pi / math.sqrt(dl)) == pytest.approx(CONST, rel=0.05)
    rem = n - pair_excitations_asymptote(p, n_terms=3) / p.theta**2
    assert abs(rem) < 5 * dl


def test_counter_rotating_term_is_smooth_in_gamma():
    p1 = DriveParams(theta=0.1, gamma=1e-3)
    p2 = DriveParams(theta=0.1, gamma=2e-3)
    d1 = pair_excitations(p1, counter_rotating=True).value - pair_excitations(p1).value
    d2 = pair_excitations(p2, counter_rotating=True).value - pair_excitations(p2).value
    assert d1 == pytest.approx(d2, rel=1e-5)            # γ² dependence only
    xi = np.linspace(-5, 5, 11)
    assert np.all(d1_density(xi, p1, counter_rotating=True) >= d1_density(xi, p1))


def test_bad_input():
    with pytest.raises(ValueError, match="gamma"):
        DriveParams(gamma=-1e-3)
    with pytest.raises(ValueError, match="theta"):
        DriveParams(theta=float("nan"))
    p = DriveParams(theta=0.1)
    with pytest.raises(ValueError, match="xi_cutoff"):
        pair_excitations(p, xi_cutoff=-1.0)
    with pytest.raises(ValueError, match="xi_cutoff"):
        pair_excitations(p, xi_cutoff=float("inf"))
    with pytest.raises(ValueError, match="rtol"):
        pair_excitations(p, rtol=0.5)
    with pytest.raises(ValueError, match="omega0"):
        pair_excitations_asymptote(DriveParams(theta=0.1, omega0=2.5))
    with pytest.warns(PerturbativeWarning, match="theta"):
        pair_excitations(DriveParams(theta=1.0, delta=1.0))
