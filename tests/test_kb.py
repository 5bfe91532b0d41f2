"""Tests of the Kadanoff–Baym / GKBA quench (numerics.kadanoff_baym, paper Eqs. 4–8)."""
import contextlib
import math
import warnings

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from floquetsym.result import ConvergenceWarning
from numerics.kadanoff_baym import KBParams, run
from numerics.kb_model import (bath_kernel, bcs_gap, debye_a2f, make_band, switching_ramp,
                              thermal_state)

SMALL = dict(n_xi=60, t_prep=4.0, t_ramp=0.0, dt=0.05, temperature=0.005)


def _pseudospin_reference(p: KBParams, times):
    """Independent mean-field quench: adaptive RK on the Anderson pseudospins s_ξ.

    ρ = (n + s·τ)/2 with s = (2 Re ρ12, −2 Im ρ12, ρ11 − ρ22); h = ξτ3 + ReΔ τ1 − ImΔ τ2
    ⇒ ds/dt = B × s, B = 2(Re Δ, −Im Δ, ξ).
    """
    b = make_band(p)
    d0 = bcs_gap(p.lam_i, b, p.temperature)
    rho, _ = thermal_state(b.xi, d0, p.temperature)
    s0 = np.concatenate([2 * rho[:, 0, 1].real, -2 * rho[:, 0, 1].imag,
                         (rho[:, 0, 0] - rho[:, 1, 1]).real])
    n = b.n

    def gap(s, t):
        lam = p.lam_i if t < 0 else p.lam_f
        rho12 = 0.5 * (s[:n] - 1j * s[n:2 * n])
        return -lam * b.pair_norm * np.sum(b.w * rho12)

    def rhs(t, s):
        d = gap(s, t)
        bx, by, bz = 2 * d.real, -2 * d.imag, 2 * b.xi
        sx, sy, sz = s[:n], s[n:2 * n], s[2 * n:]
        return np.concatenate([by * sz - bz * sy, bz * sx - bx * sz, bx * sy - by * sx])

    t_after = times[times >= 0]
    sol = solve_ivp(rhs, (0.0, t_after[-1]), s0, t_eval=t_after, rtol=1e-10, atol=1e-12,
                    method="DOP853")
    return np.array([gap(sol.y[:, i], 1.0) for i in range(sol.y.shape[1])])


def test_pseudospin_reference_is_a_bdg_precession():
    # the reference's equation of motion: dρ/dt = −i[h, ρ] ⇔ ds/dt = B × s; check one ξ by hand
    xi, d = 0.3, 0.2 + 0.1j
    rho = np.array([[0.3, 0.1 - 0.2j], [0.1 + 0.2j, 0.6]])
    h = np.array([[xi, d], [np.conj(d), -xi]])
    drho = -1j * (h @ rho - rho @ h)
    s = np.array([2 * rho[0, 1].real, -2 * rho[0, 1].imag, (rho[0, 0] - rho[1, 1]).real])
    B = np.array([2 * d.real, -2 * d.imag, 2 * xi])
    ds = np.cross(B, s)
    assert ds == pytest.approx([2 * drho[0, 1].real, -2 * drho[0, 1].imag,
                                (drho[0, 0] - drho[1, 1]).real], abs=1e-14)


@pytest.fixture(scope="module")
def clean_runs():
    p = KBParams(lam_i=0.3, lam_f=0.5, t_max=15.0, **SMALL)
    return p, run(p), run(p, dt=0.025)


def test_clean_quench_delta_matches_pseudospin(clean_runs):
    p, r, r2 = clean_runs
    ref = _pseudospin_reference(p, r.times)
    err = np.abs(r.delta[r.after_quench()] - ref).max()
    err2 = np.abs(r2.delta[r2.after_quench()][::2] - ref).max()
    # second order: halving dt divides the error by ~4; the error itself is ≪ Δ
    assert err < 1e-3 * abs(ref).max()
    assert 3.0 < err / err2 < 5.0
    # and the quench does something: Δ(t) oscillates about a value between Δ_i and Δ_f
    assert np.ptp(ref) > 0.1 * abs(ref).max()


def test_clean_ns_constant_and_number_conserved(clean_runs):
    # paper after Eq. (8): without scattering the paramagnetic term commutes → n_s(t) const
    _, r, _ = clean_runs
    assert np.ptp(r.ns_para) < 1e-12
    assert np.ptp(r.density) < 1e-12
    assert np.ptp(r.ns) < 1e-12
    # the Appendix-B boundary term is O(Δ²/E_F²) (it moves, at that order, after the quench)
    d_f = np.abs(r.delta).max()
    assert np.abs(r.ns_boundary).max() < 2 * d_f ** 2      # equilibrium: B ≈ Δ²
    # T ≪ Δ: no thermal quasiparticles, n_s equals the density (clean superfluid)
    assert r.ns[0] == pytest.approx(r.density[0], rel=1e-3)


def test_clean_initial_state_solves_gap_equation(clean_runs):
    p, r, _ = clean_runs
    b = make_band(p)
    d = r.delta[r.at(-1.0)].real
    e = np.sqrt(b.xi ** 2 + d * d)
    assert p.lam_i * np.sum(b.w * np.tanh(e / (2 * p.temperature)) / (2 * e)) == \
        pytest.approx(1.0, abs=1e-10)
    # flat band, T → 0: Δ = E_F / sinh(1/λ) up to the midpoint-rule error
    assert d == pytest.approx(1 / math.sinh(1 / p.lam_i), rel=2e-3)
    assert np.ptp(r.delta[r.times < 0]) < 1e-12          # stationary before the quench


def test_debye_kernel_closed_form():
    lam, wd = 0.3, 0.2
    om = np.linspace(0, wd, 200001)
    a2f = debye_a2f(om, lam, wd)
    assert np.trapezoid(a2f[1:] / om[1:], om[1:]) == pytest.approx(lam, rel=1e-4)
    p = KBParams(lam_ph=lam, omega_d=wd, temperature=1e-4, gamma_el=0.1)
    taus = np.linspace(0, 300, 301)
    k, err = bath_kernel(p, taus)
    # T → 0: K^>(τ) = 1/(2π τ_el ν0) + (2λ/ω_D²) ∫_0^ω_D Ω² e^{−iΩτ} dΩ (antiderivative)
    x = -1j * taus[1:]
    F = lambda w: np.exp(x * w) * (w ** 2 / x - 2 * w / x ** 2 + 2 / x ** 3)
    exact = 0.1 / (2 * np.pi) + 2 * lam / wd ** 2 * (F(wd) - F(0.0))
    assert np.abs(k[1:] - exact).max() < 1e-10
    assert k[0].real == pytest.approx(0.1 / (2 * np.pi) + 2 * lam * wd / 3, rel=1e-8)  # ∫α²F (+4T³ terms)
    assert err < 1e-8


def test_bath_kernel_detailed_balance():
    # K^>(ω) = e^{ω/T} K^<(ω): the phonon bath is thermal at T (KMS), checked through the
    # kernel's Fourier transform against the definition at finite T.
    p = KBParams(lam_ph=0.2, omega_d=0.3, temperature=0.05)
    dtau = 0.05
    taus = np.arange(-4000, 4001) * dtau
    k, _ = bath_kernel(p, np.abs(taus))
    k = np.where(taus >= 0, k, np.conj(k))                  # K^>(−τ) = conj K^>(τ)
    win = np.exp(-(taus / 120.0) ** 2)
    for w in (0.1, 0.2):
        kg = np.sum(np.exp(1j * w * taus) * k * win) * dtau
        kl = np.sum(np.exp(-1j * w * taus) * k * win) * dtau   # K^<(ω) = K^>(−ω)
        assert (kg / kl).real == pytest.approx(math.exp(w / p.temperature), rel=0.05)
        nb = 1 / math.expm1(w / p.temperature)
        assert kg.real == pytest.approx(2 * math.pi * debye_a2f(w, 0.2, 0.3) * (1 + nb), rel=0.05)


def test_phonon_sign_depletes_the_fermi_sea_and_conserves_number():
    # Eq. (5) with the textbook sign (Im Σ^R < 0): dressing by virtual phonons moves weight
    # from below to above the Fermi level, 0 < n_ξ < 1.  The opposite sign (anti-damping)
    # would push occupations below the Fermi level above 1 (Pauli violation).
    p = KBParams(lam_i=0.0, lam_f=0.0, lam_ph=0.2, omega_d=0.16, t_max=0.0, t_prep=30.0,
                 t_ramp=15.0, n_xi=60, dt=0.1, temperature=0.002)
    r = run(p)
    xi, n_up = r.meta["xi"], r.meta["rho_final"][:, 0, 0].real
    below = (xi < -0.02) & (xi > -0.1)
    above = (xi > 0.02) & (xi < 0.1)
    assert np.all(n_up[below] < 1 - 1e-3) and np.all(n_up[below] <= 1)
    assert np.all(n_up[above] > 1e-3) and np.all(n_up[above] >= 0)
    assert r.meta["number_drift"] < 1e-12


def test_normal_state_has_no_superfluid_density():
    # docs/conventions.md: a normal state has n_s = 0 (diamagnetic = paramagnetic = n/m)
    p = KBParams(lam_i=0.0, lam_f=0.0, lam_ph=0.1, omega_d=0.16, gamma_el=0.05,
                 t_max=0.0, t_prep=20.0, t_ramp=10.0, n_xi=200, dt=0.1, temperature=0.02)
    r = run(p)
    # with the vertex cut off exactly (Appendix B) n_s vanishes; with D = n it is the
    # boundary term, O(γ_el/E_F) from the disorder-broadened tail at the band top
    assert np.abs(r.ns - r.ns_boundary).max() < 2e-3 * r.density[0]
    assert np.abs(r.ns).max() < 0.05 * r.density[0]
    assert np.abs(r.delta).max() == 0.0


@pytest.mark.parametrize("kw, name", [
    (dict(omega_d=0.0), "omega_d"), (dict(omega_d=-0.1), "omega_d"),
    (dict(lam_ph=-0.1), "lam_ph"), (dict(gamma_el=-1.0), "gamma_el"),
    (dict(dt=0.5), "dt"), (dict(temperature=0.0), "temperature"),
    (dict(n_xi=2), "n_xi"), (dict(band="3d"), "band"), (dict(t_ramp=50.0), "t_ramp"),
    (dict(lam_f=float("nan")), "lam_f"),
])
def test_bad_input_raises(kw, name):
    with pytest.raises(ValueError, match=name):
        KBParams(**kw)


def test_coarse_grids_warn_or_refuse():
    with pytest.warns(ConvergenceWarning, match="dt"):
        KBParams(dt=0.15, t_max=45.0, t_prep=30.0, t_ramp=15.0)   # whole numbers of steps
    with pytest.warns(ConvergenceWarning, match="ξ grid too coarse"):
        run(KBParams(n_xi=16, t_max=200.0, t_prep=0.0, t_ramp=0.0, dt=0.1, lam_i=0.4,
                     lam_f=0.4))
    with pytest.raises(ValueError, match="t_max"):
        run(KBParams(n_xi=400, t_max=2000.0, lam_ph=0.1), max_bytes=1e8)


def _richardson_ratio(values):
    """|x(dt) − x(dt/2)| / |x(dt/2) − x(dt/4)| → 2^p for a method of order p."""
    a, b, c = values
    return abs(a - b) / abs(b - c)


def test_second_order_with_phonons_and_disorder():
    # the full stepper (memory integrals, end-point iteration, Δ self-consistency) is of order
    # 2: Richardson ratio ≈ 4 for Δ(t) and n_s(t) at a fixed time after the quench
    base = KBParams(lam_i=0.3, lam_f=0.5, lam_ph=0.1, omega_d=0.35, gamma_el=0.05,
                    t_max=6.0, t_prep=4.0, t_ramp=2.0, n_xi=24, dt=0.1, temperature=0.01)
    with pytest.warns(ConvergenceWarning, match="prepared state is not stationary"):
        runs = [run(base, dt=dt) for dt in (0.1, 0.05, 0.025)]      # 2/E_F switching: deliberate
    for f in ("delta", "ns"):
        vals = [getattr(r, f)[r.at(6.0)].real for r in runs]
        assert 3.3 < _richardson_ratio(vals) < 4.8, (f, vals)
    for r in runs:                 # number conservation is exact at every step, any dt
        assert r.meta["number_drift"] < 1e-12
        assert r.meta["self_consistency_residual"] < 1e-4


def test_switching_ramps():
    # both shapes rise monotonically from 0 to 1 over t_ramp with r(x) + r(1 − x) = 1; the
    # "smooth" one is flat to all orders at both ends (r(x) < x^8 for x ≤ 0.03), sin² only to
    # first order (r ≈ (πx/2)²)
    x = np.linspace(0.0, 1.0, 2001)
    for shape in ("sin2", "smooth"):
        p = KBParams(t_prep=30.0, t_ramp=20.0, ramp_shape=shape)
        r = switching_ramp(p, 20.0 * x)
        assert r[0] == 0.0 and r[-1] == pytest.approx(1.0, abs=1e-15)
        assert np.all(np.diff(r) >= 0)
        np.testing.assert_allclose(r + r[::-1], 1.0, atol=1e-14)
        assert np.all(switching_ramp(p, [25.0, 40.0]) == 1.0)
    small = np.array([0.01, 0.02, 0.03])
    assert np.all(switching_ramp(KBParams(t_ramp=1.0, ramp_shape="smooth"), small) < small ** 8)
    np.testing.assert_allclose(switching_ramp(KBParams(t_ramp=1.0), small),
                               (0.5 * np.pi * small) ** 2, rtol=1e-2)
    assert np.all(switching_ramp(KBParams(t_ramp=0.0), [0.0, 3.0]) == 1.0)
    with pytest.raises(ValueError, match="ramp_shape"):
        KBParams(ramp_shape="linear")


def test_prepared_state_diagnostic():
    # meta records the hold-window spread of Δ and n_s; a clean run is exactly stationary (no
    # warning), an abrupt switching of the bath leaves a Higgs oscillation and warns
    clean = run(KBParams(lam_i=0.3, lam_f=0.3, n_xi=60, dt=0.1, t_prep=10.0, t_ramp=5.0,
                         t_max=0.0))
    assert clean.meta["prep_hold"] == 5.0
    assert clean.meta["prep_delta_spread"] < 1e-12
    assert clean.meta["prep_delta_mean"] == pytest.approx(abs(clean.delta[0]), rel=1e-12)
    p = KBParams(lam_i=0.3, lam_f=0.3, lam_ph=0.1, omega_d=0.35, n_xi=60, dt=0.1, t_prep=10.0,
                 t_ramp=1.0, t_max=0.0)
    with pytest.warns(ConvergenceWarning, match="t_ramp=1"):
        r = run(p, with_ns=False)
    m = (r.times >= -9.0) & (r.times < 0)
    d = np.abs(r.delta[m])
    assert r.meta["prep_delta_spread"] == pytest.approx(np.ptp(d) / d.mean(), rel=1e-12)
    assert r.meta["prep_delta_spread"] > 0.02
    # no hold window: nothing to measure, no warning
    assert run(p, t_ramp=10.0, with_ns=False).meta["prep_delta_spread"] is None


def test_normal_state_is_stationary_with_bath():
    # no pairing, phonon bath + disorder, after the switching: the state does not move
    p = KBParams(lam_i=0.0, lam_f=0.0, lam_ph=0.1, omega_d=0.16, gamma_el=0.02,
                 t_max=20.0, t_prep=40.0, t_ramp=20.0, n_xi=100, dt=0.1, temperature=0.02)
    r = run(p)
    late = r.times >= 0
    assert np.ptp(r.density[late]) < 1e-12
    assert np.ptp((r.ns - r.ns_boundary)[late]) < 2e-3 * r.density[0]


@pytest.mark.xfail(strict=True, reason="known GKBA limitation (numerics.kadanoff_baym docstring): "
                   "HF propagators have no residue Z; with phonons P(t) grows secularly at the gap "
                   "edge (measured here: n_s/n falls from 0.70 to 0.62 over t ∈ [0, 30] vs 0.897 in "
                   "equilibrium, Δ 0.059–0.073 vs 0.0817; a 100/E_F C^∞ switching does not help: "
                   "Δ 0.066–0.072, P 0.65–0.83 vs 0.206); the full two-time solver passes the "
                   "same check (test_kb_equilibrium, slow)")
def test_no_quench_superconductor_with_phonons_is_stationary():
    from numerics.kb_equilibrium import matsubara_equilibrium
    p = KBParams(lam_i=0.3, lam_f=0.3, lam_ph=0.1, omega_d=0.35, t_max=30.0, t_prep=40.0,
                 t_ramp=20.0, n_xi=48, dt=0.1, temperature=0.005)
    with warnings_ignored():
        r = run(p)
    e = matsubara_equilibrium(p)
    late = r.times >= 0
    assert abs(r.ns[late].mean() - e.ns) < 0.01 * e.density
    assert np.ptp(r.delta[late].real) < 0.02 * abs(r.delta[-1])
    assert np.ptp(r.ns[late]) < 0.01 * r.density[0]


@contextlib.contextmanager
def warnings_ignored():
    """Deliberately coarse grids / short switchings: ConvergenceWarnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# ---------------------------------------------------------------------------------------------
# Paper claims (slow): Fig. 1b, text after Eq. (8).  Moderate grids, each checked against a
# run with dt/2 and with 1.5 N_ξ; the measured times are printed (pytest -s) for the report.

def _fig1b(omega_d, **kw):
    base = dict(lam_i=0.25, lam_f=0.45, lam_ph=0.1, omega_d=omega_d, temperature=0.005,
                t_max=200.0, t_prep=60.0, t_ramp=30.0, n_xi=80, dt=0.1)
    base.update(kw)
    with warnings_ignored():
        return run(KBParams(**base))


def _first_negative(r):
    i = r.after_quench()
    neg = np.nonzero(r.ns[i] < 0)[0]
    return float(r.times[i][neg[0]]) if neg.size else None


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="NOT reproduced by the GKBA (measured: n_s/n stays "
                   ">= 0.58 up to t = 200 at N_xi = 80, 120, 160, dt = 0.1, 0.05; converged in "
                   "dt); undecided, since the GKBA n_s is unreliable at late times with phonons "
                   "(the full two-time solver, dt = 0.2: from an adiabatically prepared state "
                   "n_s/n falls 0.905 -> 0.71 by t = 100 (N_xi = 24); from a 15/E_F switching to "
                   "0.30 at t = 200 (N_xi = 48, converged in N_xi), no sign change; README)")
def test_claim_small_debye_energy_negative_ns():
    runs = {"ref": _fig1b(0.04), "dt/2": _fig1b(0.04, dt=0.05), "1.5 N_xi": _fig1b(0.04, n_xi=120)}
    for k, r in runs.items():
        i = r.after_quench()
        print(f"omega_D=0.04 [{k}]: first n_s<0 at t={_first_negative(r)}, "
              f"min n_s/n={r.ns[i].min() / r.density[0]:.3f}, mean Δ={r.delta[i].real.mean():.4f}")
    ref = runs["ref"]
    for k in ("dt/2", "1.5 N_xi"):          # converged to a few per cent of n up to t = 100
        r = runs[k]
        m = (r.times >= 0) & (r.times <= 100)
        mr = (ref.times >= 0) & (ref.times <= 100)
        step = int(round(ref.params.dt / r.params.dt))
        assert np.abs(r.ns[m][::step] - ref.ns[mr]).max() < 0.05 * ref.density[0], k
    assert _first_negative(ref) is not None, "claim 'n_s < 0 for ω_D = 0.04E_F' not reproduced"


@pytest.mark.slow
def test_claim_large_debye_energy_approaches_constants():
    # Δ(t) only: the GKBA's late-time n_s(t) with phonons is not reliable (module docstring);
    # its spread is printed for the report
    r = _fig1b(0.6)
    i = np.nonzero(r.after_quench())[0]
    tail = i[3 * len(i) // 4:]
    s_ns = np.ptp(r.ns[tail]) / abs(r.ns[tail].mean())
    s_d = np.ptp(r.delta[tail].real) / abs(r.delta[tail].real.mean())
    print(f"omega_D=0.6: late relative spread n_s {s_ns:.3f} (GKBA, not asserted), Δ {s_d:.3f}")
    assert s_d < 0.1


@pytest.mark.slow
def test_claims_full_solver_debye_contrast():
    # the paper's contrast (text after Eq. 8) with the two-time solver, which keeps the
    # correlated equilibrium (test_kb_equilibrium): for ω_D = 0.6 n_s(t) settles to a constant,
    # for ω_D = 0.04 < 2Δ it keeps falling far below it.  N_ξ = 24, dt = 0.2 (converged in dt
    # to 6e-4 n for t ≤ 50), t ≤ 100: ≈ 10 min.  Whether n_s turns negative is NOT asserted
    # (to t = 200: no sign change at N_ξ = 24, 36, 48; README).  Both runs share the 15/E_F
    # switching, which is not adiabatic at λ_i = 0.25: the contrast is that of the same
    # protocol, part of the ω_D = 0.04 decline starts before the quench (README).
    out = {}
    for wd in (0.6, 0.04):
        with warnings_ignored():
            p = KBParams(lam_i=0.25, lam_f=0.45, lam_ph=0.1, omega_d=wd, temperature=0.005,
                         n_xi=24, dt=0.2, t_prep=30.0, t_ramp=15.0, t_max=100.0, mode="full")
            r = run(p, max_bytes=4e9)
        n = r.density[0]
        late = r.times >= 50.0
        out[wd] = (r.ns[late].mean() / n, np.ptp(r.ns[late]) / n, _first_negative(r))
        print(f"full KB, ω_D={wd}: n_s/n on [50, 100]: mean {out[wd][0]:.3f}, spread "
              f"{out[wd][1]:.3f}; first n_s < 0: {out[wd][2]}")
    assert out[0.6][1] < 0.03                     # settles (N_ξ = 24 to t = 200: 0.6 % late)
    assert out[0.04][0] < out[0.6][0] - 0.2       # keeps falling: 0.48 vs 0.89 measured


# ---------------------------------------------------------------------------------------------
# Full two-time solver (numerics.kb_full) and the GKBA validated against it at short times

FULL = dict(lam_i=0.3, lam_f=0.5, t_max=4.0, t_prep=2.0, t_ramp=1.0, n_xi=8, dt=0.1,
            temperature=0.01, omega_d=0.35)


def _quiet_run(p, **kw):
    with warnings_ignored():                                     # 8 ξ points: deliberate
        return run(p, **kw)


def test_full_solver_clean_limit_equals_mean_field():
    p = KBParams(**FULL)
    rf, rg = _quiet_run(p, mode="full"), _quiet_run(p)
    assert np.abs(rf.delta - rg.delta).max() < 1e-12
    assert np.abs(rf.ns - rg.ns).max() < 1e-12       # (G∘G)^< = 0 without scattering
    assert rf.meta["mode"] == "full"


def test_gkba_agrees_with_full_solver_to_second_order_in_coupling():
    # GKBA is exact to first order in Σ (the collision integral at O(Σ) needs only the
    # mean-field G, which the ansatz reproduces), so |GKBA − full| must fall faster than the
    # scattering effect itself when λ_el-ph is halved.
    out = {}
    for lam in (0.2, 0.1):
        p = KBParams(**FULL, lam_ph=lam)
        rf, rg = _quiet_run(p, mode="full"), _quiet_run(p)
        rc = _quiet_run(p, lam_ph=0.0)
        i = rf.at(FULL["t_max"])
        out[lam] = (abs(rf.delta[i] - rc.delta[i]), abs(rf.delta[i] - rg.delta[i]))
        assert rf.meta["number_drift"] < 1e-12        # the full Migdal solver conserves n
    effect_ratio = out[0.2][0] / out[0.1][0]
    diff_ratio = out[0.2][1] / out[0.1][1]
    assert 1.7 < effect_ratio < 2.3                    # the effect is linear in λ_el-ph
    assert diff_ratio > 2.6                            # the GKBA error is ~quadratic
    assert out[0.1][1] < 0.35 * out[0.1][0]            # and small against the effect


def test_gkba_paramagnetic_response_is_exact_to_first_order_in_coupling():
    # the linearised GKBA equation for η = ∂ρ/∂ε (module docstring) must reproduce the full
    # solver's bubble −i(G∘G)^< to first order in Σ: at the end of the preparation the P error
    # falls ~4x when λ_el-ph is halved while the effect of the bath on P only halves
    out = {}
    for lam in (0.1, 0.05):
        p = KBParams(**FULL, lam_ph=lam)
        rf, rg, rc = _quiet_run(p, mode="full"), _quiet_run(p), _quiet_run(p, lam_ph=0.0)
        j = rf.at(0.0)
        out[lam] = (abs(rf.ns_para[j] - rc.ns_para[j]), abs(rf.ns_para[j] - rg.ns_para[j]))
    assert 1.7 < out[0.1][0] / out[0.05][0] < 2.3
    assert out[0.1][1] / out[0.05][1] > 2.8
    assert out[0.05][1] < 0.05 * out[0.05][0]


@pytest.mark.parametrize("band, extra", [("flat2d", {}),
                                         ("tb1d", {"lam_i": 1.0, "lam_f": 1.5,
                                                   "vertex_cutoff": 0.5})])
def test_full_solver_particle_hole_reduction_is_exact(band, extra):
    # G_{−ξ} = τ1 G_ξ τ1 (kb_full docstring): stepping only ξ > 0 gives the same quench, with
    # phonons, disorder and the vertex cut-off, to rounding; odd grids cannot use it
    kw = dict(FULL, lam_ph=0.1, gamma_el=0.05, n_xi=10, band=band, mode="full")
    kw.update(extra)
    p = KBParams(**kw)
    a, b = _quiet_run(p, symmetric=False), _quiet_run(p)
    assert b.meta["symmetric"] and not a.meta["symmetric"]
    assert b.meta["history_bytes"] == 0.5 * a.meta["history_bytes"]
    for f in ("delta", "ns", "ns_para", "density", "ns_boundary"):
        np.testing.assert_allclose(getattr(b, f), getattr(a, f), rtol=0, atol=1e-13, err_msg=f)
    np.testing.assert_allclose(b.meta["rho_final"], a.meta["rho_final"], rtol=0, atol=1e-13)
    assert np.abs(a.delta.imag).max() < 1e-13           # the symmetry's real gap, also unreduced
    assert not _quiet_run(p, n_xi=9).meta["symmetric"]
    with pytest.raises(ValueError, match="symmetric"):
        _quiet_run(p, n_xi=9, symmetric=True)
    with pytest.raises(ValueError, match="symmetric"):
        _quiet_run(p, mode="gkba", symmetric=True)
