"""The Floquet-zone quadrature of the θ-series (floquetsym.series, method='zone'): the symmetries
it folds with, the replicated-grid recursion against the direct one, and the coefficients and
their error estimates against the independent per-order adaptive quadrature at rtol 1e-10."""
import numpy as np
import pytest

from floquetsym import DriveParams, superfluid_density, zone_kernels
from floquetsym.recursion import FloquetBlocks, ns_integrand
from floquetsym.series import ns_series, zone_layout

needs_numba = pytest.mark.skipif(not zone_kernels.AVAILABLE, reason="numba not installed")


def _integrand(w, p, comps, **kw):
    b = FloquetBlocks(w, p, **kw)
    return np.stack([ns_integrand(b, k, n) for k, n in comps], axis=-1)


@pytest.mark.parametrize("T", [0.0, 0.2])
def test_particle_hole_symmetries_used_by_the_fold(T):
    """f_{k,0}(−ω) = f_{k,0}(ω) and f_{k,1}(−ω−ω0) = f_{k,1}(ω) (the half-zone fold)."""
    p = DriveParams(omega0=1.3, gamma=0.03, temperature=T)
    w = np.array([0.05, 0.37, 0.9, 1.31, 2.2, 4.7, -0.4, -2.9])
    dc = [(k, 0) for k in range(0, 7, 2)]
    h1 = [(k, 1) for k in range(1, 6, 2)]
    a, b = _integrand(w, p, dc), _integrand(-w, p, dc)
    assert np.max(np.abs(a - b) / np.max(np.abs(a), axis=0)) < 1e-11
    a, b = _integrand(w, p, h1), _integrand(-w - p.omega0, p, h1)
    assert np.max(np.abs(a - b) / np.max(np.abs(a), axis=0)) < 1e-11
    # not a trivial identity: the first harmonic is not symmetric under ω → −ω
    assert np.max(np.abs(a - _integrand(-w, p, h1)) / np.max(np.abs(a), axis=0)) > 1e-3


@pytest.mark.parametrize("compiled", [False, pytest.param(True, marks=needs_numba)])
def test_replicated_grid_equals_direct_recursion_inside_the_margin(compiled):
    """Rows read as shifted blocks = blocks solved at ω + jω0, on every row with ⌈(k+|n|)/2⌉
    rows of margin; rows without that margin are NaN (unknown), never a wrong number.  The
    compiled backend (its own loops, and the equilibrium rows copied from the j = 0 grid) the
    same."""
    p = DriveParams(omega0=1.5, gamma=1e-2, temperature=0.0)
    comps = [(6, 0), (5, 1)]
    u = np.linspace(0.0, 0.75, 7)
    rows = np.arange(-6, 7)
    w = (u[None, :] + rows[:, None] * p.omega0).ravel()
    zone = _integrand(w, p, comps, row_length=u.size, compiled=compiled).reshape(
        rows.size, u.size, -1)
    # the NumPy zone backend does the same operations in the same order as the direct one;
    # the compiled loops group them differently: rounding, amplified at order 6 near the
    # resonances (measured 6.5e-11 here)
    tol = 1e-10 if compiled else 1e-12
    for i, r in enumerate(rows):
        direct = _integrand(u + r * p.omega0, p, comps)
        if abs(r) <= 6 - 3:
            assert np.all(np.abs(zone[i] - direct) <= tol * np.max(np.abs(direct), axis=0))
        else:
            assert np.all(np.isnan(zone[i, :, 0]))
        if abs(r) <= 2:     # order 5, harmonic 1 reaches 3 rows
            assert np.all(np.isfinite(zone[i, :, 1]))
    with pytest.raises(ValueError, match="row_length"):
        FloquetBlocks(np.zeros(10), p, row_length=3)


# points: off resonance, at the two-photon resonance 2Δ (c_2k ∝ (4γΔ)^−k), finite T
POINTS = [(1.5, 0.0, 3), (2.0, 0.0, 3), (0.7, 0.2, 2)]


@pytest.mark.parametrize("w0,T,K", POINTS)
def test_zone_series_equals_per_order_calls_with_honest_errors(w0, T, K):
    """Zone coefficients = the per-order adaptive superfluid_density at rtol 1e-10 (another
    grid, another fold: none) to 1e-6 relative, and the quoted error bounds the difference."""
    p = DriveParams(omega0=w0, gamma=1e-2, temperature=T)
    s = ns_series(p, K=K, rtol=1e-7)
    assert s.meta["method"] == "zone" and s.meta["quadrature"]["converged"]
    ref = {}
    for k, n in s.meta["components"]:
        r = superfluid_density(p, order=k, harmonic=n, rtol=1e-10)
        ref[k, n] = (r.meta["coefficient"], r.meta["coefficient_error"])
    ns0, e0 = ref[0, 0]
    assert s.ns0.value == pytest.approx(ns0, rel=1e-9)
    for j in range(1, K + 1):
        c, e = ref[2 * j, 0]
        c_ref = c / ns0
        diff = abs(s.c[j] - c_ref)
        assert diff <= 1e-6 * abs(c_ref)
        assert diff <= s.c_err[j] + abs(c_ref) * (e / abs(c) + e0 / ns0)
    for j in range(K):
        c, e = ref[2 * j + 1, 1]
        b_ref = c / ns0
        diff = abs(s.b[j] - b_ref)
        assert diff <= 1e-6 * abs(b_ref)
        assert diff <= s.b_err[j] + abs(b_ref) * (e / abs(c) + e0 / ns0)


def test_zone_and_line_methods_agree():
    """The two quadratures of ns_series (zone fold / real line with every singular energy)."""
    p = DriveParams(omega0=0.9, gamma=0.02, temperature=0.05)
    a = ns_series(p, K=2, rtol=1e-8)
    b = ns_series(p, K=2, rtol=1e-8, method="line")
    assert np.allclose(a.c, b.c, rtol=1e-7, atol=0)
    assert np.allclose(a.b, b.b, rtol=1e-7, atol=0)
    assert b.meta["method"] == "line"


def test_zone_layout_covers_every_singular_energy():
    """The half zone holds the folded singular energies; W lies beyond Kω0 + Δ."""
    for w0 in (0.3, 1.0, 1.5, 2.0, 3.7):
        p = DriveParams(omega0=w0, gamma=1e-2)
        lay = zone_layout(p, 4)
        assert lay["W"] > 4 * w0 + p.delta
        edges = lay["edges"]
        assert edges[0] == 0.0 and edges[-1] == pytest.approx(0.5 * w0)
        for e in (p.delta, -p.delta):
            for j in range(-4, 5):
                u = abs(((e - j * w0 + 0.5 * w0) % w0) - 0.5 * w0)
                assert np.min(np.abs(edges - u)) < 1e-2     # an edge within γ of it


@pytest.mark.parametrize("kw,name", [({"K": 0}, "K"), ({"K": 2.5}, "K"), ({"method": "grid"}, "method"),
                                     ({"rtol": float("nan")}, "rtol"), ({"rtol": 0.5}, "rtol")])
def test_bad_input_raises(kw, name):
    p = DriveParams(omega0=1.5, gamma=1e-2)
    args = {"K": 2, **kw}
    with pytest.raises(ValueError, match=name):
        ns_series(p, **args)


def test_bad_parameters_raise():
    with pytest.raises(ValueError, match="gamma"):
        ns_series(DriveParams(omega0=1.5, gamma=1e-9), K=2)
    with pytest.raises(ValueError, match="omega0"):
        ns_series(DriveParams(omega0=2e4, gamma=1e-2), K=2)
    with pytest.raises(ValueError, match="p"):
        ns_series({"omega0": 1.5}, K=2)


@needs_numba
@pytest.mark.parametrize("T", [0.0, 0.3])
def test_compiled_blocks_equal_numpy_blocks(T):
    """Every block g^(k)_m (R, A, K) to order 6 and the equilibrium rows at ω + jω0: the compiled
    loops against the NumPy backend (whole-array operations), on the rows both know, to 1e-10
    of the block's size; both know the same rows."""
    p = DriveParams(omega0=0.9, gamma=0.02, temperature=T)
    u = np.linspace(0.0, 0.45, 9)
    rows = np.arange(-7, 8)
    w = (u[None, :] + rows[:, None] * p.omega0).ravel()
    a = FloquetBlocks(w, p, row_length=u.size)
    b = FloquetBlocks(w, p, row_length=u.size, compiled=True)
    for j in (-3, -1, 2, 5):
        for x, y in zip(a.algebra.eq_rows(j), b.algebra.eq_rows(j)):
            assert np.max(np.abs(x.a - y.a)) <= 1e-13 * np.max(np.abs(x.a))
    n = 0
    for k in range(1, 7):
        for m in range(-k, k + 1, 2):
            for comp in "RAK":
                x, y = a.matrix(k, m, 0, comp), b.matrix(k, m, 0, comp)
                assert np.array_equal(np.isnan(x), np.isnan(y))
                ok = np.isfinite(x)
                scale = np.max(np.abs(x[ok]))
                assert scale > 0
                assert np.max(np.abs(x[ok] - y[ok])) <= 1e-10 * scale
                n += 1
    assert n == 3 * sum(k + 1 for k in range(1, 7))


@needs_numba
@pytest.mark.parametrize("w0,T", [(1.5, 0.0), (0.7, 0.2)])
def test_compiled_series_equals_numpy_series(w0, T):
    """ns_series with the compiled recursion = with the NumPy recursion (same grid, same
    quadrature), coefficients to 1e-9 relative, and the default uses the compiled one."""
    p = DriveParams(omega0=w0, gamma=1e-2, temperature=T)
    a = ns_series(p, K=3, rtol=1e-7, compiled=False)
    b = ns_series(p, K=3, rtol=1e-7, compiled=True)
    assert not a.meta["compiled"] and b.meta["compiled"]
    assert ns_series(p, K=1, rtol=1e-6).meta["compiled"]
    assert np.max(np.abs(a.c - b.c) / np.abs(a.c)) < 1e-9
    assert np.max(np.abs(a.b - b.b) / np.abs(a.b)) < 1e-9


def test_compiled_flag_bad_input(monkeypatch):
    p = DriveParams(omega0=1.5, gamma=1e-2)
    with pytest.raises(ValueError, match="compiled"):
        ns_series(p, K=2, compiled="yes")
    with pytest.raises(ValueError, match="compiled"):
        ns_series(p, K=2, method="line", compiled=True)
    with pytest.raises(ValueError, match="compiled"):
        FloquetBlocks(np.zeros(4), p, compiled=True)           # no replicated grid
    monkeypatch.setattr(zone_kernels, "AVAILABLE", False)
    with pytest.raises(ValueError, match="numba"):
        ns_series(p, K=2, compiled=True)
    assert not ns_series(p, K=1, rtol=1e-6).meta["compiled"]    # falls back to NumPy
