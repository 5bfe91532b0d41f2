"""Tests of the fast exact n_s path (floquet_zone) and of the exact n_s(θ, ω0) map.

Independent routes: closed forms (Gauss–Kronrod on polynomials and a Lorentzian; the Dynes
n_s^(0)), an exact symmetry checked on the solver's own blocks (particle–hole), and the
windowed solver of floquet.py (a different split of the frequency line: large window +
adiabatic tail model, adaptive Gauss–Legendre) for the driven values.
"""
import math
import warnings

import numpy as np
import pytest

from floquetsym import ConvergenceWarning, DriveParams
from floquetsym.exact_map import ExactMap, check_point, exact_point
from floquetsym.floquet import floquet_solve
from floquetsym.floquet_zone import GK_WG, GK_WK, GK_X, block_traces, gauss_kronrod, ns_fast


def test_gauss_kronrod_rule_degrees():
    for d in range(24):
        exact = 2.0 / (d + 1) if d % 2 == 0 else 0.0
        assert abs(GK_WK @ GK_X ** d - exact) < 1e-14          # K15 exact to degree 22
        if d <= 13:
            assert abs(GK_WG @ GK_X ** d - exact) < 1e-14      # G7 exact to degree 13
    assert abs(GK_WG @ GK_X ** 14 - 2 / 15) > 1e-6              # and not beyond


def test_adaptive_gauss_kronrod_lorentzian():
    a, g = 0.3, 1e-3
    f = lambda x: np.stack([g / ((x - a) ** 2 + g ** 2), np.cos(x)], axis=-1)   # noqa: E731
    I, err, n, lo, hi = gauss_kronrod(f, np.array([-1.0, 1.0]), 1e-10)
    exact = math.atan((1 - a) / g) + math.atan((1 + a) / g)
    assert abs(I[0] - exact) < 1e-10 and abs(I[1] - 2 * math.sin(1)) < 1e-12
    assert err <= 1e-10 and abs(I[0] - exact) <= err
    assert np.all(hi > lo) and abs((hi - lo).sum() - 2.0) < 1e-12


@pytest.mark.parametrize("k", [0, 1])
def test_particle_hole_symmetry_of_blocks(k):
    # Tr P_{n+k,n}(−ε) = Tr P_{−n,−n−k}(ε): the half-zone integration relies on it
    p = DriveParams(theta=0.8, omega0=1.7, gamma=2e-2, temperature=0.1)
    eps = np.array([0.11, 0.37, 0.8])
    n = np.arange(-3, 4)
    a, _ = block_traces(p, eps, 9, (k,), n)
    b, _ = block_traces(p, -eps, 9, (k,), -n - k)
    assert np.abs(a - b).max() < 1e-12 * np.abs(a).max()


@pytest.mark.parametrize("T", [0.0, 0.15])
def test_chiral_traces_equal_full_eigendecomposition_and_newton(T):
    # the τ2-chiral half (size 2M+1) against the full 2(2M+1) eigen-decomposition and the
    # eigenvector-free Newton sign iteration (guard=0 sends every node to Newton)
    from floquetsym.floquet_chiral import chiral_traces
    p = DriveParams(theta=0.9, omega0=1.3, gamma=1e-2, temperature=T)
    x0 = abs((p.delta + 0.65) % 1.3 - 0.65)                       # folded gap edge
    eps = np.array([0.0, 0.05, 0.31, x0 - 1e-3, x0, x0 + 2e-3, 0.6, 0.65])
    n, ks = np.arange(-4, 5), (0, 1, -2)
    ch, bad = chiral_traces(p, eps, 8, ks, n)
    full, _ = block_traces(p, eps, 8, ks, n, method="full")
    newton, nb = block_traces(p, eps, 8, ks, n, method="full", guard=0.0)
    assert bad.size == 0 and nb == eps.size
    scale = np.abs(full).max()
    assert np.abs(ch - full).max() < 1e-9 * scale
    assert np.abs(ch - newton).max() < 1e-9 * scale
    with pytest.raises(ValueError, match="method"):
        block_traces(p, eps, 8, ks, n, method="schur")


def test_gauss_node_truncation_check_equals_full_check():
    # θ = ω0 = Δ: the buffer grows once (b = 2 → 4 changes n_s by ~1e-6), then passes
    p = DriveParams(theta=1.0, omega0=1.0, gamma=1e-2)
    g = ns_fast(p, (0,), tol=1e-6)[0]
    f = ns_fast(p, (0,), tol=1e-6, check="full")[0]
    assert g.meta["buffer"] == f.meta["buffer"] and len(g.meta["truncation_history"]) == 2
    for (b1, c1), (b2, c2) in zip(g.meta["truncation_history"], f.meta["truncation_history"]):
        assert b1 == b2 and abs(c1 - c2) <= 0.05 * c2 + 1e-12
    assert abs(g.value - f.value) < 1e-3 * 1e-6 * 0.5
    assert g.meta["n_check"] < f.meta["n_check"]
    with pytest.raises(ValueError, match="check"):
        ns_fast(p, (0,), check="kronrod")


def test_result_stable_under_buffer_plus_two_and_tighter_tol():
    # the error control of the reported value: two more Floquet indices and a 100x tighter
    # quadrature change it by less than its error bar
    p = DriveParams(theta=0.6, omega0=2.2, gamma=1e-2)
    r = ns_fast(p, (0, 1), tol=1e-6)
    wide = ns_fast(p, (0, 1), tol=1e-6, buffer=r[0].meta["buffer"] + 2)
    tight = ns_fast(p, (0, 1), tol=1e-8)
    for k in (0, 1):
        assert abs(wide[k].value - r[k].value) <= r[k].error
        assert abs(tight[k].value - r[k].value) <= r[k].error
        assert r[k].error <= 1.5e-6 * 0.5


@pytest.mark.parametrize("T", [0.0, 0.2])
def test_theta0_equals_equilibrium(T):
    from scipy.integrate import quad
    from floquetsym.conventions import distribution
    g = 1e-2
    r = ns_fast(DriveParams(theta=0.0, omega0=1.3, gamma=g, temperature=T), (0,), tol=1e-9)[0]
    if T == 0:
        ref = 0.5 * (1 - 2 / math.pi * math.atan(g))
    else:
        f = lambda w: -(1 / (2 * math.pi)) * float(distribution(np.array(w), T)) * \
            (1 / ((w + 1j * g) ** 2 - 1)).imag                            # noqa: E731
        ref = 2 * (quad(f, 0, 5, points=[1 - 0.2, 1, 1 + 0.2], epsabs=1e-14, limit=400)[0]
                   + quad(f, 5, np.inf, epsabs=1e-14, limit=400)[0])
    assert r.value == pytest.approx(ref, abs=2e-9)
    assert r.meta["converged"] and r.error < 1e-8


def test_fast_path_equals_windowed_solver_cheap():
    p = DriveParams(theta=0.3, omega0=2.5, gamma=0.1, temperature=0.1)
    new = ns_fast(p, (0, 1), tol=1e-6)
    old = floquet_solve(p, n_harmonics=10, n_central=7).ns_harmonics((0, 1), tol=1e-6)
    for k in (0, 1):
        assert abs(new[k].value - old[k].value) <= 2 * (new[k].error + old[k].error) + 1e-9


@pytest.mark.slow
def test_fast_path_equals_windowed_solver():
    p = DriveParams(theta=0.5, omega0=1.7, gamma=5e-2, temperature=0.0)
    new = ns_fast(p, (0, 1), tol=1e-7)
    old = floquet_solve(p, n_harmonics=17, n_central=13).ns_harmonics((0, 1), tol=1e-7)
    for k in (0, 1):
        assert abs(new[k].value - old[k].value) <= 2 * (new[k].error + old[k].error) + 1e-9
        assert abs(new[k].value - old[k].value) < 1e-7
    assert new[0].meta["converged"]


def test_unconverged_truncation_is_flagged():
    p = DriveParams(theta=1.0, omega0=1.0, gamma=1e-2)
    with pytest.warns(ConvergenceWarning, match="not converged"):
        r = ns_fast(p, (0,), tol=1e-9, buffer=1, max_harmonics=11)[0]
    assert not r.meta["converged"] and r.meta["truncation_change"] > 1e-9 * 0.5
    with pytest.warns(ConvergenceWarning, match="max_harmonics"):
        row = exact_point(theta=1.5, omega0=0.1, gamma=1e-2, max_harmonics=20)
    assert row["converged"] == 0.0
    m = ExactMap.from_rows([{"theta": 1.5, "omega0": 0.1}], [row], 1e-2, 0.0)
    assert np.isnan(m.ratio[0, 0]) and not m.converged[0, 0]
    assert np.isnan(m.minimum()["value"])


@pytest.mark.parametrize("kw,name", [
    (dict(theta=float("nan")), "theta"), (dict(theta=1.6), "theta"), (dict(theta=-0.1), "theta"),
    (dict(omega0=0.0), "omega0"), (dict(omega0=3.5), "omega0"), (dict(omega0=float("inf")), "omega0"),
    (dict(gamma=0.0), "gamma"), (dict(gamma=float("nan")), "gamma"), (dict(gamma=2.0), "gamma"),
    (dict(temperature=-1.0), "temperature"), (dict(temperature=float("nan")), "temperature"),
])
def test_bad_input_names_parameter(kw, name):
    args = dict(theta=0.5, omega0=2.0, gamma=1e-2, temperature=0.0) | kw
    with pytest.raises(ValueError, match=name):
        check_point(**args)
    with pytest.raises(ValueError, match=name):
        exact_point(**args)


def _synthetic_map(values, errors=None):
    th, om = np.array([0.5, 1.0]), np.array([1.0, 2.0, 2.2])
    pts, rows = [], []
    for i, t in enumerate(th):
        for j, w in enumerate(om):
            v = values[i][j]
            pts.append({"theta": t, "omega0": w})
            rows.append({"ns_ratio": 0.0 if v is None else v,
                         "ns_ratio_error": 1e-6 if errors is None else errors[i][j],
                         "ns1_ratio": 0.1, "ns1_ratio_error": 1e-6,
                         "converged": 0.0 if v is None else 1.0, "buffer": 3.0,
                         "truncation_change": 1e-9, "quadrature_error": 1e-8, "n_eval": 100.0})
    return ExactMap.from_rows(pts, rows, 1e-2, 0.0)


def test_map_minimum_region_and_verdict():
    from floquetsym.app.panels.exact_map import verdict
    m = _synthetic_map([[0.9, 0.5, None], [0.8, 0.2, -0.01]])
    assert m.minimum() == {"value": -0.01, "error": 1e-6, "theta": 1.0, "omega0": 2.2}
    assert m.negative_region()["n_points"] == 1 and np.isnan(m.ratio[0, 2])
    c = verdict([m])
    assert c.passed is True and "-0.01" in c.measured
    # a criterion that fails: n_s/n_s^(0) < −0.5 somewhere → DIFFERS with the minimum found
    c = verdict([m], threshold=-0.5)
    assert c.passed is False and "min n_s/n_s^(0) = -0.01" in c.measured
    # a negative value inside its error bar does not count
    m2 = _synthetic_map([[0.9, 0.5, 0.3], [0.8, 0.2, -1e-7]])
    assert verdict([m2]).passed is False
    assert verdict([_synthetic_map([[None] * 3, [None] * 3])]).passed is None


@pytest.mark.slow
def test_exact_point_negative_at_strong_drive_near_2delta_independent_check():
    # the map's physics at one point, against the windowed solver (independent split)
    row = exact_point(theta=1.0, omega0=2.2, gamma=1e-2)
    p = DriveParams(theta=1.0, omega0=2.2, gamma=1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = floquet_solve(p, n_harmonics=12).superfluid_density(tol=1e-6)
    ns0 = 0.5 * (1 - 2 / math.pi * math.atan(1e-2))
    assert row["converged"] == 1.0
    assert abs(row["ns_ratio"] - old.value / ns0) < 2 * (row["ns_ratio_error"] + old.error / ns0)
    assert row["ns_ratio"] + row["ns_ratio_error"] < 0


def test_scan_exact_cli_writes_and_resumes(tmp_path, capsys):
    from floquetsym.app.cli import main
    stem = tmp_path / "m"
    argv = ["scan", "exact", "--theta", "0.3", "--omega0", "1.5,2.5", "--gamma", "0.05",
            "--out", str(stem), "--executor", "serial", "--tol", "1e-5"]
    assert main(argv) == 0
    csv1 = (tmp_path / "m.csv").read_text()
    for suf in (".npz", ".json", ".map.npz", ".summary.json", ".png", ".journal.jsonl"):
        assert (tmp_path / f"m{suf}").exists()
    assert "converged" in csv1.splitlines()[0]
    assert main(argv) == 0                       # resumed from the journal: same CSV
    assert (tmp_path / "m.csv").read_text() == csv1
    assert main(["scan", "exact", "--theta", "2.0", "--omega0", "1.0", "--out", str(stem)]) != 0
    assert "theta=2.0 is not allowed" in capsys.readouterr().err
