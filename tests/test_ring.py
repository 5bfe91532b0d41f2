"""The 1D model object, the seed-batched (flux-threaded) ring stepper and the ring's own n_s(t).

Independent routes: the literal (C1)–(C3) on the dense 2N×2N density matrix with the Peierls
phase (DOP853), the single-seed stepper of numerics.bdg1d, the BCS lattice formula for n_s,
finite differences of the mean-field energy in the flux, and the closed form n_s(t) = −K(t)/N
of the clean ring after a quench (the flux adds a commuting τ0 term to every h_k).
"""
import warnings

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from numerics import bdg1d as b
from numerics.bdg1d_batch import (BatchStepper, InhomogeneousStartWarning, start_diagnostics,
                                  twisted_equilibrium, twisted_hamiltonian)
from numerics.bdg1d_static import density_matrix
from numerics.ring_model import PAPER_POINT, RingModel
from numerics.ring_stiffness import clean_stiffness, equilibrium_stiffness, run_stiffness


def small(**kw):
    base = dict(n_sites=8, lambda_i=2.0, lambda_f=3.0, disorder_width=1.5, seed=3, dt=0.01,
                t_max=2.0, order=4, sample_every=50, temperature=0.05)
    base.update(kw)
    return b.BdG1DParams(**base)


# ------------------------------------------------------------------ model object
def test_model_bands_rates_and_hartree_signs():
    m = RingModel()
    assert m.hopping == 0.5 and RingModel(band="appendix_c").hopping == 1.0
    assert b.born_rate(m.disorder_width, m.hopping) == pytest.approx(m.gamma_el, rel=1e-14)
    assert {h: RingModel(hartree=h).hartree_sign for h in ("off", "attractive", "printed")} \
        == {"off": 0, "attractive": -1, "printed": 1}
    p = PAPER_POINT.bdg1d_params(seed=4, dt=0.05)
    assert (p.n_sites, p.lambda_i, p.lambda_f, p.seed, p.hartree) == (512, 1.2, 2.0, 4, 0)
    # the uniform calculation sees ξ = −J cos k (KB hopping = 2·ring hopping) and the same γ_el
    k = m.kb_params(n_xi=16, t_max=1.0, t_prep=1.0, t_ramp=0.5)
    assert (k.band, k.hopping, k.gamma_el, k.lam_f) == ("tb1d", 1.0, 0.1, 2.0)
    # both bands give the same clean-ring gap at a coupling scaled with the hopping
    assert RingModel(lambda_i=1.2).initial_gap() == pytest.approx(
        0.5 * RingModel(band="appendix_c", lambda_i=2.4).initial_gap(), rel=1e-12)


@pytest.mark.parametrize("kw, name", [(dict(band="2cos"), "band"), (dict(hartree="+"), "hartree"),
                                      (dict(n_sites=13), "n_sites"), (dict(gamma_el=-1), "gamma_el"),
                                      (dict(lambda_f=float("nan")), "lambda_f")])
def test_model_bad_input(kw, name):
    with pytest.raises(ValueError, match=name):
        RingModel(**kw)
    with pytest.raises(ValueError, match="hartree"):
        RingModel(hartree="attractive").kb_params()


def test_attractive_hartree_is_the_mean_field_of_the_on_site_attraction():
    """δu_i = −λ(n_i − ½) from −λ n↑n↓: the mean-field energy E(ρ) of the stepper is the
    expectation of H_kin + H_dis − λΣn↑n↓ (Wick, with ⟨ψ↓ψ↑⟩ and n_σ), up to a constant."""
    p = small(hartree=-1, lambda_f=2.0, temperature=0.0)
    st = b.BdG1DStepper(p)
    st.start()
    rho = density_matrix(st.state["orbitals"])
    n = p.n_sites
    i = np.arange(n)
    blk = rho.reshape(n, 2, n, 2)[i, :, i, :]
    n_up, n_dn, f = blk[:, 0, 0].real, 1 - blk[:, 1, 1].real, blk[:, 0, 1]
    wick = -p.lambda_f * np.sum(n_up * n_dn + np.abs(f) ** 2)       # ⟨−λ n↑n↓⟩, Wick
    h0 = b.bdg_hamiltonian(np.zeros(n), st.disorder, p.hopping)
    e_one = np.trace(h0 @ rho).real                                   # kinetic + disorder
    const = -p.lambda_f * np.sum(n_up + n_dn) / 2 + p.lambda_f * n / 4  # N_e-dependent constant
    assert st.energy() == pytest.approx(e_one + wick - const, abs=1e-10)


# ------------------------------------------------------------------ batched stepper
@pytest.mark.parametrize("order", [2, 4])
def test_batch_equals_single_seed_stepper(order):
    p = small(order=order, n_sites=16, t_max=1.0)
    bs = BatchStepper(p, seeds=[3, 5, 7])
    bs.start()
    bs.advance_to(0.5)
    bs.advance_to(1.0)
    for k, s in enumerate((3, 5, 7)):
        st = b.BdG1DStepper(b.BdG1DParams(**{**p.as_dict(), "seed": s}))
        st.start()
        st.advance_to(0.5)
        st.advance_to(1.0)
        assert np.max(np.abs(st.delta() - bs.delta()[k])) < 1e-10
        assert st.energy() == pytest.approx(bs.energy()[k], abs=1e-10)


def test_batch_per_member_coupling_equals_separate_runs():
    p = small(n_sites=12, t_max=0.5)
    bs = BatchStepper(p, seeds=[1, 1], lambda_f=[2.5, 3.5])
    bs.start()
    bs.advance_to(0.5)
    for k, lf in enumerate((2.5, 3.5)):
        r = b.run(p, seed=1, lambda_f=lf, sample_every=50)
        assert np.max(np.abs(r.delta[-1] - bs.delta()[k])) < 1e-10


def dense_twisted(p, u, flux, times, X0):
    """ρ̇ = −i[H(ρ), ρ] with the flux on the closing bond, from the orbitals X0 (C3)."""
    n = p.n_sites
    rho0 = density_matrix(X0)
    t3, idx = np.diag([1.0, -1.0]), np.arange(n)

    def sigma(rho):
        return (p.lambda_f / 2) * t3 @ (2 * rho.reshape(n, 2, n, 2)[idx, :, idx, :] - np.eye(2)) @ t3

    def rhs(t, y):
        rho = y.reshape(2 * n, 2 * n)
        s = sigma(rho)
        h = twisted_hamiltonian(s[:, 0, 1], u + p.hartree * s[:, 0, 0].real, p.hopping, flux)
        return (-1j * (h @ rho - rho @ h)).ravel()

    sol = solve_ivp(rhs, (0, times[-1]), rho0.ravel(), t_eval=times, method="DOP853",
                    rtol=1e-12, atol=1e-13)
    return np.array([sigma(y.reshape(2 * n, 2 * n))[:, 0, 1] for y in sol.y.T])


@pytest.mark.parametrize("hartree", [0, -1])
def test_flux_threaded_ring_matches_dense_C1_C3(hartree):
    p = small(hartree=hartree, dt=0.005)
    bs = BatchStepper(p, seeds=[3], fluxes=[0.4], twist_rtol=1e-12)
    bs.start()
    x0 = bs.X[0].copy()
    assert bs.start_info[0]["residual"] < 1e-12
    times = np.array([0.0, 1.0, 2.0])
    got = []
    for t in times:
        bs.advance_to(t)
        got.append(bs.delta()[0])
    ref = dense_twisted(p, bs.disorder[0], 0.4, times, x0)
    assert np.max(np.abs(np.array(got) - ref)) < 3e-8
    assert np.max(np.abs(ref[-1] - ref[0])) > 0.1
    # the twisted start is the self-consistent (C3) state of the twisted H_BdG: Δ = −λ_i F
    dl = bs.start_info[0]["delta"]
    assert np.max(np.abs(-p.lambda_i * density_matrix(x0).reshape(8, 2, 8, 2)[
        np.arange(8), 0, np.arange(8), 1] - dl)) < 1e-12


def test_batch_bad_input():
    with pytest.raises(ValueError, match="n_sites"):
        BatchStepper(small(n_sites=7), seeds=[0])
    with pytest.raises(ValueError, match="fluxes"):
        BatchStepper(small(), seeds=[0], fluxes=[2.0])
    with pytest.raises(ValueError, match="lambda_f"):
        BatchStepper(small(), seeds=[0, 1], lambda_f=[1.0])
    with pytest.raises(ValueError, match="seeds"):
        BatchStepper(small(), seeds=[])


# ------------------------------------------------------------------ n_s of the ring
@pytest.mark.parametrize("temperature", [0.0, 0.1])
def test_twist_stiffness_equals_bcs_formula_on_the_clean_ring(temperature):
    p = small(n_sites=32, disorder_width=0.0, temperature=temperature)
    ns = equilibrium_stiffness(p, flux=0.02)[0]
    assert ns == pytest.approx(clean_stiffness(32, 1.0, 2.0, temperature), rel=1e-5)
    # normal state (λ = 0): diamagnetic and paramagnetic terms cancel
    assert clean_stiffness(256, 1.0, 0.0, 0.3) == pytest.approx(0.0, abs=1e-12)


def test_twist_stiffness_equals_energy_curvature_with_disorder():
    """n_s = N ∂²E/∂Φ² of the self-consistent twisted ground state (T = 0, λ_f = λ_i)."""
    p = small(n_sites=32, lambda_f=2.0, temperature=0.0)
    d = 0.05
    st = BatchStepper(p, seeds=[1] * 5, fluxes=[-2 * d, -d, 0, d, 2 * d], twist_rtol=1e-10)
    st.start()
    e = st.energy()
    fd = 32 * (-e[4] + 16 * e[3] - 30 * e[2] + 16 * e[1] - e[0]) / (12 * d * d)
    ns = equilibrium_stiffness(p, seeds=(1,), flux=0.01)[0]
    assert ns == pytest.approx(fd, rel=1e-4)
    assert ns < 0.95 * clean_stiffness(32, 1.0, 2.0)             # disorder lowers n_s
    j = st.bond_currents()[3]
    assert np.ptp(j) < 1e-6 * abs(j.mean())                       # equilibrium: uniform current


def test_ring_stiffness_after_quench_equals_minus_kinetic_energy_on_the_clean_ring():
    p = small(n_sites=32, disorder_width=0.0, temperature=0.0, dt=0.02, t_max=4.0,
              sample_every=20, order=2)
    r = run_stiffness(p, seeds=(0,), flux=0.02)
    assert np.max(np.abs(r.ns[0] + r.kinetic[0])) < 1e-5
    assert np.ptp(r.ns[0]) > 0.1                                  # n_s moves after the quench
    assert r.nonlinearity.max() < 1e-6


def test_ring_stiffness_is_stationary_in_equilibrium_and_resumes(tmp_path):
    p = small(n_sites=16, lambda_f=2.0, dt=0.01, t_max=1.0, sample_every=20, order=6)
    ref = run_stiffness(p, seeds=(1, 2), flux=0.02, twist_rtol=1e-10)
    assert np.max(np.abs(ref.ns - ref.ns[:, :1])) < 1e-6 * np.abs(ref.ns[:, 0]).max()
    assert ref.ns[:, 0] == pytest.approx(equilibrium_stiffness(p, seeds=(1, 2)), rel=1e-6)
    ck = tmp_path / "ns.npz"
    half = b.BdG1DParams(**{**p.as_dict(), "t_max": 0.5})
    kw = dict(seeds=(1, 2), flux=0.02, twist_rtol=1e-10)
    run_stiffness(half, checkpoint=ck, checkpoint_every=10, **kw)
    # a checkpoint of another t_max is refused; the same run resumes to the same numbers
    with pytest.raises(ValueError, match="checkpoint"):
        run_stiffness(p, checkpoint=ck, **kw)
    ck2 = tmp_path / "ns2.npz"
    run_stiffness(p, checkpoint=ck2, checkpoint_every=20, **kw)
    again = run_stiffness(p, checkpoint=ck2, **kw)
    assert again.ns.tobytes() == ref.ns.tobytes()


# ------------------------------------------------------------------ homogeneous start
def test_hartree_homogeneous_start_stays_homogeneous_without_quench():
    """Clean ring, attractive Hartree term on, λ_f = λ_i, a 1e-10 random phase seeded: Δ_i and
    n_i stay uniform to 1e-8 over 50/J (no CDW or phase instability of the Hartree-on start)."""
    p = b.BdG1DParams(n_sites=64, lambda_i=2.0, lambda_f=2.0, hartree=-1, dt=0.05, t_max=50.0,
                      sample_every=100)
    bs = BatchStepper(p, seeds=[0], phase_noise=1e-10)
    bs.start()
    assert bs.start_info[0]["std_rel"] < 1e-12 and not bs.start_info[0]["broken"]
    for t in np.arange(10.0, 51.0, 10.0):
        bs.advance_to(t)
        dl = bs.delta()[0]
        assert np.max(np.abs(dl - dl.mean())) < 1e-8
        assert np.max(np.abs(bs.fields()[0][0])) < 1e-8            # n_i = ½


def test_broken_start_is_flagged_and_refused_when_strict():
    assert start_diagnostics(np.ones(8), 0.1)["broken"] is False
    dip = np.ones(8, complex)
    dip[2] = 0.01
    assert start_diagnostics(dip, 0.1)["broken"] is True
    p = small(n_sites=16, lambda_i=1.0, disorder_width=6.0, hartree=-1)
    with pytest.warns(InhomogeneousStartWarning, match="broken up"):
        BatchStepper(p, seeds=[0]).start()
    with pytest.raises(ValueError, match="homogeneous"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            BatchStepper(p, seeds=[0], strict_start=True).start()


# ------------------------------------------------------------------ finite-q instability
def test_q_shifted_pairing_channel_predicts_the_clean_ring_instability():
    """Clean ring, main-text band, quench 1.2J → 4J: the linearised k-space sectors (q-shifted
    pairing channel) and the full ring seeded with the same 1e-10 phase modulation give the
    same homogeneous Δ(t), the same |δΔ_q(t)| and the same fastest mode (q* = π here)."""
    from numerics.ring_finite_q import kspace_growth, ring_growth
    n, th = 32, 1e-10
    theta = th * np.random.default_rng(0).standard_normal(n)
    g = kspace_growth(n_sites=n, hopping=0.5, lambda_i=1.2, lambda_f=4.0,
                      q_index=np.arange(1, 17), t_max=15.0, dt=0.01, sample_every=50,
                      theta_sites=theta)
    p = b.BdG1DParams(n_sites=n, hopping=0.5, lambda_i=1.2, lambda_f=4.0, dt=0.01, t_max=15.0,
                      order=4)
    r = ring_growth(p, sample_every=50, theta=th, seed=0)
    assert np.max(np.abs(g.delta - r.delta)) < 1e-6
    assert np.max(np.abs(g.amp - r.amp) / g.amp.max(axis=1, keepdims=True)) < 1e-2
    (qk, gk), (qr, gr) = g.fastest(5.0, 15.0), r.fastest(5.0, 15.0)
    assert qk == qr == pytest.approx(np.pi)
    assert gr == pytest.approx(gk, rel=0.01) and gk > 0.3            # a real instability
    assert g.amp[-1].max() > 100 * g.amp[0].max()


def test_growth_rate_fit_and_bad_input():
    from numerics.ring_finite_q import fit_rates, kspace_growth
    t = np.linspace(0, 10, 21)
    amp = np.exp(np.outer(t, [0.3, -0.1]))
    assert fit_rates(t, amp, 2.0, 8.0) == pytest.approx([0.3, -0.1], abs=1e-12)
    with pytest.raises(ValueError, match="window"):
        fit_rates(t, amp, 2.0, 2.5)
    with pytest.raises(ValueError, match="q_index"):
        kspace_growth(n_sites=16, hopping=1.0, lambda_i=1.0, lambda_f=2.0, q_index=[9], t_max=1.0)


def test_uniform_calculation_of_fig3b_is_the_same_model():
    """The Fig. 3b uniform run (floquetsym.app.panels.kb) is RingModel()'s uniform calculation."""
    from dataclasses import replace

    from floquetsym.app.panels.kb import fig3b_runs  # noqa: F401  (panel stays importable)
    from floquetsym.app.panels.kb import _base
    fig3b = _base(True, band="tb1d", lam_i=1.2, lam_f=2.0, gamma_el=0.1, temperature=0.005,
                  vertex_cutoff=1.0)
    mine = PAPER_POINT.kb_params(**{k: getattr(fig3b, k) for k in
                                    ("n_xi", "dt", "t_max", "t_prep", "t_ramp", "vertex_cutoff")})
    assert replace(mine, temperature=fig3b.temperature) == fig3b


def test_ring_panel_is_registered():
    from floquetsym.app.panels import PANEL_MODULES, ring
    assert "ring" in PANEL_MODULES and ring.PANELS[0].name == "ring"
    ok, _ = ring.proliferation([0.0, 0.0, 0.0], [0.01, 0.012, 0.011])
    assert ok
    ok, _ = ring.proliferation([0.01, 0.012, 0.011], [0.0, 0.0, 0.0])
    assert not ok


def test_map_point_counts_the_slips_of_separate_single_seed_runs():
    """The map's batched work unit (4 λ_f from one start) = four runs of numerics.bdg1d."""
    from numerics.ring_runs import LAMBDA_F, map_point
    kw = dict(hopping=0.5, gamma_el=0.3, hartree=-1.0, seed=2.0, n_sites=16, t_max=6.0, dt=0.05)
    row = map_point(**kw, phase_noise=0.0)
    model = RingModel(gamma_el=0.3, n_sites=16, hartree="attractive")
    total = 0
    for k, lf in enumerate(LAMBDA_F):
        r = b.run(model.bdg1d_params(seed=2, dt=0.05, t_max=6.0, lambda_f=lf))
        assert row[f"slips_{k}"] == r.bond_slips.sum()
        assert row[f"first_{k}"] == pytest.approx(r.first_slip_time() or -1.0)
        total += r.bond_slips.sum()
    assert total > 0                                          # the check is not vacuous


def test_map_summary_groups_seeds_and_applies_the_declared_criterion():
    """map_summary: per (γ_el, Hartree, λ_f) the seed statistics of the rows, a missing sample
    left out; the proliferation verdict is the declared two-s.e. criterion."""
    from numerics.ring_runs import LAMBDA_F, map_points, map_summary
    pts = map_points(seeds=range(3), gammas=(0.1,), hartrees=("off", "attractive"))
    rng = np.random.default_rng(7)
    rows = []
    for i, _ in enumerate(pts):
        r = {"start_min_rel": 0.5 - 0.01 * i, "start_std_rel": 0.1}
        for k in range(len(LAMBDA_F)):
            grow = k == 3                              # only λ_f = 4J grows in the second half
            r.update({f"rate1_{k}": 1e-3 * rng.random(), f"rate2_{k}": (0.05 if grow else 0.0)
                      + 1e-4 * rng.random(), f"slips_{k}": float(k), f"first_{k}": 5.0 if k else -1.0,
                      f"wind_{k}": 0.0, f"drift_{k}": 1e-5 * (k + 1)})
        rows.append(r)
    rows[4] = None                                    # attractive, seed 1 not run yet
    s = map_summary(pts, rows)
    assert len(s) == 2 * len(LAMBDA_F)
    att = [x for x in s if x["hartree"] == "attractive"]
    assert all(x["seeds"] == 2 for x in att) and all(x["seeds"] == 3 for x in s if x["hartree"] == "off")
    off4 = next(x for x in s if x["hartree"] == "off" and x["lambda_f"] == 4.0)
    r1 = np.array([rows[i]["rate1_3"] for i in range(3)])
    assert off4["rate1"] == pytest.approx(r1.mean(), rel=1e-14)
    assert off4["rate1_sem"] == pytest.approx(r1.std(ddof=1) / np.sqrt(3), rel=1e-12)
    assert off4["proliferates"] and not any(x["proliferates"] for x in s if x["lambda_f"] != 4.0)
    assert off4["start_min_rel"] == pytest.approx(0.48) and off4["max_drift"] == pytest.approx(4e-5)
    assert np.isnan(next(x for x in s if x["lambda_f"] == 1.6)["first"])
