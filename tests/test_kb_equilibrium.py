"""The correlated equilibrium on the Matsubara axis (numerics.kb_equilibrium) against closed
forms, and the real-time solvers' prepared states against it ("before the quench Δ
solves the Eliashberg-renormalised gap equation and n_s equals its equilibrium value computed
independently")."""
import math
import warnings

import numpy as np
import pytest
from scipy.integrate import quad

from floquetsym.result import ConvergenceWarning
from numerics.kadanoff_baym import run
from numerics.kb_equilibrium import matsubara_equilibrium, phonon_lambda
from numerics.kb_model import KBParams, bcs_gap, debye_a2f, make_band, thermal_state


@pytest.mark.parametrize("nu", [0.0, 0.05, 0.35, 3.0])
def test_phonon_lambda_closed_form(nu):
    q = quad(lambda om: debye_a2f(om, 0.1, 0.35) * 2 * om / (om * om + nu * nu), 0, 0.35,
             epsabs=1e-14, epsrel=1e-13)[0]
    assert phonon_lambda(nu, 0.1, 0.35) == pytest.approx(q, rel=1e-12, abs=1e-15)


def test_bcs_limit_is_the_thermal_mean_field_state():
    p = KBParams(lam_i=0.3, n_xi=60, temperature=0.005)
    e = matsubara_equilibrium(p)
    b = make_band(p)
    d = bcs_gap(0.3, b, p.temperature)
    assert abs(e.delta - d) < 5e-6 * d                         # 1/ω⁴ tails left out
    assert abs(e.delta - d) <= 2 * e.error["delta"] + 1e-12     # the estimate bounds the error
    rho, eta = thermal_state(b.xi, e.delta, p.temperature)
    assert np.abs(e.rho - rho).max() < 1e-5
    assert np.abs(e.eta - eta).max() < 1e-5
    assert e.z1 == pytest.approx(1.0, abs=1e-12)


def test_normal_state_has_no_cut_off_superfluid_density():
    # Appendix B: with phonons and disorder, the bubble P equals n − B exactly in a normal state
    p = KBParams(lam_i=0.0, lam_ph=0.1, omega_d=0.35, gamma_el=0.03, n_xi=120,
                 temperature=0.01)
    e = matsubara_equilibrium(p, omega_max=20.0)
    assert e.delta == 0.0
    assert abs(e.ns - e.ns_boundary) < 2e-5 * e.density
    assert e.density == pytest.approx(np.sum(make_band(p).w), abs=1e-12)   # half filling


def test_mass_enhancement_and_disorder_rate():
    # infinite-band limits: Z(iπT) = 1 + λ(0) = 1 + 2λ_el-ph; Born: Σ = −i γ_el/2 sgn ω
    ph = matsubara_equilibrium(KBParams(lam_i=0.0, lam_ph=0.1, omega_d=0.02, n_xi=200,
                                        temperature=0.002), omega_max=4.0)
    assert ph.z1 == pytest.approx(1.2, rel=0.01)
    T, g = 0.005, 0.02
    dis = matsubara_equilibrium(KBParams(lam_i=0.0, gamma_el=g, n_xi=200, temperature=T),
                                omega_max=10.0)
    assert dis.z1 == pytest.approx(1 + g / 2 / (math.pi * T), rel=0.015)


def _ns_born(delta, gamma, T, n=200000):
    """Infinite-band Born-disorder BCS: n_s/n = 2πT Σ_{ω_n>0} Δ²/[E²(E + γ/2)], E² = ω_n² + Δ²."""
    w = (2 * np.arange(n) + 1) * math.pi * T
    e = np.sqrt(w * w + delta * delta)
    return 2 * math.pi * T * np.sum(delta ** 2 / (e * e * (e + gamma / 2)))


@pytest.mark.parametrize("gamma", [0.05, 0.2])
def test_disordered_superfluid_density_tends_to_the_born_formula(gamma):
    e = matsubara_equilibrium(KBParams(lam_i=0.3, gamma_el=gamma, n_xi=120, temperature=0.005),
                              omega_max=20.0)
    ref = _ns_born(e.delta, gamma, 0.005)
    assert abs((e.ns - e.ns_boundary) / e.density - ref) < 0.5 * gamma     # O(γ/E_F) band effects
    assert (e.ns - e.ns_boundary) / e.density < 0.95                        # and reduced from n
    # Anderson's theorem to O(γ/E_F) on the finite band
    d0 = bcs_gap(0.3, make_band(KBParams(n_xi=120)), 0.005)
    assert abs(e.delta / d0 - 1) < 1.5 * gamma


@pytest.mark.slow
def test_full_kb_prepared_state_is_the_matsubara_equilibrium_and_stationary():
    # adiabatic switching of the phonon bath in the two-time solver reaches the correlated
    # equilibrium (Eliashberg-enhanced Δ, Z-reduced n_s) and stays there without a quench.
    # The switching must be slow on the scale of the lowest pair energy 2E_min ≈ 0.20 of the
    # 12-point grid (period 31/E_F): over 40/E_F (sin²) it leaves a ±6 % undamped Higgs
    # oscillation, over 100/E_F ±0.55 % (sin²) or ±0.15 % (the C^∞ "smooth" ramp used here;
    # numerics.kadanoff_baym docstring).  ≈ 8 min on one core.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)     # 12 ξ points, dt = 0.2: deliberate
        p = KBParams(lam_i=0.3, lam_f=0.3, lam_ph=0.1, omega_d=0.35, temperature=0.005,
                     n_xi=12, dt=0.2, t_prep=120.0, t_ramp=100.0, t_max=60.0, mode="full",
                     ramp_shape="smooth")
        r = run(p, max_bytes=4e9)
    e = matsubara_equilibrium(p)
    win = r.times >= -20.0                                      # after the switching
    d = r.delta[win].real
    print(f"full KB: Δ {d.min():.4f}..{d.max():.4f}, n_s {r.ns[win].min():.4f}.."
          f"{r.ns[win].max():.4f}, P {r.ns_para[win].mean():.4f}; Matsubara Δ {e.delta:.4f}, "
          f"n_s {e.ns:.4f}, P {e.ns_para:.4f}")
    assert r.meta["prep_delta_spread"] < 0.02                   # no warning from the run
    assert np.ptp(d) < 0.01 * d.mean()                          # stationary over 80/E_F
    assert abs(d.mean() / e.delta - 1) < 0.01                   # the Eliashberg-renormalised gap
    assert abs(r.ns[win].mean() - e.ns) < 0.005 * e.density
    assert np.ptp(r.ns[win]) < 0.005 * e.density
    assert abs(r.ns_para[win].mean() / e.ns_para - 1) < 0.05
    assert e.delta > 1.05 * bcs_gap(0.3, make_band(p), p.temperature)   # phonons add pairing
    assert e.ns < 0.95 * e.density                                        # Z reduces n_s


def test_lattice_band_normal_state_obeys_the_f_sum_rule():
    """1D lattice band (no vertex cut): n_s = D − P vanishes in a normal state with phonons and
    disorder, because Σ_k [m⁻¹_k n_k + v_k² ∂n/∂ξ] = Σ_k d/dk[v_k n_k]/J is a total derivative
    over the Brillouin zone (n − P, right on the flat band only, would give ≈ 0.38 here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        p = KBParams(band="tb1d", hopping=1.0, lam_i=0.0, lam_ph=0.1, omega_d=0.35,
                     gamma_el=0.03, n_xi=120, temperature=0.05)
        e = matsubara_equilibrium(p, omega_max=20.0)
    assert e.delta == 0.0
    assert abs(e.ns) < 1e-12 * e.density
    assert e.ns_para > 0.5 * e.density             # the bubble itself is not small


def test_lattice_band_bcs_limit_superfluid_density():
    """1D lattice band, BCS limit: the Matsubara n_s = D − P equals that of the closed-form
    thermal mean-field state (the real-time solvers' start) and the BCS lattice stiffness
    lattice formula of the ring (numerics.ring_stiffness.clean_stiffness)."""
    from numerics.kb_model import equal_time_observables
    from numerics.ring_stiffness import clean_stiffness
    p = KBParams(band="tb1d", hopping=1.0, lam_i=1.2, n_xi=60, temperature=0.005)
    e = matsubara_equilibrium(p)
    b = make_band(p)
    rho, eta = thermal_state(b.xi, e.delta, p.temperature)
    _, dia, para, _ = equal_time_observables(p, b, rho, eta)
    assert e.ns == pytest.approx(dia - para, rel=2e-5)
    # a long clean ring (hopping J/2 ↔ KB hopping J; its own self-consistent Δ and k grid)
    ring = clean_stiffness(4096, 0.5, 1.2)
    assert e.ns == pytest.approx(ring, rel=1e-5)
