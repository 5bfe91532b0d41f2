"""numerics.bdg1d: self-consistent BdG ring of Appendix C.

Independent routes used here: (i) the literal Eqs. (C1)-(C3) on the dense 2N×2N density
matrix integrated by an adaptive Runge-Kutta (DOP853), (ii) per-k 2×2 pseudospins for the
clean ring, (iii) the golden-rule decay of a plane wave for the Born rate.
"""
import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.linalg import eigh_tridiagonal
from scipy.optimize import brentq

from numerics import bdg1d as b
from numerics.bdg1d_static import local_fields


def dense_reference(p, u, times, coupling=None):
    """ρ̇ = −i[H(ρ), ρ], Σ_i = (λ/2)τ3(2ρ_ii − 1)τ3 as printed (C1), G^K = i(1−2ρ); ρ(0) thermal.

    With ``p.hartree`` = 0 the diagonal of Σ_i is dropped, with +1 it is kept as printed, with −1
    its sign is flipped.  Returns Δ_i(t) = Σ_i,12 at ``times``.
    """
    n = p.n_sites
    eq = b.equilibrium(u, hopping=p.hopping, lam=p.lambda_i, temperature=p.temperature,
                       hartree=p.hartree)
    rho0 = b.density_matrix(eq.orbitals)
    t3 = np.diag([1.0, -1.0])
    idx = np.arange(n)

    def sigma(rho, lam):
        blocks = rho.reshape(n, 2, n, 2)[idx, :, idx, :]
        return (lam / 2) * t3 @ (2 * blocks - np.eye(2)) @ t3

    def rhs(t, y):
        rho = y.reshape(2 * n, 2 * n)
        s = sigma(rho, p.lambda_f if coupling is None else coupling(t))
        h = b.bdg_hamiltonian(s[:, 0, 1], u + p.hartree * s[:, 0, 0].real, p.hopping)
        return (-1j * (h @ rho - rho @ h)).ravel()

    sol = solve_ivp(rhs, (0, times[-1]), rho0.ravel().astype(complex), t_eval=times,
                    method="DOP853", rtol=1e-12, atol=1e-13)
    lam = [p.lambda_f if coupling is None else coupling(t) for t in times]
    return np.array([sigma(y.reshape(2 * n, 2 * n), lm)[:, 0, 1] for y, lm in zip(sol.y.T, lam)])


def small(**kw):
    base = dict(n_sites=8, lambda_i=2.0, lambda_f=3.0, disorder_width=1.5, seed=3, dt=0.01,
                t_max=4.0, order=4, sample_every=50, temperature=0.05)
    base.update(kw)
    return b.BdG1DParams(**base)


# ------------------------------------------------------------------ independent routes
@pytest.mark.parametrize("hartree", [0, 1, -1])
def test_matches_literal_C1_C2_C3_dense_density_matrix(hartree):
    p = small(hartree=hartree, dt=0.005, sample_every=100)
    r = b.run(p)
    ref = dense_reference(p, r.disorder, r.times)
    # order-4 splitting error at dt = 0.005 is ~1e-8 (it is 16x smaller than at dt = 0.01)
    assert np.max(np.abs(r.delta - ref)) < 3e-8
    assert np.max(np.abs(ref)) > 0.3                       # a non-trivial gap


def test_odd_ring_matches_dense_reference():
    p = small(n_sites=7, seed=5, dt=0.005, sample_every=100)
    r = b.run(p)
    assert np.max(np.abs(r.delta - dense_reference(p, r.disorder, r.times))) < 3e-8


def test_time_dependent_coupling_keeps_fourth_order():
    lam = lambda t: 3.0 + 0.5 * np.sin(2.0 * t)              # noqa: E731  λ(t) drive
    errs = []
    for dt in (0.02, 0.01):
        p = small(dt=dt, t_max=2.0, sample_every=round(0.5 / dt))
        r = b.run(p, coupling=lam)
        errs.append(np.max(np.abs(r.delta - dense_reference(p, r.disorder, r.times, lam))))
    assert np.log2(errs[0] / errs[1]) == pytest.approx(4, abs=0.3)
    assert errs[1] < 1e-7
    const = b.run(small(t_max=1.0), coupling=lambda t: 3.0)
    assert const.delta.tobytes() == b.run(small(t_max=1.0)).delta.tobytes()


@pytest.mark.parametrize("temperature", [0.0, 0.1])
def test_clean_ring_equals_momentum_space_pseudospins(temperature):
    n, lam_i, lam_f = 32, 2.0, 3.0
    p = b.BdG1DParams(n_sites=n, lambda_i=lam_i, lambda_f=lam_f, temperature=temperature,
                      dt=0.005, t_max=10.0, order=4, sample_every=100)
    r = b.run(p)
    # independent route: per-k ρ_k (2x2), ξ_k = 2J cos k, Δ(t) = −λ_f N⁻¹ Σ_k ρ_k,12
    k = 2 * np.pi * np.arange(n) / n
    xi = 2 * np.cos(k)
    th = (lambda e: np.ones_like(e)) if temperature == 0 else (lambda e: np.tanh(e / (2 * temperature)))
    d0 = brentq(lambda d: lam_i * np.mean(th(np.hypot(xi, d)) / (2 * np.hypot(xi, d))) - 1,
                1e-6, 5.0, xtol=1e-15)
    e = np.hypot(xi, d0)
    rho = np.zeros((n, 2, 2), complex)
    rho[:, 0, 0] = 0.5 * (1 - th(e) * xi / e)
    rho[:, 1, 1] = 0.5 * (1 + th(e) * xi / e)
    rho[:, 0, 1] = rho[:, 1, 0] = -0.5 * th(e) * d0 / e

    def rhs(t, y):
        m = y.reshape(n, 2, 2)
        dl = -lam_f * m[:, 0, 1].mean()
        h = np.zeros((n, 2, 2), complex)
        h[:, 0, 0], h[:, 1, 1], h[:, 0, 1], h[:, 1, 0] = xi, -xi, dl, np.conj(dl)
        return (-1j * (h @ m - m @ h)).ravel()

    sol = solve_ivp(rhs, (0, r.times[-1]), rho.ravel(), t_eval=r.times, method="DOP853",
                    rtol=1e-12, atol=1e-13)
    dk = -lam_f * sol.y.T.reshape(-1, n, 2, 2)[:, :, 0, 1].mean(axis=1)
    assert r.delta_initial == pytest.approx(np.full(n, d0), abs=1e-12)
    assert np.max(np.abs(r.delta - r.delta[:, :1])) < 1e-12           # stays uniform
    assert np.max(np.abs(r.delta[:, 0] - dk)) < 1e-8
    assert np.ptp(np.abs(dk)) > 0.1                                   # the quench does something


def test_born_rate_equals_decay_of_the_averaged_plane_wave_amplitude():
    """⟨⟨k|e^{−iHt}|k⟩⟩_disorder ∝ e^{−iεt − γ_el t/2} at the band centre (Im Σ^R = −γ_el/2)."""
    gamma, n, J = 0.1, 1000, 1.0
    w = b.width_for_rate(gamma, J)
    assert b.born_rate(w, J) == pytest.approx(gamma, rel=1e-14)
    t = np.linspace(2.0, 30.0, 15)
    amp = np.zeros_like(t, dtype=complex)
    rng = np.random.default_rng(11)
    for _ in range(16):
        u = b.box_disorder(n, w, rng=rng)
        e, v = eigh_tridiagonal(u, np.full(n - 1, J))                  # open chain, n ≫ 2J·t
        for k in (np.pi / 2, -np.pi / 2):                               # ξ_k = 0
            c = np.abs(v.T @ (np.exp(1j * k * np.arange(n)) / np.sqrt(n))) ** 2
            amp += np.exp(-1j * np.outer(t, e)) @ c
    rate = -2 * np.polyfit(t, np.log(np.abs(amp)), 1)[0]
    assert rate == pytest.approx(gamma, rel=0.1)                        # sample noise ≈ 5 %


# ------------------------------------------------------------------ invariants
def test_energy_and_particle_number_conserved_over_100_over_J():
    p = b.BdG1DParams(n_sites=12, lambda_i=2.0, lambda_f=3.0, disorder_width=1.2, seed=1,
                      dt=0.008, t_max=100.0, order=4, sample_every=250, hartree=-1)
    r = b.run(p)
    assert np.max(np.abs(r.energy / r.energy[0] - 1)) < 1e-8
    assert np.max(np.abs(r.particle_number / r.particle_number[0] - 1)) < 1e-12
    assert np.ptp(r.mean_abs) > 0.05                                  # dynamics, not a fixed point


@pytest.mark.parametrize("order", [2, 4])
def test_error_scales_with_stated_order(order):
    base = small(sample_every=1, t_max=2.0)
    ref = dense_reference(base, b.run(base, dt=0.02, sample_every=100).disorder,
                          np.array([0.0, 2.0]))[-1]
    errs = [np.max(np.abs(b.run(base, order=order, dt=dt, sample_every=round(2 / dt)).delta[-1] - ref))
            for dt in (0.04, 0.02)]
    assert np.log2(errs[0] / errs[1]) == pytest.approx(order, abs=0.25)


def test_equilibrium_is_stationary():
    p = b.BdG1DParams(n_sites=12, lambda_i=2.0, lambda_f=2.0, disorder_width=2.0, seed=2,
                      dt=0.01, t_max=50.0, order=6, sample_every=500, temperature=0.1)
    r = b.run(p)
    assert np.max(np.abs(r.delta - r.delta_initial)) < 1e-10
    assert np.std(r.delta_initial) > 0.02                             # a disordered profile


def test_uniform_phase_rotation_commutes_with_dynamics():
    p = small(order=2, dt=0.02, t_max=4.0, sample_every=20)
    st = b.BdG1DStepper(p)
    st.start()
    x = st.state["orbitals"]
    phi = 0.7                                   # ψ → exp(iφτ3/2)ψ  ⇒  Δ → e^{iφ}Δ
    z = (x[:, 0::2] + 1j * x[:, 1::2]) * np.exp(0.5j * phi * np.array([1, -1]))[None, :, None]
    xr = np.empty_like(x)
    xr[:, 0::2], xr[:, 1::2] = z.real, z.imag
    r0, r1 = b.run(p), b.run(p, initial_state={"orbitals": xr})
    assert np.max(np.abs(r1.delta - np.exp(1j * phi) * r0.delta)) < 1e-12
    assert r1.energy == pytest.approx(r0.energy, rel=1e-12)


def test_hartree_option_screens_or_antiscreens_the_disorder():
    u = b.box_disorder(24, 1.5, rng=4)
    var = {}
    for s in (-1, 0, 1):
        eq = b.equilibrium(u, lam=2.0, hartree=s)
        x = eq.orbitals
        d, _ = local_fields(x)
        var[s] = np.var(d)
        assert eq.residual < 1e-12
    assert var[1] < var[0] < var[-1]            # + (printed) screens, − (attractive) anti-screens
    clean = [b.equilibrium(np.zeros(16), lam=2.0, hartree=s).delta for s in (-1, 0, 1)]
    assert np.max(np.abs(np.array(clean) - clean[1])) < 1e-12        # half filling: no effect


# ------------------------------------------------------------------ reproducibility
def test_checkpoint_resume_is_bit_identical(tmp_path):
    p = small(t_max=2.0, sample_every=7)
    ref = b.run(p)

    class Killed(Exception):
        pass

    def kill(st):
        if st.n_step == 95:
            raise Killed

    ck = tmp_path / "run.npz"
    with pytest.raises(Killed):
        b.run(p, checkpoint=ck, checkpoint_every=30, callback=kill)
    res = b.run(p, checkpoint=ck, checkpoint_every=30)
    assert res.meta["resumed_from_step"] == 90
    for name in ("times", "delta", "energy", "particle_number", "step_times", "bond_slips",
                 "min_abs", "max_phase_step"):
        assert getattr(res, name).tobytes() == getattr(ref, name).tobytes(), name
    again = b.run(p, checkpoint=ck)                                    # finished: no steps
    assert again.meta["resumed_from_step"] == p.n_steps
    assert again.delta.tobytes() == ref.delta.tobytes()
    with pytest.raises(ValueError, match="checkpoint"):
        b.run(p, seed=4, checkpoint=ck)                                # other disorder: refused


def test_same_seed_same_result_different_seed_differs():
    p = small(t_max=1.0)
    r1, r2, r3 = b.run(p), b.run(p), b.run(p, seed=4)
    assert r1.delta.tobytes() == r2.delta.tobytes()
    assert not np.allclose(r1.disorder, r3.disorder)
    assert np.max(np.abs(r1.delta - r3.delta)) > 1e-3


# ------------------------------------------------------------------ diagnostics
def _track(profiles):
    tr = b.SlipTracker(0.1)
    for t, prof in enumerate(profiles):
        tr.update(float(t), prof)
    return tr.arrays()


def test_slip_tracker_single_slip_changes_winding():
    n, i = 16, np.arange(16)
    s = np.linspace(0, 2 * np.pi, 41)           # unwind W = 1 → 0: one bond must cross ±π
    rows = _track([np.exp(1j * 2 * np.pi * i / n * (1 - x / (2 * np.pi))) for x in s])
    assert rows[0, 1] == 1 and rows[-1, 1] == 0
    assert rows[:, 2].sum() == 1 and rows[:, 3].sum() == -1 == rows[-1, 1] - rows[0, 1]
    tr = b.SlipTracker(0.1)
    for t, x in enumerate(s):
        tr.update(float(t), np.exp(1j * 2 * np.pi * i / n * (1 - x / (2 * np.pi))))
    assert [e[1:] for e in tr.events] == [(15, -1)]                  # on the closing bond


def test_slip_tracker_resolves_slip_antislip_pair():
    n, i = 16, np.arange(16)
    s = np.linspace(0, 2 * np.pi, 41)           # twist half the ring by 2π: bonds 7 and 15 cross
    rows = _track([np.exp(1j * (2 * np.pi * i / n - x * (i >= 8))) for x in s])
    assert rows[:, 2].sum() == 2 and rows[:, 3].sum() == 0
    assert rows[0, 1] == rows[-1, 1] == 1        # net winding unchanged: the pair is invisible in W
    tr = b.SlipTracker(0.1)
    for t, x in enumerate(s):
        tr.update(float(t), np.exp(1j * (2 * np.pi * i / n - x * (i >= 8))))
    assert sorted(e[1:] for e in tr.events) == [(7, 1), (15, -1)]
    dip = np.ones(n, complex)
    dip[5] = 0.05
    rows = _track([np.ones(n, complex), dip, dip, np.ones(n, complex), dip])
    assert rows[:, 4].tolist() == [0, 1, 0, 0, 1] and rows[:, 5].tolist() == [0, 1, 1, 0, 1]


def test_winding_number():
    n = 20
    for w in (-2, 0, 1, 3):
        assert b.winding_number(0.3 * np.exp(2j * np.pi * w * np.arange(n) / n)) == w


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("kw, name", [
    (dict(n_sites=2), "n_sites"), (dict(dt=0.0), "dt"), (dict(dt=-0.1), "dt"),
    (dict(lambda_f=-1.0), "lambda_f"), (dict(lambda_i=-0.5), "lambda_i"),
    (dict(disorder_width=float("nan")), "disorder_width"), (dict(order=3), "order"),
    (dict(hartree=2), "hartree"), (dict(temperature=-1.0), "temperature"),
])
def test_bad_parameters_raise(kw, name):
    with pytest.raises(ValueError, match=name):
        b.BdG1DParams(**kw)


def test_bad_disorder_and_coupling_raise():
    p = small()
    u = np.zeros(8)
    u[3] = np.inf
    with pytest.raises(ValueError, match="disorder"):
        b.BdG1DStepper(p, disorder=u)
    with pytest.raises(ValueError, match="disorder"):
        b.BdG1DStepper(p, disorder=np.zeros(5))
    with pytest.raises(ValueError, match="coupling"):
        b.run(p, coupling=lambda t: -1.0)
    with pytest.raises(ValueError, match="gamma_el"):
        b.width_for_rate(-0.1)


# ------------------------------------------------------------------ physics (slow)
@pytest.fixture(scope="module")
def fig3a_runs():
    """Fig. 3a parameters: λ 1.2J → 2J, N = 512, γ_el = 0.1J; three seeds to 200/J, one to 400/J."""
    w = b.width_for_rate(0.1)
    runs = [b.run(n_sites=512, disorder_width=w, seed=s, t_max=200.0, dt=0.05) for s in (0, 1, 2)]
    runs.append(b.run(n_sites=512, disorder_width=w, seed=4, t_max=400.0, dt=0.05, sample_every=40))
    return runs


@pytest.fixture(scope="module")
def fig3a_hartree_run():
    """Same quench with the Hartree part of (C1) at the attractive-Hubbard sign."""
    return b.run(n_sites=512, disorder_width=b.width_for_rate(0.1), seed=0, t_max=200.0,
                 dt=0.05, hartree=-1)


@pytest.mark.slow
def test_fig3a_quench_phase_slips_form_through_amplitude_zeros(fig3a_runs):
    for r in fig3a_runs:
        assert r.gamma_el == pytest.approx(0.1, rel=0.15)          # this sample's ⟨u²⟩
        assert r.bond_slips.sum() >= 1                              # defects form in every seed
        for k in np.flatnonzero(r.bond_slips):                      # ... through |Δ_i| ≈ 0
            near = np.abs(r.step_times - r.step_times[k]) <= 1.0
            assert r.min_abs[near].min() < r.params.slip_threshold
        assert r.net_slips.sum() == r.step_winding[-1] - r.step_winding[0]
        assert r.max_phase_step.max() < np.pi                       # every step resolves the phase
        s = r.summary()
        assert s["energy_drift_rel"] < 1e-4 and s["number_drift_rel"] < 1e-12
        assert r.mean_abs[-1] > 3 * np.abs(r.delta_initial).mean()  # the gap grows after λ↑


@pytest.mark.slow
def test_fig3a_slips_come_in_a_burst_not_an_avalanche(fig3a_runs):
    """What we see (reported, not the paper's claim): a burst of slips within ~60/J of the
    quench, then none up to 200/J (400/J for the long run) — no proliferation."""
    for r in fig3a_runs:
        t = r.slip_events[:, 0]
        assert t.min() > 10.0                                       # after the first gap rise
        assert np.all(t < 100.0)


@pytest.mark.slow
def test_fig3a_with_attractive_hartree_slips_proliferate(fig3a_hartree_run, fig3a_runs):
    """With δu_i = −λ(n_i − ½) the slips do not stop: a steady rate to 200/J, many winding
    changes, far more slips than without the Hartree term (same disorder, seed 0)."""
    r = fig3a_hartree_run
    t = r.slip_events[:, 0]
    early, late = (t <= 100).sum(), (t > 100).sum()
    assert late >= 0.5 * early > 0
    assert np.abs(np.diff(r.step_winding)).sum() >= 10
    assert len(t) > 20 * fig3a_runs[0].bond_slips.sum()
    assert len(r.slips_outside_depleted()) > 0.5 * len(t)    # not only inside weak links
    assert r.summary()["energy_drift_rel"] < 1e-4


def test_stepper_interface_matches_run():
    p = small(t_max=1.0, sample_every=50)          # run() flushes at 0.5 and 1.0, like advance_to()
    r = b.run(p)
    st = b.BdG1DStepper(p)
    st.start()
    for t in (0.5, 1.0):
        st.advance_to(t)
    assert st.t == pytest.approx(1.0)
    assert st.delta().tobytes() == r.delta[-1].tobytes()
    assert st.energy() == r.energy[-1]
    with pytest.raises(ValueError, match="t="):
        st.advance_to(1.005)                            # not on the dt grid
    with pytest.raises(ValueError, match="t="):
        st.advance_to(0.5)                              # backwards


def test_plots_show_the_trajectory():
    import matplotlib.pyplot as plt

    from numerics.bdg1d_plots import plot_slips, plot_spacetime
    r = b.run(small(t_max=1.0, sample_every=10))
    fig, (a1, a2) = plt.subplots(1, 2)
    assert plot_spacetime(r, ax=a1) is a1
    img = a1.get_images()[0].get_array()
    assert np.allclose(img, np.abs(r.delta).T)                         # rows = sites, cols = t
    assert plot_slips(r, ax=a2) is a2
    line = a2.get_lines()[0]
    assert np.array_equal(line.get_ydata(), r.cumulative_slips)
    plt.close(fig)
