"""The θ-series of n_s to high order: any-order n_s, the one-quadrature series, ratio/Padé
radius estimates on closed forms, symbolic vs numeric traces at orders 3–4, and c_4 against
the exact truncated-Floquet solver."""
import math
import warnings

import numpy as np
import pytest

from floquetsym import DriveParams, superfluid_density
from floquetsym.result import ConvergenceWarning
from floquetsym.series import (abs_series, c4_from_exact, departure_theta, domb_sykes,
                               ns_series, pade, pade_poles, partial_sums)


# --- closed forms: series with a known radius -----------------------------------------------
def test_domb_sykes_recovers_radius_and_exponent():
    """(1 − x/x_c)^(−α): c_n = (α)_n/n! x_c^−n, ratios exactly (1/x_c)(1 + (α−1)/n)."""
    for xc, alpha in ((0.3, 0.5), (2.0, 1.5), (-0.7, 2.0)):
        c = [1.0]
        for n in range(1, 10):
            c.append(c[-1] * (alpha + n - 1) / n / xc)
        r = domb_sykes(np.array(c))
        assert r["x_c"] == pytest.approx(xc, rel=1e-10)
        assert r["alpha"] == pytest.approx(alpha, rel=1e-10)
        assert r["theta_c"] == pytest.approx(math.sqrt(abs(xc)), rel=1e-10)


def test_domb_sykes_flags_a_log_singularity_only_approximately():
    """log(1 + x/x0)/x: ratios −(1/x0)·n/(n+1) → the 1/n fit is exact to O(1/n²), so x_c is
    reproduced to a few per cent at 10 terms and the quoted error brackets the miss."""
    x0 = 0.4
    c = np.array([(-1) ** n / ((n + 1) * x0 ** n) for n in range(10)])
    r = domb_sykes(c)
    assert abs(r["x_c"] + x0) < 0.05 * x0
    assert abs(r["x_c"] + x0) <= 3 * r["x_c_err"] + 1e-12


def test_pade_is_exact_for_a_rational_function_and_finds_its_poles():
    """f = (1 + 2x)/((1 − x/0.3)(1 + x/1.7)): [1/2] reproduces f and its poles 0.3, −1.7."""
    x = np.linspace(-0.2, 0.25, 7)
    f = (1 + 2 * x) / ((1 - x / 0.3) * (1 + x / 1.7))
    # Taylor coefficients by series division
    den = np.polynomial.polynomial.polymul([1, -1 / 0.3], [1, 1 / 1.7])
    c = np.zeros(8)
    num = np.array([1.0, 2.0])
    for n in range(8):
        c[n] = ((num[n] if n < num.size else 0.0)
                - sum(den[k] * c[n - k] for k in range(1, min(n, den.size - 1) + 1)))
    p, q = pade(c, 1, 2)
    approx = np.polynomial.polynomial.polyval(x, p) / np.polynomial.polynomial.polyval(x, q)
    assert np.max(np.abs(approx - f)) < 1e-12
    poles = pade_poles(c, 1, 2)
    assert poles[0] == pytest.approx(0.3, rel=1e-10) and poles[1] == pytest.approx(-1.7, rel=1e-10)
    # the ratio estimate of the same series agrees with the nearest pole
    assert domb_sykes(c)["x_c"] == pytest.approx(0.3, rel=2e-2)


def test_pade_resums_beyond_the_radius():
    """1/(1 + x): the partial sums diverge at x = 2 > 1, the [0/1] and [1/1] approximants don't;
    [2/2] is a degenerate block of the Padé table and is refused, not returned wrong."""
    c = np.array([(-1.0) ** n for n in range(8)])
    assert abs(partial_sums(c, 2.0)[-1, 0] - 1 / 3) > 10
    for L, M in ((0, 1), (1, 1)):
        p, q = pade(c, L, M)
        v = np.polynomial.polynomial.polyval(2.0, p) / np.polynomial.polynomial.polyval(2.0, q)
        assert v == pytest.approx(1 / 3, rel=1e-12)
    with pytest.raises(ValueError, match="singular"):
        pade(c, 2, 2)


def test_departure_theta_interpolates():
    th = np.array([0.1, 0.2, 0.3, 0.4])
    exact = np.ones(4)
    approx = 1 + np.array([0.0, 0.01, 0.03, 0.1])
    assert departure_theta(th, approx, exact, rel=0.02) == pytest.approx(0.25)
    assert departure_theta(th, exact, exact) == math.inf


def test_abs_series_matches_the_modulus():
    b = np.array([0.3 - 0.4j, 1.2 + 0.5j, -2.0 + 0.7j, 0.4 - 0.1j])
    d, _ = abs_series(b)
    th = 1e-2 * np.array([1.0, 2.0, 3.0])
    exact = np.abs(np.polynomial.polynomial.polyval(th ** 2, b) * th)
    approx = np.polynomial.polynomial.polyval(th ** 2, d) * th
    rel = np.abs(approx - exact) / exact
    # four exact coefficients: the remainder is O(θ^9), relative O(θ^8)
    assert rel[2] < 1e-10 and rel[2] / rel[1] == pytest.approx(1.5 ** 8, rel=0.2)


# --- n_s at any order -------------------------------------------------------------------------
P = DriveParams(theta=0.05, omega0=1.5, gamma=0.05, temperature=0.1)


def test_superfluid_density_any_order_and_harmonic():
    r3 = superfluid_density(P, order=3, harmonic=3)
    r5 = superfluid_density(P, order=5, harmonic=-1)
    r6 = superfluid_density(P, order=6)
    assert isinstance(r3.value, complex) and isinstance(r6.value, float)
    assert r5.meta["harmonic"] == -1 and r6.meta["harmonic"] == 0
    # n_s[−n] = conj(n_s[n])
    assert superfluid_density(P, order=3, harmonic=-3).value == pytest.approx(np.conj(r3.value), rel=1e-8)
    with pytest.raises(ValueError, match="harmonic"):
        superfluid_density(P, order=4, harmonic=1)
    with pytest.raises(ValueError, match="order"):
        superfluid_density(P, order=5, backend="symbolic")


def test_series_equals_per_order_calls():
    """One vector quadrature for all orders = the per-order superfluid_density calls."""
    s = ns_series(P, K=3)
    ns0 = s.ns0.value
    for j in range(1, 4):
        r = superfluid_density(P, order=2 * j)
        assert s.c[j] == pytest.approx(r.meta["coefficient"] / ns0, rel=1e-7)
        assert s.c_err[j] < 1e-6 * abs(s.c[j])
    for j in range(3):
        r = superfluid_density(P, order=2 * j + 1, harmonic=1)
        assert s.b[j] == pytest.approx(r.meta["coefficient"] / ns0, rel=1e-7)
    # the truncated series reproduces the per-order sum at finite θ
    th = 0.05
    direct = sum(superfluid_density(DriveParams(theta=th, omega0=1.5, gamma=0.05, temperature=0.1),
                                    order=2 * j).value for j in range(4)) / ns0
    assert s.dc(th) == pytest.approx(direct, rel=1e-10)


@pytest.mark.parametrize("k,n", [(3, 1), (3, 3), pytest.param(4, 0, marks=pytest.mark.slow),
                                 pytest.param(4, 2, marks=pytest.mark.slow)])
def test_symbolic_traces_match_numeric_at_orders_3_and_4(k, n):
    """The SymPy trace (hierarchy blocks, evaluated node by node) vs the array recursion."""
    from floquetsym.identities import eval_graph
    from floquetsym.conventions import parse_shift_symbol
    from floquetsym.kernels import shifted_values
    from floquetsym.recursion import FloquetBlocks, ns_integrand
    from floquetsym.traces import ns_trace

    p = DriveParams(omega0=0.7, gamma=0.05, temperature=0.1)
    w = np.linspace(-4.3, 4.1, 157)
    e = ns_trace(k, n)
    names = sorted({s.name for s in e.free_symbols})
    vals = {parse_shift_symbol(nm): v for nm, v in shifted_values(w, p, names).items()}
    sym = np.broadcast_to(np.asarray(eval_graph(e, vals, {}), dtype=complex), w.shape)
    ref = ns_integrand(FloquetBlocks(w, p), k, n)
    assert np.max(np.abs(sym - ref)) < 1e-10 * np.max(np.abs(ref))


def test_trace_latex_lists_the_splits():
    from floquetsym.traces import ns_trace_latex
    tex = ns_trace_latex(4, 0)
    assert tex.count(r"\mathrm{Tr}") == 1 + 2 + 3 + 2 + 1       # splits i = 0..4
    assert "g^{(2)R}_{0}" in tex and r"\frac{i}{16\pi}" in tex


# --- c_4 against the exact solver ------------------------------------------------------------
@pytest.mark.parametrize("w0,T", [(0.5, 0.0), (1.0, 0.0), (1.5, 0.0), (0.5, 0.2), (1.0, 0.2), (1.5, 0.2)])
def test_c4_matches_exact_small_theta_fit(w0, T):
    """c_4 of the series vs a θ-ladder fit of the exact Floquet solution (1e-3 relative);
    the ladder on the half-size chiral eigenproblem: 2–3.5 s per point."""
    p = DriveParams(omega0=w0, gamma=1e-2, temperature=T)
    s = ns_series(p, K=4, rtol=1e-7)
    tmax = min(0.1, 0.35 * domb_sykes(s.c)["theta_c"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r = c4_from_exact(p, tmax * np.array([0.35, 0.5, 0.65, 0.8, 0.9, 1.0]), degree=3, tol=1e-9)
    assert r["c2"] == pytest.approx(s.c[1], rel=1e-4)
    diff = abs(r["c4"] - s.c[2])
    assert diff < 1e-3 * abs(s.c[2])
    assert diff <= 3 * r["c4_err"] + 1e-3 * abs(s.c[2])      # the quoted error is not too small


# where the default ladder's quoted error does not resolve 1e-3 of c_4, the measured recipe
# (docs/series.md): a ladder half as long at 1.5Δ (the cubic-vs-quadratic change, ∝ θ_max^6,
# dominated), a larger Floquet truncation at 0.5Δ (the window-Richardson error dominated)
@pytest.mark.parametrize("w0,T,M,frac", [
    (1.5, 0.2, 24, 0.5),
    pytest.param(1.5, 0.0, 24, 0.5, marks=pytest.mark.slow),
    pytest.param(0.5, 0.0, 36, 1.0, marks=pytest.mark.slow),
    pytest.param(0.5, 0.2, 80, 1.0, marks=pytest.mark.slow)])
def test_c4_resolved_by_the_exact_fit(w0, T, M, frac):
    """The exact fit's own error bar resolves 1e-3 of c_4, and the series lies inside it; the
    three parts of the error add up to it (18 s at 1.5Δ; 2.5 min at 0.5Δ, T = 0.2Δ)."""
    p = DriveParams(omega0=w0, gamma=1e-2, temperature=T)
    s = ns_series(p, K=4, rtol=1e-7)
    tmax = frac * min(0.1, 0.35 * domb_sykes(s.c)["theta_c"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r = c4_from_exact(p, tmax * np.array([0.35, 0.5, 0.65, 0.8, 0.9, 1.0]), degree=3,
                          tol=1e-9, n_harmonics=M)
    assert sum(r["c4_err_parts"].values()) == pytest.approx(r["c4_err"], rel=1e-12)
    assert r["c4_err"] <= 1e-3 * abs(s.c[2])
    assert abs(r["c4"] - s.c[2]) <= r["c4_err"]
