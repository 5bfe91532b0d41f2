"""Pseudospin (uniform BdG) dynamics: mode A (driven-dissipative) vs Eq. (D1), mode B (closed BCS)."""
import math

import numpy as np
import pytest
from scipy.linalg import expm
from scipy.optimize import curve_fit

from floquetsym import DriveParams
from floquetsym.conventions import TAU1, TAU2, TAU3
from floquetsym.pairs import pair_excitations
from numerics.pseudospin import (ClosedBCS, DrivenDissipative, XiGrid, cayley,
                                 coupling_for_gap, gap_of, graded_grid, ground_state, rotate,
                                 xi_grid)

LEAD = math.sqrt(2) * math.pi          # D1: N_ex √(γΔ)/θ² → √2π (test_pairs derives it)


def _bloch(rho):
    return np.array([np.trace(rho @ P).real for P in (TAU1, TAU2, TAU3)])


def test_rotation_is_the_exact_bdg_propagator(rng):
    b = rng.normal(size=(3, 5))
    S = rng.normal(size=(3, 5))
    S /= np.linalg.norm(S, axis=0)
    dt = 0.37
    got = rotate(S, b, dt)
    for j in range(5):
        h = b[0, j] * TAU1 + b[1, j] * TAU2 + b[2, j] * TAU3
        rho = 0.5 * (np.eye(2) + sum(S[i, j] * P for i, P in enumerate((TAU1, TAU2, TAU3))))
        U = expm(-1j * h * dt)
        assert np.allclose(got[:, j], _bloch(U @ rho @ U.conj().T), atol=1e-13)


def test_cayley_is_the_implicit_midpoint_step(rng):
    b = rng.normal(size=(3, 7))
    S = rng.normal(size=(3, 7))
    S1 = cayley(S, b, 0.2)
    assert np.allclose(S1 - S, 0.2 * np.cross(b, S + S1, axis=0), atol=1e-13)
    assert np.allclose(np.linalg.norm(S1, axis=0), np.linalg.norm(S, axis=0), rtol=1e-14)


def _mode_a(theta, gamma, *, relaxation="amplitude", cutoff=20.0, spp=48):
    grid = graded_grid(cutoff, math.sqrt(gamma), nodes_per_panel=8)
    return DrivenDissipative(grid, theta=theta, omega0=2.0, gamma=gamma, relaxation=relaxation,
                             steps_per_period=spp)


@pytest.mark.parametrize("relaxation, factor", [("amplitude", 0.25), ("uniform", 0.5)])
def test_mode_a_matches_weak_drive_bloch_result(relaxation, factor):
    # O(θ²) Bloch steady state: (2Γ2/Γ1)·(1/4)·[D1 + counter-rotating term], same band
    theta, gamma = 1e-3, 0.02
    n = _mode_a(theta, gamma, relaxation=relaxation).steady_state()["n_ex"]
    p = DriveParams(theta=theta, gamma=gamma)
    ref = factor * pair_excitations(p, xi_cutoff=20.0, counter_rotating=True).value
    assert n == pytest.approx(ref, rel=2e-4)


def test_time_stepping_converges_to_periodic_steady_state():
    m = _mode_a(0.01, 0.1, cutoff=8.0)
    ss = m.steady_state()
    r = m.run(np.arange(0.0, 400.0 + m.period / 2, m.period / 8))
    tail = r.n_ex[-8:]                               # the last period, 8 samples
    assert tail.mean() == pytest.approx(ss["n_ex"], rel=1e-6)
    assert np.abs(r.final_state - m.steady_state(t0=r.times[-1])["state"]).max() < 1e-10


def test_magnus_order():
    vals = {spp: _mode_a(0.01, 0.05, cutoff=8.0, spp=spp).steady_state()["n_ex"]
            for spp in (12, 24, 192)}
    e12, e24 = abs(vals[12] - vals[192]), abs(vals[24] - vals[192])
    assert e12 / e24 > 12                            # 4th order: 16
    assert e24 < 1e-4 * vals[192]


def test_mode_a_theta_squared_and_saturation():
    gamma = 0.01
    small = [_mode_a(th, gamma).steady_state()["n_ex"] / th**2 for th in (1e-3, 2e-3)]
    assert small[0] == pytest.approx(small[1], rel=1e-3)          # θ² ≪ γΔ: N ∝ θ²
    mid = _mode_a(0.01, gamma).steady_state()["n_ex"] / 0.01**2  # θ²/(γΔ) = 0.01
    assert mid == pytest.approx(small[0], rel=0.02)
    sat = _mode_a(0.3, gamma).steady_state()["n_ex"] / 0.3**2    # θ²/(γΔ) = 9: saturated
    assert sat < 0.8 * small[0]


def test_mode_a_inverse_sqrt_gamma_law_matches_d1():
    # fit with the terms the D1 expansion predicts: γ^{-1/2}, γ⁰, γ^{1/2}, γ^{3/2}
    # (the counter-rotating term only adds to γ⁰ and γ²); leading coefficient vs D1's √2π
    # times the rotating-wave factor 1/4 and the population factor 2Γ2/Γ1 = 1.
    theta = 1e-3
    gammas = np.geomspace(0.01, 0.1, 8)
    n = np.array([_mode_a(theta, g).steady_state()["n_ex"] / theta**2 for g in gammas])
    X = np.stack([gammas**-0.5, np.ones_like(gammas), gammas**0.5, gammas**1.5], axis=1)
    coef = np.linalg.lstsq(X, n, rcond=None)[0]
    assert coef[0] == pytest.approx(LEAD / 4, rel=0.02)
    assert coef[0] == pytest.approx(LEAD / 4, rel=1e-3)              # what it actually achieves
    slope = np.polyfit(np.log(gammas), np.log(n), 1)[0]
    assert abs(slope + 0.5) > 0.03          # a bare power law over this range is biased


def test_mode_b_ground_state_is_stationary():
    grid = xi_grid(10.0, 200)
    lam = coupling_for_gap(grid, 1.0)
    m = ClosedBCS(grid, coupling=lam, dt=0.05)
    r = m.run(np.linspace(0, 50, 11))
    assert np.abs(r.delta - 1.0).max() < 1e-12
    assert gap_of(ground_state(grid, 1.0), grid, lam) == pytest.approx(1.0, rel=1e-14)


def test_mode_b_energy_conserved_over_1000():
    grid = xi_grid(10.0, 300)
    lam = coupling_for_gap(grid, 1.0) * 1.05          # quench
    m = ClosedBCS(grid, coupling=lam, dt=0.05, initial_gap=1.0)
    r = m.run(np.linspace(0.0, 1000.0, 201))
    rel = np.abs(r.energy - r.energy[0]).max() / abs(r.energy[0])
    assert rel < 1e-8
    # relative to the condensation energy ν0Δ²/2 too, and the spin lengths
    assert np.abs(r.energy - r.energy[0]).max() < 1e-8 * 0.5
    assert np.allclose(np.linalg.norm(r.final_state, axis=0), 1.0, atol=1e-12)
    assert np.ptp(r.delta.real) > 0.05                 # it did oscillate


def test_mode_b_driven_work_balance():
    grid = xi_grid(10.0, 300)
    lam0 = coupling_for_gap(grid, 1.0)
    eps, w = 0.02, 2.0
    m = ClosedBCS(grid, coupling=lam0, dt=0.02, lambda1=lambda t: eps * math.sin(w * t))
    t = np.linspace(0.0, 60.0, 3001)
    r = m.run(t)
    lam = lam0 * (1 + eps * np.sin(w * t))
    lam_dot = lam0 * eps * w * np.cos(w * t)
    power = -lam_dot * np.abs(r.delta) ** 2 / lam**2   # dE/dt = ∂H/∂t
    work = np.concatenate([[0.0], np.cumsum(0.5 * (power[1:] + power[:-1]) * np.diff(t))])
    de = r.energy - r.energy[0]
    assert np.abs(de - work).max() < 1e-4 * np.abs(de).max()
    assert np.abs(de).max() > 1e-3                    # work was done


def test_mode_b_quench_volkov_kogan():
    # weak quench from the ground state: Δ(t) - Δ∞ ∝ cos(2Δ∞ t + π/4)/√(Δ∞ t)
    grid = xi_grid(10.0, 2000)                        # dξ = 0.01: recurrences beyond t ≈ 300
    lam = coupling_for_gap(grid, 1.0) * 1.02
    m = ClosedBCS(grid, coupling=lam, dt=0.025, initial_gap=1.0)
    t = np.arange(0.0, 200.0, 0.1)
    d = m.run(t).delta.real
    sel = t >= 20.0
    f = lambda t, dinf, a, w, ph, al: dinf + a * np.cos(w * t + ph) / t**al
    p0 = [d[sel].mean(), 0.02, 2 * d[sel].mean(), math.pi / 4, 0.5]
    best = None
    for a0 in (0.02, -0.02):
        p0[1] = a0
        c, _ = curve_fit(f, t[sel], d[sel], p0=p0, maxfev=20000)
        res = np.sum((f(t[sel], *c) - d[sel]) ** 2)
        if best is None or res < best[0]:
            best = (res, c)
    dinf, a, w, ph, al = best[1]
    assert al == pytest.approx(0.5, abs=0.05)
    assert w == pytest.approx(2 * dinf, rel=1e-2)
    assert (ph % math.pi) == pytest.approx(math.pi / 4, abs=0.05)
    assert best[0] / np.sum((d[sel] - dinf) ** 2) < 1e-3      # the form describes the data


def test_bad_input():
    grid = xi_grid(5.0, 20)
    with pytest.raises(ValueError, match="gamma"):
        DrivenDissipative(grid, theta=0.1, omega0=2.0, gamma=-0.01)
    with pytest.raises(ValueError, match="theta"):
        DrivenDissipative(grid, theta=float("nan"), omega0=2.0, gamma=0.01)
    with pytest.raises(ValueError, match="relaxation"):
        DrivenDissipative(grid, theta=0.1, omega0=2.0, gamma=0.01, relaxation="phonon")
    with pytest.raises(ValueError, match="coupling"):
        ClosedBCS(grid, coupling=-0.3)
    with pytest.raises(ValueError, match="dt"):
        ClosedBCS(grid, coupling=0.3, dt=float("inf"))
    with pytest.raises(ValueError, match="weights"):
        XiGrid(np.array([0.0, 1.0]), np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="cutoff"):
        xi_grid(-1.0, 10)
    m = ClosedBCS(grid, coupling=0.3, lambda1=lambda t: -2.0)
    with pytest.raises(ValueError, match="lambda1"):
        m.step()
    with pytest.raises(ValueError, match="times"):
        m.run([1.0, 0.5])


def test_mode_a_thermal_relaxation_target():
    # θ = 0: the steady state is the thermal state, N_ex = Σ w·2f(λ), f = 1/(e^{λ/T}+1)
    p = DriveParams(theta=0.0, gamma=0.05, temperature=0.3)
    grid = graded_grid(10.0, 0.2)
    m = DrivenDissipative.from_params(grid, p, steps_per_period=16)
    lam = np.sqrt(grid.xi**2 + 1.0)
    expected = np.dot(grid.weights, 2.0 / (np.exp(lam / 0.3) + 1.0))
    assert m.steady_state()["n_ex"] == pytest.approx(expected, rel=1e-12)
    assert m.d1_factor == 0.25


@pytest.mark.slow
def test_mode_a_time_domain_run_reaches_d1_steady_state():
    # plain time stepping from the ground state for 15/γ, 4000 ξ points, no shortcut
    theta, gamma = 2e-3, 0.01
    grid = xi_grid(20.0, 4000)
    m = DrivenDissipative(grid, theta=theta, omega0=2.0, gamma=gamma, steps_per_period=48)
    t_end = 15 / gamma
    times = np.arange(0.0, t_end + 1e-9, m.period / 8)
    r = m.run(times, progress=False)
    n_last = r.n_ex[-8:].mean()                       # one drive period
    p = DriveParams(theta=theta, gamma=gamma)
    ref = 0.25 * pair_excitations(p, xi_cutoff=20.0, counter_rotating=True).value
    # e^{-γ t} = 3e-7 left of the transient; the uniform grid (dξ = 0.01 vs width √γ = 0.1)
    # is a midpoint rule: agreement to 1e-3
    assert n_last == pytest.approx(ref, rel=1e-3)
    assert n_last == pytest.approx(m.steady_state()["n_ex"], rel=1e-5)


@pytest.mark.slow
def test_mode_b_quench_long_window():
    grid = xi_grid(10.0, 5000)                        # dξ = 0.004: recurrence beyond t ≈ 780
    lam = coupling_for_gap(grid, 1.0) * 1.01
    m = ClosedBCS(grid, coupling=lam, dt=0.025, initial_gap=1.0)
    t = np.arange(0.0, 600.0, 0.1)
    d = m.run(t).delta.real
    sel = t >= 50.0
    f = lambda t, dinf, a, w, ph, al: dinf + a * np.cos(w * t + ph) / t**al
    best = None
    for a0 in (0.01, -0.01):
        c, _ = curve_fit(f, t[sel], d[sel], p0=[d[sel].mean(), a0, 2 * d[sel].mean(),
                                                 math.pi / 4, 0.5], maxfev=20000)
        res = np.sum((f(t[sel], *c) - d[sel]) ** 2)
        if best is None or res < best[0]:
            best = (res, c)
    dinf, a, w, ph, al = best[1]
    assert al == pytest.approx(0.5, abs=0.02)
    assert w == pytest.approx(2 * dinf, rel=2e-3)
    assert (ph % math.pi) == pytest.approx(math.pi / 4, abs=0.03)


def test_mode_b_appendix_d_drive_reproduces_first_and_second_order():
    # Closed self-consistent BCS driven by λ(t) = λ0(1 + λ1(t)) with λ1 = 2θ Re(ℓ e^{-iω0t})
    # from floquetsym.heating (App. D: chosen so that Δ^(1)(t) = θ cos ω0t), switched on
    # adiabatically; detuned, ω0 = 0.7Δ (2ω0 < 2Δ < 3ω0: no absorption below O(θ⁶)).
    # Independent routes: Usadel Floquet hierarchy (γ → 0) vs time-domain pseudospins (γ = 0).
    from floquetsym.heating import gap_correction
    xc, w0, theta = 60.0, 0.7, 0.01
    grid = graded_grid(xc, 0.25, nodes_per_panel=12)
    r = gap_correction(DriveParams(theta=theta, gamma=1e-4, omega0=w0),
                       omega_co=math.sqrt(xc**2 + 1.0))          # ω window ≡ ξ band at order 0
    ell = r.meta["ell"]
    assert abs(ell.imag) < 1e-6 * abs(ell)                        # detuned: no lag
    ramp = 60.0
    lam1 = lambda t: (math.sin(0.5 * math.pi * min(t, ramp) / ramp) ** 2
                      * 2 * theta * ell.real * math.cos(w0 * t))
    m = ClosedBCS(grid, coupling=coupling_for_gap(grid, 1.0), dt=0.02, lambda1=lam1)
    t = np.arange(0.0, 300.0, 0.05)
    d = m.run(t).delta.real
    sel = t >= 120.0
    tt = t[sel]
    X = np.stack([np.ones_like(tt), np.cos(w0 * tt), np.sin(w0 * tt),
                  np.cos(2 * w0 * tt), np.sin(2 * w0 * tt)], axis=1)
    c = np.linalg.lstsq(X, d[sel], rcond=None)[0]
    # first order: Δ^(1) = θ cos ω0t (the window mismatch ω vs ξ is O(ω0²/ξc²) ≈ 2e-4)
    assert math.hypot(c[1], c[2]) == pytest.approx(theta, rel=1e-3)
    assert abs(c[2]) < 1e-3 * theta
    # second order: the static gap moves by Δ^(2)/(1 − λ0 ∂A0/∂Δ), not by Δ^(2) itself
    shift = c[0] - 1.0
    assert shift == pytest.approx(r.meta["static_shift"], rel=1e-2)
    assert abs(shift - r.value) > 0.5 * abs(shift)


def test_mode_a_thermal_excess_matches_d1_with_population_factor():
    # T > 0: excess N_ex over the thermal state = (1/4)[D1 + counter-rotating]·tanh(λ/2T)
    theta, gamma, T = 1e-3, 0.02, 0.4
    grid = graded_grid(20.0, math.sqrt(gamma))
    kw = dict(omega0=2.0, gamma=gamma, temperature=T, steps_per_period=48)
    n = DrivenDissipative(grid, theta=theta, **kw).steady_state()["n_ex"]
    n0 = DrivenDissipative(grid, theta=0.0, **kw).steady_state()["n_ex"]
    p = DriveParams(theta=theta, gamma=gamma, temperature=T)
    ref = 0.25 * pair_excitations(p, xi_cutoff=20.0, counter_rotating=True).value
    assert n - n0 == pytest.approx(ref, rel=1e-3)
    assert ref < 0.25 * pair_excitations(DriveParams(theta=theta, gamma=gamma), xi_cutoff=20.0,
                                         counter_rotating=True).value   # Pauli-blocked


def test_checkpoint_resume_is_bit_identical(tmp_path):
    grid = xi_grid(10.0, 200)
    lam = coupling_for_gap(grid, 1.0)
    times = np.linspace(0.0, 40.0, 81)

    def make(fail_after=None):
        def lam1(t):
            if fail_after is not None and t > fail_after:
                raise KeyboardInterrupt("simulated kill")
            return 0.05 * math.sin(1.3 * t)
        return ClosedBCS(grid, coupling=lam, dt=0.05, lambda1=lam1)

    ref = make().run(times)
    ck = tmp_path / "run.npz"
    with pytest.raises(KeyboardInterrupt):
        make(fail_after=25.0).run(times, checkpoint=ck, checkpoint_every=10)
    resumed = make().run(times, checkpoint=ck, checkpoint_every=10)
    assert resumed.meta["resumed_at"] == 50
    assert np.array_equal(resumed.delta, ref.delta)
    assert np.array_equal(resumed.energy, ref.energy)
    assert np.array_equal(resumed.final_state, ref.final_state)
    other = ClosedBCS(grid, coupling=lam * 1.01, dt=0.05)
    with pytest.raises(ValueError, match="checkpoint"):
        other.run(times, checkpoint=ck)
