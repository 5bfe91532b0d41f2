"""Finite-q stiffness n_s(q, t) of the clean homogeneous 1D state (numerics.ring_q).

Independent routes: the grand potential of the dense 2N×2N BdG ring with a static
A_j = A cos(qj) and a fixed gap (eigenvalues only, fourth-order finite differences in A), the
BCS lattice formula and the flux-twist n_s of the ring (numerics.ring_stiffness), the f-sum rule
of the normal state, and the dense real-space evolution of the ring in A_j = ±A cos(qj) with
the gap of an A = 0 copy (literal (C2) on the 2N×2N density matrix).
"""
import numpy as np
import pytest

from numerics import bdg1d as b
from numerics.bdg1d_static import uniform_gap
from numerics.ring_model import RingModel
from numerics.ring_q import (ns_q_dynamic, ns_q_quench, quench_states, slip_spacing,
                             stiffness_q)
from numerics.ring_stiffness import clean_stiffness, equilibrium_stiffness, run_stiffness


def bdg_dense(a_bonds, hopping, delta):
    """2N×2N BdG matrix, basis (c_i↑, c†_i↓), hopping·e^{iA_i} on bond (i, i+1), uniform Δ."""
    n = a_bonds.size
    h = np.zeros((n, n), complex)
    i = np.arange(n)
    h[i, (i + 1) % n] += hopping * np.exp(1j * a_bonds)
    h[(i + 1) % n, i] += hopping * np.exp(-1j * a_bonds)
    return np.block([[h, delta * np.eye(n)], [np.conj(delta) * np.eye(n), -h.T]])


def grand_potential(a_bonds, hopping, delta, temperature):
    e = np.linalg.eigvalsh(bdg_dense(a_bonds, hopping, delta))
    return e[e < 0].sum() if temperature == 0 else -temperature * np.logaddexp(0, -e / temperature).sum()


def dense_ns(n, hopping, delta, temperature, m, a=3e-3):
    """n_s(q = 2πm/N) = ∂²Ω/∂A² / Σ_j cos²(qj) for A_j = A cos(qj), Δ fixed."""
    prof = np.cos(2 * np.pi * m * np.arange(n) / n)
    f = [grand_potential(s * a * prof, hopping, delta, temperature) for s in (-2, -1, 0, 1, 2)]
    d2 = (-f[0] + 16 * f[1] - 30 * f[2] + 16 * f[3] - f[4]) / (12 * a * a)
    return d2 / np.sum(prof ** 2)


def thermal_spins(n, hopping, delta, temperature):
    xi = 2 * hopping * np.cos(2 * np.pi * np.arange(n) / n)
    e = np.hypot(xi, delta)
    th = 1.0 if temperature == 0 else np.tanh(e / (2 * temperature))
    exact = 0 * e if temperature == 0 else -1 / np.cosh(e / (2 * temperature)) ** 2 / (2 * temperature)
    return -th * np.stack([np.full(n, delta), 0 * xi, xi]) / e, exact


# ------------------------------------------------------------------ the static formula
@pytest.mark.parametrize("temperature", [0.0, 0.3])
def test_static_ns_q_equals_dense_energy_curvature(temperature):
    """N = 26: odd m have degenerate pairs ξ_{k+q} = −ξ_k (the Landau limit), m = 13 is q = π."""
    n, hop, d = 26, 1.0, 0.6
    S, exact = thermal_spins(n, hop, d, temperature)
    q, ns, dia, para, dia_inst = stiffness_q(S, d, hopping=hop, dsigma_de=exact)
    assert dia == pytest.approx(dia_inst, rel=1e-14)
    for m in (0, 1, 2, 5, 13):
        assert ns[m] == pytest.approx(dense_ns(n, hop, d, temperature, m), rel=2e-8, abs=1e-9)
    assert np.all(ns > 0) and np.all(np.diff(ns) < 0)        # BCS: positive, falling with q


def test_q0_limit_is_the_uniform_bcs_and_flux_twist_stiffness():
    n, hop, lam = 32, 1.0, 2.0
    for temperature in (0.0, 0.1):
        d = uniform_gap(n, hop, lam, temperature)
        S, exact = thermal_spins(n, hop, d, temperature)
        ns0 = stiffness_q(S, d, hopping=hop, dsigma_de=exact, q_index=0)[1][0]
        assert ns0 == pytest.approx(clean_stiffness(n, hop, lam, temperature), rel=1e-12)
    # the flux twist of the self-consistent clean ring (T = 0)
    p = b.BdG1DParams(n_sites=n, hopping=hop, lambda_i=lam, lambda_f=lam, disorder_width=0.0,
                      temperature=0.0, dt=0.01, t_max=1.0)
    d = uniform_gap(n, hop, lam, 0.0)
    S, _ = thermal_spins(n, hop, d, 0.0)
    assert stiffness_q(S, d, hopping=hop)[1][0] == pytest.approx(
        equilibrium_stiffness(p, flux=0.02)[0], rel=1e-5)
    # n_s(q) is smooth at q → 0: n_s(2π/N) → n_s(0) as N grows
    gaps = []
    for n in (64, 128, 256):
        d = uniform_gap(n, hop, lam, 0.0)
        ns = stiffness_q(thermal_spins(n, hop, d, 0.0)[0], d, hopping=hop, q_index=[0, 1])[1]
        gaps.append(ns[0] - ns[1])
    assert gaps[0] > 0 and gaps[1] / gaps[0] == pytest.approx(0.25, rel=0.05)
    assert gaps[2] / gaps[1] == pytest.approx(0.25, rel=0.05)


def test_grid_derivative_of_the_occupation_converges_at_second_order():
    errs = []
    for n in (52, 104, 208):
        S, exact = thermal_spins(n, 1.0, 0.6, 0.3)
        ns_fd = stiffness_q(S, 0.6, hopping=1.0, q_index=0)[1][0]
        ns_ex = stiffness_q(S, 0.6, hopping=1.0, q_index=0, dsigma_de=exact)[1][0]
        errs.append(abs(ns_fd - ns_ex))
    assert errs[1] / errs[0] < 0.3 and errs[2] / errs[1] < 0.3


def test_normal_state_obeys_the_lattice_f_sum_rule_for_any_occupation():
    """Δ = 0: n_s(q) = 0 at every q ≠ 0 for any occupation n_k(ξ), also a non-thermal one."""
    n = 30
    xi = 2 * np.cos(2 * np.pi * np.arange(n) / n)
    sz = np.tanh(np.sin(3 * xi) + xi)                 # any function of ξ: S_z = n_k − 1 ∈ (−1, 1)
    S = np.stack([0 * xi, 0 * xi, sz])
    ns = stiffness_q(S, 0.0, hopping=1.0)[1]
    assert np.max(np.abs(ns[1:])) < 1e-12
    assert abs(ns[0]) > 0.01                          # q = 0 alone: the grid derivative is not exact


def test_probe_spins_give_the_exact_occupation_derivative_in_equilibrium():
    m = RingModel(band="appendix_c", n_sites=30, lambda_i=3.0, lambda_f=3.0, temperature=0.4)
    S, dl, dsde = quench_states(m, [0.0, 2.0])
    d = uniform_gap(30, 1.0, 3.0, 0.4)
    _, exact = thermal_spins(30, 1.0, d, 0.4)
    assert np.abs(dl - d).max() < 1e-10 * d
    assert np.abs(dsde - exact).max() < 1e-6 * np.abs(exact).max()     # O(δ²), δ = 4e-4 in ξ²
    r = ns_q_quench(m, [0.0, 2.0])
    assert r.ns[1] == pytest.approx(r.ns[0], rel=1e-9)          # stationary without a quench
    assert r.ns[0, 0] == pytest.approx(clean_stiffness(30, 1.0, 3.0, 0.4), rel=1e-6)


# ------------------------------------------------------------------ the dynamic route (Eqs. 7-8)
@pytest.mark.parametrize("temperature", [0.0, 0.3])
def test_dynamic_route_starts_from_the_static_response_and_is_stationary(temperature):
    m = RingModel(band="appendix_c", n_sites=26, lambda_i=3.0, lambda_f=3.0, temperature=temperature)
    qi = [0, 1, 2, 5, 13]
    r = ns_q_dynamic(m, q_index=qi, t_max=2.0, sample_every=25)
    d = uniform_gap(26, 1.0, 3.0, temperature)
    S, exact = thermal_spins(26, 1.0, d, temperature)
    static = stiffness_q(S, d, hopping=1.0, q_index=qi, dsigma_de=exact)[1]
    assert r.ns[0] == pytest.approx(static, rel=1e-10, abs=1e-12)
    assert np.abs(r.ns - r.ns[0]).max() < 1e-9


def test_dynamic_q0_equals_the_flux_response_of_the_ring_after_a_quench():
    m = RingModel(band="appendix_c", n_sites=32, lambda_i=2.0, lambda_f=3.0, gamma_el=0.0)
    p = m.bdg1d_params(dt=0.01, t_max=4.0, sample_every=40, order=4)
    ring = run_stiffness(p, seeds=(0,), flux=0.02)
    r = ns_q_dynamic(m, q_index=[0], t_max=4.0, dt=0.02, sample_every=20)
    assert np.ptp(r.ns[:, 0]) > 0.1
    assert np.max(np.abs(r.ns[:, 0] - ring.ns[0])) < 1e-5


def test_dynamic_finite_q_equals_dense_ring_in_a_modulated_vector_potential():
    """Literal (C2) on the 2N×2N density matrix: copies A_j = ±A cos(qj) evolve with the gap of
    the A = 0 copy (the bare bubble of Eq. 7); n_s(q, t) = −Σ_j cos(qj) δj_j / (A Σ cos²)."""
    n, hop, li, lf, amp, dt, t_end = 10, 1.0, 2.5, 4.0, 1e-4, 0.005, 3.0
    m = RingModel(band="appendix_c", n_sites=n, lambda_i=li, lambda_f=lf)
    qi = [1, 2, 5]
    r = ns_q_dynamic(m, q_index=qi, t_max=t_end, dt=0.01, sample_every=100)
    d0 = uniform_gap(n, hop, li, 0.0)
    i = np.arange(n)
    for col, mq in enumerate(qi):
        prof = np.cos(2 * np.pi * mq * i / n)
        hs = {s: bdg_dense(s * amp * prof, hop, 0.0) for s in (0, 1, -1)}

        def ground(s):
            e, u = np.linalg.eigh(hs[s] + d0 * np.kron([[0, 1], [1, 0]], np.eye(n)))
            return u[:, e < 0] @ u[:, e < 0].conj().T        # ρ_ab = <Ψ_b† Ψ_a>

        rho = {s: ground(s) for s in (0, 1, -1)}

        def deriv(rho):
            d = -lf * np.mean(np.diag(rho[0][:n, n:]))            # Δ of the A = 0 copy
            pair = np.kron([[0, d], [np.conj(d), 0]], np.eye(n))
            return {s: -1j * ((hs[s] + pair) @ rho[s] - rho[s] @ (hs[s] + pair)) for s in rho}

        t, out = 0.0, []
        for step in range(int(round(t_end / dt)) + 1):
            if step % 200 == 0:
                cur = {}
                for s in (1, -1):
                    a = s * amp * prof
                    chi = rho[s][(i + 1) % n, i] - rho[s][n + i, n + (i + 1) % n]
                    cur[s] = 2 * hop * np.imag(np.exp(1j * a) * chi)
                out.append(-np.sum(prof * (cur[1] - cur[-1])) / (2 * amp * np.sum(prof ** 2)))
            k1 = deriv(rho)
            k2 = deriv({s: rho[s] + 0.5 * dt * k1[s] for s in rho})
            k3 = deriv({s: rho[s] + 0.5 * dt * k2[s] for s in rho})
            k4 = deriv({s: rho[s] + dt * k3[s] for s in rho})
            rho = {s: rho[s] + dt / 6 * (k1[s] + 2 * k2[s] + 2 * k3[s] + k4[s]) for s in rho}
        assert np.ptp(out) > 0.05
        assert np.max(np.abs(np.array(out) - r.ns[:, col])) < 1e-6


# ------------------------------------------------------------------ bookkeeping
def test_unstable_band_and_slip_spacing_bookkeeping():
    m = RingModel(band="appendix_c", n_sites=26, lambda_i=3.0, lambda_f=3.0)
    r = ns_q_quench(m, [0.0])
    assert r.unstable_band(0).size == 0 and np.isnan(r.band_edges()[0][0])
    qm, nm = r.most_negative()
    assert qm[0] == pytest.approx(np.pi) and nm[0] == pytest.approx(r.ns[0, -1])
    ev = np.array([[1.0, 3, 1], [2.0, 3, -1], [3.0, 10, 1], [9.0, 20, 1]])
    assert slip_spacing(ev, 40) == pytest.approx(40 / 3)
    assert slip_spacing(ev, 40, t_max=5.0) == pytest.approx(20.0)
    assert np.isnan(slip_spacing(np.zeros((0, 3)), 40))


@pytest.mark.parametrize("call, name", [
    (lambda: stiffness_q(np.zeros((2, 8)), 0.5, hopping=1.0), "S"),
    (lambda: stiffness_q(np.zeros((3, 8)), 0.5, hopping=-1.0), "hopping"),
    (lambda: stiffness_q(np.zeros((3, 8)), 0.5, hopping=1.0, q_index=9), "q_index"),
    (lambda: stiffness_q(np.zeros((3, 8)), 0.0, hopping=1.0), "delta"),
    (lambda: ns_q_dynamic(RingModel(n_sites=8), q_index=[5], t_max=1.0), "q_index"),
    (lambda: ns_q_dynamic(RingModel(n_sites=8), q_index=[1], t_max=1.0, dt=0.1), "dt"),
    (lambda: quench_states(RingModel(n_sites=8), [1.0, 0.5]), "times"),
])
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()
