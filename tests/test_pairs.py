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


def test_derived_summand_is_printed_d1():
    expr = ps.d1_integrand(check=True)             # raises if the derivation disagrees
    assert sp.simplify(ps.d1_summand("paper") / ps.theta**2 - expr) == 0


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


# ---------------------------------------------------------------- Δ^(2), Appendix D
from dataclasses import replace  # noqa: E402

from floquetsym.heating import anomalous_averages, gap_correction  # noqa: E402


def test_anomalous_averages_adiabatic_limit():
    # ω0 ≪ γ: the drive is a slow modulation of Δ, so A_1[1] = A_0'(Δ)/2 and
    # A_2[0] = ⟨A_0(Δ + θcos)⟩'' part = A_0''(Δ)/4 (finite differences of the equilibrium A_0)
    p = DriveParams(theta=0.01, gamma=0.05, omega0=1e-3)
    r = anomalous_averages(p, omega_co=20.0)
    h = 1e-3
    a = {s: anomalous_averages(replace(p, delta=1 + s * h), omega_co=20.0, rtol=1e-11)["A0"]
         for s in (-1, 0, 1)}
    assert r["A1"].real == pytest.approx((a[1] - a[-1]) / (4 * h), rel=1e-5)
    assert abs(r["A1"].imag) < 1e-5 * abs(r["A1"])
    assert r["A2"] == pytest.approx((a[1] - 2 * a[0] + a[-1]) / (4 * h * h), rel=1e-4)


def test_equilibrium_anomalous_average_is_bcs_log():
    # γ → 0, T = 0: A_0 = Δ arccosh(ω_co/Δ)/2π (corrections O(γ/Δ))
    p = DriveParams(theta=0.01, gamma=1e-4, omega0=2.0)
    a0 = anomalous_averages(p, omega_co=20.0)["A0"]
    assert a0 == pytest.approx(math.acosh(20.0) / (2 * math.pi), rel=5e-4)


def test_second_order_average_counts_excited_pairs():
    # Derived in floquetsym.heating: A_2[0] → −N_ex/(4π) with the Usadel reservoir's rates
    # (Γ1 = Γ2 = 2γ): N_ex = (2Γ2/Γ1)(1/4)·D1(γ → 2γ) → (π/2)θ²/√(γΔ), so
    # A_2[0]·√(γΔ) → −1/8, with an O(√γ) correction (coefficient ≈ 0.15 measured at two γ)
    vals = {}
    for g in (1e-4, 3e-5):
        a2 = anomalous_averages(DriveParams(theta=0.001, gamma=g, omega0=2.0))["A2"]
        vals[g] = a2 * math.sqrt(g)
        assert abs(vals[g] + 0.125) < 0.2 * math.sqrt(g)
    c1, c2 = ((vals[g] + 0.125) / math.sqrt(g) for g in (1e-4, 3e-5))
    assert c1 == pytest.approx(c2, rel=0.02)          # the remainder is really O(√γ)


def test_gap_correction_scaling_and_cutoff():
    g = 1e-4
    p = DriveParams(theta=0.002, gamma=g, omega0=2.0)
    r20, r200 = gap_correction(p, omega_co=20.0), gap_correction(p, omega_co=200.0)
    for r in (r20, r200):
        lam0 = r.meta["lambda0"]
        # Δ^(2) ∝ −θ²/√(Δγ): −λ0/8 at leading order, next term O(√γ)
        assert r.value * math.sqrt(g) / p.theta**2 == pytest.approx(-lam0 / 8, rel=0.03)
        assert r.value < 0 and r.error < 1e-6 * abs(r.value)
    # cut-off dependence only through the coupling λ0 ≈ 2π/ln(2ω_co/Δ) ...
    assert r20.value / r20.meta["lambda0"] == pytest.approx(r200.value / r200.meta["lambda0"],
                                                            rel=1e-3)
    assert r20.meta["lambda0"] == pytest.approx(2 * math.pi / math.log(40.0), rel=5e-3)
    # ... and the static gap shift that restores self-consistency is cut-off independent
    assert r20.meta["static_shift"] == pytest.approx(r200.meta["static_shift"], rel=2e-3)


def test_gap_correction_bad_input():
    p = DriveParams(theta=0.01, gamma=0.01)
    with pytest.raises(ValueError, match="omega_co"):
        gap_correction(p, omega_co=3.0)
    with pytest.raises(ValueError, match="omega_co"):
        gap_correction(p, omega_co=float("nan"))
    with pytest.raises(ValueError, match="backend"):
        gap_correction(p, backend="magic")
    with pytest.warns(PerturbativeWarning):
        gap_correction(DriveParams(theta=1.5, gamma=0.05))


def test_equilibrium_slope_matches_finite_difference():
    from floquetsym.heating import equilibrium_slope
    p = DriveParams(theta=0.01, gamma=0.05)
    d, err = equilibrium_slope(p, omega_co=20.0)
    h = 1e-3
    fd = (anomalous_averages(replace(p, delta=1 + h))["A0"]
          - anomalous_averages(replace(p, delta=1 - h))["A0"]) / (2 * h)
    assert d == pytest.approx(fd, rel=1e-6)
    # γ → 0 closed form: (arccosh(ω_co/Δ) − 1/√(1 − Δ²/ω_co²))/2π
    d0, _ = equilibrium_slope(DriveParams(theta=0.01, gamma=1e-4), omega_co=20.0)
    assert d0 == pytest.approx((math.acosh(20) - 1 / math.sqrt(1 - 1 / 400)) / (2 * math.pi),
                               rel=1e-6)


@pytest.mark.slow
def test_pairs_panel_claims_pass(tmp_path):
    from floquetsym.app.panels.pairs import PANELS
    out = PANELS[0].run(tmp_path, True)
    assert (tmp_path / out.figures[0]).exists()
    assert all(c.passed for c in out.claims), [c.measured for c in out.claims]


def _symbolic_vs_numeric(k, m, rng):
    pytest.importorskip("floquetsym.hierarchy_solve")
    from floquetsym.heating import symbolic_component
    from floquetsym.recursion import FloquetBlocks
    p = DriveParams(theta=0.01, gamma=0.03, omega0=1.7, temperature=0.2)
    w = rng.uniform(-4, 4, 64)
    K = FloquetBlocks(w, p).block(k, m, 0)[2]
    num = K[0, 1] + K[1, 0]
    sym = symbolic_component(k, m)(w, p)
    assert np.allclose(sym, num, rtol=1e-9, atol=1e-12 * np.abs(num).max())


@pytest.mark.parametrize("k, m", [(0, 0), (1, 1), (1, -1)])
def test_symbolic_gap_trace_matches_numeric_blocks(k, m, rng):
    _symbolic_vs_numeric(k, m, rng)


@pytest.mark.slow
def test_symbolic_second_order_gap_trace(rng):
    _symbolic_vs_numeric(2, 0, rng)
    p = DriveParams(theta=0.01, gamma=0.01)
    a, b = gap_correction(p), gap_correction(p, backend="symbolic")
    assert b.value == pytest.approx(a.value, rel=1e-9)
