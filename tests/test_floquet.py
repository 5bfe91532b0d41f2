"""Tests of the non-perturbative Floquet–Usadel solver and the quasienergy bands.

Every expected number comes from outside the solver: closed forms of conventions.py, a 1D
quadrature written here, exact symmetries, or the rotating-wave two-level formula.
"""
import math
import re

import numpy as np
import pytest
from scipy.integrate import quad

from floquetsym import ConvergenceWarning, DriveParams
from floquetsym.conventions import (distribution, dynes_dos, g_advanced, g_keldysh,
                                    g_retarded)
from floquetsym.floquet import (floquet_matrices, floquet_solve, quasienergies, sign_eig,
                                sign_newton)


def ns0_quadrature(delta, gamma, T):
    """n_s^(0) = −(Δ²/2π)∫dω tanh(ω/2T) Im[1/(z²−Δ²)], z = ω+iγ (derived from the trace of
    docs/conventions.md in the module docstring of floquet.py; integrated here independently)."""
    def f(w):
        z = w + 1j * gamma
        return -(delta ** 2 / (2 * math.pi)) * distribution(w, T) * (1 / (z * z - delta ** 2)).imag
    pts = [delta - 20 * gamma, delta, delta + 20 * gamma]
    v1 = quad(f, 0, 5 * delta, points=pts, epsabs=1e-14, epsrel=1e-13, limit=400)[0]
    v2 = quad(f, 5 * delta, np.inf, epsabs=1e-14, epsrel=1e-13, limit=400)[0]
    return 2 * (v1 + v2)                                    # integrand even in ω


def test_ns0_closed_form_matches_quadrature():
    # T = 0 closed form: ∫ sgn ω Im[1/(z²−Δ²)] = −(π − 2 atan(γ/Δ))/Δ
    g = 1e-2
    assert ns0_quadrature(1.0, g, 0.0) == pytest.approx(0.5 * (1 - 2 / math.pi * math.atan(g)),
                                                        rel=1e-10)


@pytest.mark.parametrize("method", ["eig", "newton"])
def test_theta0_reproduces_equilibrium_green_functions(method, rng):
    p = DriveParams(theta=0.0, omega0=0.7, gamma=1e-2, temperature=0.1)
    M = 3
    eps = rng.uniform(-0.35, 0.35, 6)
    g_r, g_k, g_a = floquet_solve(p, M, method=method).green(eps)
    for n in range(-M, M + 1):
        s = slice(2 * (n + M), 2 * (n + M) + 2)
        w = eps + n * p.omega0
        assert np.abs(g_r[:, s, s] - g_retarded(w, 1.0, p.gamma)).max() < 1e-10
        assert np.abs(g_a[:, s, s] - g_advanced(w, 1.0, p.gamma)).max() < 1e-10
        assert np.abs(g_k[:, s, s] - g_keldysh(w, 1.0, p.gamma, p.temperature)).max() < 1e-10


@pytest.mark.parametrize("T", [0.0, 0.1])
def test_theta0_ns_equals_independent_quadrature(T):
    p = DriveParams(theta=0.0, omega0=1.0, gamma=1e-2, temperature=T)
    r = floquet_solve(p, n_harmonics=6).superfluid_density(tol=1e-9)
    ref = ns0_quadrature(1.0, p.gamma, T)
    assert r.value == pytest.approx(ref, rel=1e-8)
    assert r.error < 1e-7
    assert r.meta["tail"].real > 0       # the tails beyond the window are really added


def test_theta0_ldos_is_dynes_and_occupied_is_fermi_weighted():
    p = DriveParams(theta=0.0, omega0=0.8, gamma=1e-2, temperature=0.05)
    w = np.linspace(-2, 2, 41) + 1e-3
    sol = floquet_solve(p, n_harmonics=3)
    assert np.abs(sol.ldos(w).value - dynes_dos(w, 1.0, p.gamma)).max() < 1e-10
    occ = dynes_dos(w, 1.0, p.gamma) * (1 - distribution(w, p.temperature)) / 2
    assert np.abs(sol.ldos(w, kind="occupied").value - occ).max() < 1e-10


@pytest.mark.parametrize("theta, gamma", [(0.1, 1e-2), (0.5, 1e-2), (0.3, 1e-4)])
def test_normalisation_and_commutator_central_blocks(theta, gamma, rng):
    p = DriveParams(theta=theta, omega0=1.3, gamma=gamma, temperature=0.05)
    sol = floquet_solve(p, n_harmonics=6, n_central=3)
    edges = np.array([1 - 1.3, -1 + 1.3]) + gamma * rng.uniform(-3, 3, 2)   # folded gap edges
    res = sol.residuals(np.concatenate([rng.uniform(-0.65, 0.65, 8), edges]))
    assert res["normalisation"] < 1e-10
    assert res["commutator"] < 1e-10


def test_eig_and_newton_sign_agree(rng):
    p = DriveParams(theta=0.4, omega0=1.9, gamma=1e-2)
    eps = np.concatenate([rng.uniform(-0.95, 0.95, 4), [1 - 1.9, 0.0]])   # incl. gap edge ε=Δ−ω0
    lam_r, lam_a, lam_k = floquet_matrices(p, eps, 4)
    a = sign_eig(lam_r, lam_k)
    b = sign_newton(lam_r, lam_a, lam_k)
    for x, y in zip(a, b):
        assert np.abs(x - y).max() < 1e-9


def test_retarded_large_frequency_limits():
    # the sign rule gives g^R → τ3 and g^A → −τ3 far from the gap (both signs of ω)
    p = DriveParams(theta=0.3, omega0=1.0, gamma=1e-2)
    M = 40
    g_r, _, g_a = floquet_solve(p, M).green([0.1])
    for n in (-M + 5, M - 5):
        s = slice(2 * (n + M), 2 * (n + M) + 2)
        bound = 1.2 * (1 + 0.3) / abs(0.1 + n)          # g − ±τ3 = O((Δ + θ)/|ω|)
        assert np.abs(g_r[0, s, s] - np.diag([1, -1])).max() < bound
        assert np.abs(g_a[0, s, s] + np.diag([1, -1])).max() < bound


def test_harmonics_reality_and_scaling():
    """n_s[−k] = conj n_s[k] (n_s(t) real), computed from different blocks; |n_s[1]| ∝ θ,
    n_s[0] − n_s^(0) ∝ θ², n_s[2] ∝ θ² (parity of the drive expansion)."""
    out = {}
    for th in (0.01, 0.02):      # ω0 = 1.5Δ: no multiphoton resonance 2Δ = kω0 for small k
        p = DriveParams(theta=th, omega0=1.5, gamma=1e-2)
        sol = floquet_solve(p, n_harmonics=7, n_central=4)
        out[th] = sol.ns_harmonics((0, 1, -1, 2), tol=1e-6, check_truncation=False)
        r = out[th]
        assert abs(r[1].value - np.conj(r[-1].value)) < 1e-9
    ns0 = 0.5 * (1 - 2 / math.pi * math.atan(1e-2))
    e0 = math.log2((out[0.02][0].value - ns0) / (out[0.01][0].value - ns0))
    e1 = math.log2(abs(out[0.02][1].value) / abs(out[0.01][1].value))
    e2 = math.log2(abs(out[0.02][2].value) / abs(out[0.01][2].value))
    assert e0 == pytest.approx(2, abs=0.02)
    assert e1 == pytest.approx(1, abs=0.02)
    assert e2 == pytest.approx(2, abs=0.02)


def test_bad_input():
    p = DriveParams(theta=0.1, omega0=1.0)
    for M in (0, -2):
        with pytest.raises(ValueError, match="n_harmonics"):
            floquet_solve(p, n_harmonics=M)
    with pytest.raises(ValueError, match="n_harmonics"):
        floquet_solve(p, n_harmonics=2.5)
    with pytest.raises(ValueError, match="method"):
        floquet_solve(p, method="magic")
    with pytest.raises(ValueError, match="tol"):
        floquet_solve(p, 4).superfluid_density(tol=-1)
    with pytest.raises(ValueError, match="n_harmonics"):
        floquet_solve(p, 4, n_central=3).superfluid_density(harmonic=2)


def test_too_few_harmonics_warns_with_measured_change():
    p = DriveParams(theta=0.6, omega0=0.5, gamma=5e-2)
    sol = floquet_solve(p, n_harmonics=3, n_central=2)
    with pytest.warns(ConvergenceWarning) as rec:
        r = sol.superfluid_density(tol=1e-6)
    msgs = [str(w.message) for w in rec]
    assert any(re.search(r"changed by \d\.\d+e-\d+ from M=3 to M=5", m) for m in msgs), msgs
    assert r.meta["truncation_change"] > 1e-6
    assert r.error >= r.meta["truncation_change"]


# ----------------------------------------------------------------- quasienergies (Fig. 2a)

def test_quasienergies_theta0_are_shifted_bogoliubov_bands():
    p = DriveParams(theta=0.0, omega0=0.15)
    xi = np.linspace(-2, 2, 9)
    b = quasienergies(p, xi, n_harmonics=4)
    E = np.sqrt(xi ** 2 + 1)
    for m in range(-4, 5):
        assert np.allclose(b.band(m, +1), E + m * 0.15, atol=1e-12)
        assert np.allclose(b.band(m, -1), -E + m * 0.15, atol=1e-12)
    assert np.allclose(b.weight, 1.0)


def test_no_gap_at_xi0_drive_commutes():
    # ξ = 0: h(t) = Δ(t)τ1 at all t → quasienergies exactly ±Δ + mω0, even on resonance
    for w0 in (0.15, 1.0, 2.0):
        M = 40
        b = quasienergies(DriveParams(theta=0.3, omega0=w0), [0.0], n_harmonics=M)
        e = b.energies.ravel()
        cut = (0.5 * M + 0.37) * w0                          # away from the truncation edge
        e = e[np.abs(e) < cut]
        lattice = np.concatenate([1 + w0 * np.arange(-2 * M, 2 * M + 1),
                                  -1 + w0 * np.arange(-2 * M, 2 * M + 1)])
        assert np.abs(e[:, None] - lattice[None, :]).min(axis=1).max() < 1e-10
        assert e.size == np.sum(np.abs(lattice) < cut)     # none missing


def test_avoided_crossing_near_resonance_matches_rotating_wave():
    theta, w0 = 0.02, 2.2
    xs = math.sqrt((w0 / 2) ** 2 - 1)           # 2E(ξ*) = ω0
    xi = np.linspace(xs - 0.03, xs + 0.03, 1201)
    b = quasienergies(DriveParams(theta=theta, omega0=w0), xi, n_harmonics=6)
    gap = np.abs(b.band(0, 1) - b.band(1, -1))
    # diabatic labels swap through the crossing: the minimum of the splitting is the gap
    rwa = theta * xs / (w0 / 2)
    assert gap.min() == pytest.approx(rwa, rel=0.01)          # Bloch–Siegert: O(θ/ω0)
    assert xi[gap.argmin()] == pytest.approx(xs, abs=5e-3)


def test_resonance_2delta_splitting_grows_linearly_from_xi0():
    # ω0 = 2Δ: bands (0,+) and (1,−) touch at ξ = 0 and repel ∝ θ|ξ|/E away from it
    theta = 0.01
    xi = np.array([0.0, 0.002, 0.004, 0.008])
    b = quasienergies(DriveParams(theta=theta, omega0=2.0), xi, n_harmonics=6)
    split = np.abs(b.band(0, 1) - b.band(1, -1))
    E = np.sqrt(1 + xi ** 2)
    rwa = np.sqrt((2 * E - 2.0) ** 2 + (theta * xi / E) ** 2)
    assert split[0] < 1e-12
    assert np.allclose(split[1:], rwa[1:], rtol=0.02)


# ----------------------------------------------------------------- the key cross-check

def _hierarchy_coefficients(p):
    obs = pytest.importorskip("floquetsym.observables")
    q = DriveParams(delta=p.delta, theta=0.01, omega0=p.omega0, gamma=p.gamma,
                    temperature=p.temperature)
    n0 = obs.superfluid_density(q, order=0).value
    n2 = obs.superfluid_density(q, order=2).value
    n1 = obs.superfluid_density(q, order=1).value
    return n2 / (q.theta ** 2 * n0), abs(n1) / (q.theta * n0)


def _check_against_hierarchy(omega0, T, rel=1e-4):
    from floquetsym.floquet_fit import perturbative_coefficients
    p = DriveParams(omega0=omega0, gamma=1e-2, temperature=T)
    c2_h, c1_h = _hierarchy_coefficients(p)
    r = perturbative_coefficients(p, tol=1e-6)
    assert r.c2.error < rel * abs(r.c2.value) and r.c1.error < rel * r.c1.value
    assert r.c2.value == pytest.approx(c2_h, rel=rel)
    assert r.c1.value == pytest.approx(c1_h, rel=rel)


@pytest.mark.parametrize("omega0, T", [(1.9, 0.0), (1.0, 0.2)])
def test_exact_solver_reproduces_hierarchy_coefficients_fast(omega0, T):
    """Exact (non-perturbative) c2, c1 = hierarchy's to 1e-4 at γ = 1e-2Δ (two points)."""
    _check_against_hierarchy(omega0, T)


@pytest.mark.slow
@pytest.mark.parametrize("T", [0.0, 0.2])
@pytest.mark.parametrize("omega0", [0.5, 1.0, 1.5, 1.9])
def test_exact_solver_reproduces_hierarchy_coefficients_grid(omega0, T):
    _check_against_hierarchy(omega0, T)


@pytest.mark.slow
def test_perturbative_coefficients_chiral_equals_full_eig():
    """The half-size τ2-chiral solve at every ε node gives the full eigen-route's c2, c1
    (same shared mesh, same adaptive panels) to rounding amplified by 1/θ² (~13 s)."""
    from floquetsym.floquet_fit import perturbative_coefficients
    p = DriveParams(omega0=0.5, gamma=1e-2, temperature=0.2)
    th = [0.004, 0.007, 0.01]
    a = perturbative_coefficients(p, thetas=th, tol=1e-7, degree=1, method="chiral")
    b = perturbative_coefficients(p, thetas=th, tol=1e-7, degree=1, method="eig")
    assert a.c2.meta["n_eval"] == b.c2.meta["n_eval"]
    assert a.c2.value == pytest.approx(b.c2.value, rel=1e-7)
    assert a.c1.value == pytest.approx(b.c1.value, rel=1e-7)


def test_perturbative_coefficients_bad_input():
    from floquetsym.floquet_fit import perturbative_coefficients
    p = DriveParams(omega0=1.0)
    with pytest.raises(ValueError, match="thetas"):
        perturbative_coefficients(p, thetas=[-0.01, 0.01, 0.02])
    with pytest.raises(ValueError, match="thetas"):
        perturbative_coefficients(p, thetas=[0.01], degree=2)
    with pytest.raises(ValueError, match="tol"):
        perturbative_coefficients(p, tol=0.0)
    with pytest.raises(ValueError, match="method"):
        perturbative_coefficients(p, thetas=[0.01, 0.02, 0.03], method="qr")


# ----------------------------------------------------------------- panels

def test_fig2a_panel_claims_pass(tmp_path):
    from floquetsym.app.panels.fig2a import PANELS
    out = PANELS[0].run(tmp_path, True)
    assert all((tmp_path / f).stat().st_size > 0 for f in out.figures)
    assert [c.passed for c in out.claims] == [True, True]


@pytest.mark.slow
def test_breakdown_panel_claims(tmp_path):
    from floquetsym.app.panels.floquet import PANELS
    out = PANELS[0].run(tmp_path, True)
    assert (tmp_path / out.figures[0]).stat().st_size > 0
    from floquetsym.app.panels import verdict
    v = [verdict(c)[0] for c in out.claims]
    assert v[0] == "PASS", out.claims[0].measured              # c2: two routes to one number
    assert "UNDECIDED" not in v and "SHOWN" not in v, [c.measured for c in out.claims]
