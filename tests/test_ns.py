"""Superfluid density of the Higgs-driven superconductor (paper Eqs. A2–A6; docs/conventions.md)."""
from dataclasses import replace

import mpmath
import numpy as np
import pytest
from scipy.integrate import quad

from floquetsym import DriveParams, superfluid_density
from floquetsym.conventions import distribution, dynes_dos, ns0_bcs
from floquetsym.integrate import integrate_real_line
from floquetsym.observables import GAMMA_MIN, ldos, scan_ns, singular_energies
from floquetsym.recursion import FloquetBlocks, keldysh_product, ns_integrand
from floquetsym.result import ConvergenceWarning

from ns_reference import ns_integrand_exact, ns_integrand_order


def ns0_matsubara(gamma, T, delta=1.0):
    """Independent closed form: n_s^(0) = (Δ/π) Im ψ(1/2 + (γ + iΔ)/2πT) (T > 0), from closing
    the ω contour of −(Δ²/2π)∫tanh(ω/2T) Im[1/(z²−Δ²)] on the Matsubara poles; at T = 0 it is
    Δ/2 − (Δ/π) arctan(γ/Δ)."""
    if T == 0:
        return 0.5 * delta - delta / np.pi * np.arctan(gamma / delta)
    x = mpmath.mpf(0.5) + (gamma + 1j * delta) / (2 * mpmath.pi * T)
    return float(delta / mpmath.pi * mpmath.im(mpmath.digamma(x)))


# --- order 0 -------------------------------------------------------------------------------
@pytest.mark.parametrize("T", [0.0, 0.3])
@pytest.mark.parametrize("gamma", [1e-2, 1e-4])
def test_ns0_dynes_closed_form(T, gamma):
    r = superfluid_density(DriveParams(gamma=gamma, temperature=T), order=0)
    exact = ns0_matsubara(gamma, T)
    assert abs(r.value - exact) < 1e-9
    assert abs(r.value - exact) <= r.error + 1e-13
    assert isinstance(r.value, float)


@pytest.mark.parametrize("T", [0.0, 0.3])
def test_ns0_hint_quadrature_and_bcs_limit(T):
    """n_s^(0)(γ) = −(Δ²/2π)∫ tanh(ω/2T) Im[1/(z²−Δ²)] (scipy quad, no floquetsym code) and
    n_s^(0) → Δ/2·tanh(Δ/2T) as γ → 0, linearly in γ (slope 1/π at T = 0)."""
    gamma = 1e-3

    def f(w):
        z = w + 1j * gamma
        return float(distribution(np.array(w), T)) * (1 / (z * z - 1)).imag
    pts = [1 - 20 * gamma, 1 - gamma, 1.0, 1 + gamma, 1 + 20 * gamma]
    v = quad(f, 0, 3, points=pts, limit=500, epsabs=1e-13, epsrel=1e-12)[0]
    v += quad(lambda u: f(3 / u) * 3 / u ** 2, 0, 1, epsabs=1e-14, epsrel=1e-12)[0]
    hint = -(1 / (2 * np.pi)) * 2 * v
    r = superfluid_density(DriveParams(gamma=gamma, temperature=T), order=0)
    assert r.value == pytest.approx(hint, abs=1e-9)
    slopes = []
    for g in (1e-4, 1e-5):   # linear approach to the BCS value: (BCS − n_s^(0))/γ → const
        d = ns0_bcs(1.0, T) - superfluid_density(DriveParams(gamma=g, temperature=T), order=0).value
        assert 0 < d < g
        slopes.append(d / g)
    assert slopes[0] == pytest.approx(slopes[1], rel=1e-3)
    if T == 0:
        assert slopes[1] == pytest.approx(1 / np.pi, rel=1e-4)


# --- the recursion against an independent non-perturbative solution -------------------------
@pytest.mark.parametrize("T", [0.0, 0.3])
@pytest.mark.parametrize("kn", [(1, 1), (1, -1), (2, 0), (2, 2), (2, -2)])
def test_integrand_matches_floquet_sign_function(T, kn):
    """θ-differences of ǧ = sign(−iΛ̌) (truncated Floquet matrix, no hierarchy) reproduce the
    order-by-order integrand pointwise (ω0 off resonance and at 2Δ)."""
    k, n = kn
    w = np.array([-3.1, -1.3, -1.02, -0.55, -0.2, 0.37, 0.9, 0.99, 1.2, 2.6])
    for w0 in (1.7, 2.0):
        p = DriveParams(omega0=w0, gamma=5e-2, temperature=T)
        mine = ns_integrand(FloquetBlocks(w, p), k, n)
        ref = ns_integrand_order(w, p, k, n, M=2)
        assert np.max(np.abs(mine - ref)) < 2e-8 * max(1.0, np.max(np.abs(mine)))


def test_ns2_integral_matches_finite_difference_solver():
    """∫_{−W}^{W} of the order-2 integrand agrees with the same integral of the θ-differenced
    exact integrand (the window keeps the finite-difference round-off, ~1e-11 absolute, out of
    the mapped tails; the tails themselves are tested pointwise above)."""
    p = DriveParams(omega0=1.9, gamma=0.05, theta=0.01)
    W = 8.0
    bps = singular_energies(p, 2, 0) + [-W, W]

    def window(f):
        return lambda w: np.where(np.abs(w) < W, f(np.clip(w, -W, W)), 0.0)
    mine = integrate_real_line(window(lambda w: ns_integrand(FloquetBlocks(w, p), 2, 0)), bps,
                               width=p.gamma / 2, rtol=1e-9)
    ref = integrate_real_line(window(lambda w: ns_integrand_order(w, p, 2, 0, eps=4e-3, M=2)),
                              bps, width=p.gamma / 2, rtol=1e-7, atol=1e-9)
    assert mine.value[0].real == pytest.approx(ref.value[0].real, rel=1e-6)
    full = superfluid_density(p, order=2).meta["coefficient"]
    assert abs(full - mine.value[0].real) < 1e-3 * abs(full)       # the tails are small


def test_ns2_small_theta_matches_nonperturbative_total():
    """n_s[0](θ) − n_s^(0) = θ² n_s^(2) + O(θ⁴): compare at θ = 0.02Δ, 0.01Δ (exact integrand)."""
    p = DriveParams(omega0=1.5, gamma=0.05)
    bps = singular_energies(p, 2, 0)
    c2 = superfluid_density(p, order=2).meta["coefficient"]
    ns0 = superfluid_density(p, order=0).value
    for th in (0.02, 0.01):
        q = integrate_real_line(lambda w: ns_integrand_exact(w, p, th, 0, M=3), bps,
                                width=p.gamma / 2, rtol=1e-10)
        d = (q.value[0].real - ns0) / th ** 2
        assert d == pytest.approx(c2, rel=5 * th ** 2 * 10 + 1e-5)


def test_normalisation_order_by_order():
    """ǧ∘ǧ = 1 order by order, every shift (checks the closed-form solve of docs/conventions.md)."""
    w = np.linspace(-3, 3, 11) + 0.123
    b = FloquetBlocks(w, DriveParams(omega0=1.3, gamma=0.02, temperature=0.1))
    for k in (1, 2, 3):
        for m in range(-k, k + 1):
            acc = 0
            for i in range(k + 1):
                for mp in range(-k, k + 1):
                    x, y = b.block(i, m - mp, mp), b.block(k - i, mp, 0)
                    if x is not None and y is not None:
                        acc = acc + np.stack(keldysh_product(x, y))
            assert np.max(np.abs(acc)) < 1e-11


# --- symmetries ---------------------------------------------------------------------------
@pytest.mark.parametrize("T", [0.0, 0.2])
def test_harmonics_conjugate_and_dc_real(T):
    """n_s(t) is real: n_s[−n] = conj(n_s[n]); the DC terms (k = 0, 2) have Im = 0.
    n_s^(1)[1] itself is complex (dissipation: the response lags the drive)."""
    p = DriveParams(omega0=1.8, gamma=0.02, theta=0.1, temperature=T)
    for k, n in [(1, 1), (2, 2)]:
        a = superfluid_density(p, order=k, harmonic=n)
        b = superfluid_density(p, order=k, harmonic=-n)
        assert abs(a.value - np.conj(b.value)) < 1e-9 * abs(a.value)
    r = superfluid_density(p, order=2)
    assert r.meta["imag_residual"] < 1e-12 and isinstance(r.value, float)
    assert abs(superfluid_density(p, order=1).value.imag) > 1e-3 * p.theta


def test_ldos_equilibrium_and_sum_rules():
    """LDOS: order 0 is the Dynes DOS and N·n_F; the θ² corrections conserve the number of
    states and of particles (∫ = 0) and the DOS correction is even in ω (particle–hole)."""
    p = DriveParams(theta=0.1, omega0=1.0, gamma=1e-2, temperature=0.0)
    w = np.array([-2.5, -1.2, -0.3, 0.3, 1.2, 2.5])
    L = ldos(p, w).value
    assert np.allclose(L.dos[0], dynes_dos(w, 1.0, 1e-2), atol=1e-14)
    assert np.allclose(L.occupied[0], dynes_dos(w, 1.0, 1e-2) * (w < 0), atol=1e-14)
    assert np.allclose(L.dos[2], L.dos[2][::-1], atol=1e-14)
    for w0 in (0.15, 2.0):
        pp = replace(p, omega0=w0)
        q = integrate_real_line(lambda x: np.stack([ldos(pp, x).value.dos[2],
                                                    ldos(pp, x).value.occupied[2]], -1) + 0j,
                                singular_energies(pp, 2, 0), width=pp.gamma / 2, atol=1e-11)
        assert np.all(np.abs(q.value) < 1e-9)


# --- scaling at resonance -------------------------------------------------------------------
def test_ns2_negative_and_one_over_gamma_at_resonance():
    """At ω0 = 2Δ, T = 0: n_s^(2) < 0 and γ·n_s^(2)/θ² → −1/8 (closed form, derivations/)."""
    vals = [superfluid_density(DriveParams(gamma=g, theta=1e-3), order=2).meta["coefficient"]
            for g in (1e-3, 1e-4)]
    assert all(v < 0 for v in vals)
    assert vals[1] * 1e-4 == pytest.approx(-0.125, rel=2e-3)
    assert abs(vals[1] * 1e-4 + 0.125) < abs(vals[0] * 1e-3 + 0.125)   # approaches


def test_tightened_tolerance_changes_little():
    for kw in ({"order": 2}, {"order": 1}):
        p = DriveParams(gamma=1e-3, theta=1e-3, temperature=0.05)
        a = superfluid_density(p, rtol=1e-8, **kw).value
        b = superfluid_density(p, rtol=1e-9, atol=1e-13, **kw).value
        assert abs(a - b) < 1e-6 * abs(b)


# --- bad input ----------------------------------------------------------------------------
def test_bad_order_and_harmonic():
    p = DriveParams()
    for order in (41, -1, 1.5, "2"):      # any order up to MAX_ORDER = 40 is allowed
        with pytest.raises(ValueError, match="order"):
            superfluid_density(p, order=order)
    with pytest.raises(ValueError, match="harmonic"):
        superfluid_density(p, order=2, harmonic=1)
    with pytest.raises(ValueError, match="backend"):
        superfluid_density(p, order=0, backend="magic")


def test_gamma_too_small_refused():
    with pytest.raises(ValueError, match="gamma"):
        superfluid_density(DriveParams(gamma=GAMMA_MIN / 10), order=2)


def test_expansion_breakdown_warns():
    """ω0 = 2Δ with θ² ≫ Δγ: the θ² term exceeds n_s^(0); the number comes with a warning."""
    with pytest.warns(ConvergenceWarning, match="not controlled"):
        superfluid_density(DriveParams(gamma=1e-3, theta=0.2), order=2)


def test_quadrature_budget_warns():
    """A tolerance the panel budget cannot reach: a warning and a larger error (tolerances
    below 1e-14 are refused outright, see test_validity)."""
    with pytest.warns(ConvergenceWarning, match="not converged"):
        r = superfluid_density(DriveParams(gamma=1e-3, theta=1e-3), order=2, rtol=1e-14,
                               max_panels=200)
    assert not r.meta["quadrature"]["converged"]


def test_scan_ns_serial_equals_points():
    base = DriveParams(gamma=0.02, theta=0.05)
    w0 = [1.5, 2.0]
    s = scan_ns(w0, base, order=2, workers=1)
    for x, v in zip(w0, s["value"]):
        assert v == superfluid_density(replace(base, omega0=x), order=2).value
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as ex:                 # any concurrent.futures Executor
        t = scan_ns(w0, base, order=2, executor=ex)
    assert np.array_equal(t["value"], s["value"]) and t["converged"].all()


# --- symbolic traces (hierarchy → lambdify) agree with the numerical recursion ---------------
def _compare_symbolic(k, n):
    pytest.importorskip("floquetsym.hierarchy_solve")
    from floquetsym.kernels import ns_kernel
    w = np.linspace(-4.3, 4.1, 157)
    kern = ns_kernel(k, n)
    for T in (0.0, 0.2):
        p = DriveParams(omega0=1.7, gamma=0.03, temperature=T)
        a = kern(w, p)
        b = ns_integrand(FloquetBlocks(w, p), k, n)
        assert np.max(np.abs(a - b)) < 1e-11 * np.max(np.abs(b))


@pytest.mark.parametrize("kn", [(0, 0), (1, 1), (1, -1)])
def test_symbolic_trace_matches_recursion(kn):
    _compare_symbolic(*kn)


@pytest.mark.slow
@pytest.mark.parametrize("kn", [(2, 0), (2, 2)])
def test_symbolic_trace_matches_recursion_order2(kn):
    _compare_symbolic(*kn)


def test_cli_ns_prints_value_and_error(capsys):
    import json

    from floquetsym.app.cli import main
    assert main(["ns", "--omega0", "1.5", "--gamma", "0.02", "--theta", "0.05", "--order", "2",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    r = superfluid_density(DriveParams(omega0=1.5, gamma=0.02, theta=0.05), order=2)
    assert out["value_re"] == r.value and out["error"] == r.error
    assert main(["ns", "--order", "1", "--T", "0.1"]) == 0
    assert "±" in capsys.readouterr().out
    assert main(["ns", "--order", "41"]) == 2      # any order up to 40 is allowed
    assert "order" in capsys.readouterr().err


def test_adiabatic_limit_closed_form():
    """ω0 ≪ γ: n_s follows Δ(t) = Δ + θcos ω0t quasi-statically, so with the T = 0 Dynes closed
    form n(Δ) = Δ/2 − (Δ/π)arctan(γ/Δ):  n_s^(1)[1] → (θ/2)n',  n_s^(2)[0] → (θ²/4)n'',
    n_s^(2)[2] → (θ²/8)n'', with n' = 1/2 − arctan(γ/Δ)/π + γΔ/π(Δ²+γ²), n'' = 2γ³/π(Δ²+γ²)²
    (corrections O(ω0/γ))."""
    g, w0 = 0.05, 1e-3
    d1 = 0.5 - np.arctan(g) / np.pi + g / (np.pi * (1 + g * g))
    d2 = 2 * g ** 3 / (np.pi * (1 + g * g) ** 2)
    p = DriveParams(theta=1e-3, gamma=g, omega0=w0)
    n1 = superfluid_density(p, order=1).meta["coefficient"]
    assert n1.real == pytest.approx(d1 / 2, rel=1e-6) and abs(n1.imag) < 10 * w0 / g * 1e-4
    assert superfluid_density(p, order=2).meta["coefficient"] == pytest.approx(d2 / 4, rel=3 * w0 / g * 0.1)
    n22 = superfluid_density(p, order=2, harmonic=2).meta["coefficient"]
    assert n22.real == pytest.approx(d2 / 8, rel=3 * w0 / g * 0.1)


def test_dissipative_part_only_above_pair_breaking_threshold():
    """Im n_s^(1)[1] (the out-of-phase, absorptive response) vanishes at least linearly in γ for
    ω0 < 2Δ (no real pair breaking) and stays finite for ω0 > 2Δ."""
    def im_over_re(w0, g):
        v = superfluid_density(DriveParams(theta=1e-3, gamma=g, omega0=w0), order=1).meta["coefficient"]
        return v.imag / v.real
    for w0 in (0.5, 1.5, 1.9):
        a, b = im_over_re(w0, 1e-3), im_over_re(w0, 1e-4)
        assert 0 < b < 0.11 * a                    # ∝ γ (or faster)
    a, b = im_over_re(2.5, 1e-3), im_over_re(2.5, 1e-4)
    assert b > 0.5 and b == pytest.approx(a, rel=0.01)


def test_heating_paragraph_limit_at_fixed_heating():
    """Text after Eq. (10): at fixed E_ex = θ²/√(Δγ), n_s^(1)(2Δ) → 0 while n_s^(2)/n_s^(0) → −∞.

    θ(γ) = √(E_ex)(Δγ)^{1/4}; n_s^(1) ∝ θ ln γ falls, n_s^(2) ∝ θ²/γ ∝ 1/√γ grows."""
    from floquetsym import DriveParams, superfluid_density
    e_ex = 1e-2
    r1, r2 = [], []
    for g in (1e-2, 1e-3, 1e-4):
        theta = np.sqrt(e_ex * np.sqrt(g))
        p = DriveParams(theta=theta, omega0=2.0, gamma=g)
        n0 = superfluid_density(p, order=0).value
        r1.append(abs(superfluid_density(p, order=1).value) / n0)
        r2.append(superfluid_density(p, order=2).value / n0)
    assert r1[0] > r1[1] > r1[2] > 0
    assert r2[0] > r2[1] > r2[2] and r2[0] < 0
    # the 1/√γ law: each decade in γ multiplies n_s^(2)/n_s^(0) by ≈ √10
    assert r2[2] / r2[1] == pytest.approx(np.sqrt(10), rel=0.05)
