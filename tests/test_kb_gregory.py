"""Tests of the high-order two-time Kadanoff–Baym solver (numerics.kb_gregory, kb_sweep,
kb_quadrature): quadrature exactness and order, order of convergence of the quench against
the independent pseudospin solution (clean) and by Richardson (phonons + disorder), agreement
with the order-2 two-time solver (numerics.kb_full), conservation laws, resume."""
import warnings

import numpy as np
import pytest

from floquetsym.result import ConvergenceWarning
from numerics.kadanoff_baym import KBParams, run
from numerics.kb_gregory import GregoryKBStepper
from numerics.kb_quadrature import adams_moulton, split_weights, start_weights


def _params(**kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KBParams(mode="full", **kw)


def _run(p, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return GregoryKBStepper(p, **kw).run()


@pytest.mark.parametrize("q", [1, 2, 3, 4, 5])
def test_quadrature_exact_on_polynomials_and_of_order_q_plus_1(q):
    for L in (q, q + 3, 2 * q + 9, 57):
        x = np.arange(L + 1.0)
        for bp in (None, L // 2):
            if bp is not None and min(bp, L - bp) < q:
                continue                                # a short segment has lower degree
            w = split_weights(L, bp, q)
            for k in range(q + 1):
                assert w @ x ** k == pytest.approx(L ** (k + 1) / (k + 1), rel=1e-11)
    # start and Adams–Moulton weights: exact for degree q on their nodes
    S, A = start_weights(q), adams_moulton(q)
    x = np.arange(q + 1.0)
    for k in range(q + 1):
        assert S[:, :] @ x ** k == pytest.approx(x ** (k + 1) / (k + 1), abs=1e-11)
        assert A @ x ** k == pytest.approx((q ** (k + 1) - (q - 1) ** (k + 1)) / (k + 1))
    # order: e^{3ix} on [0, 4] with 40 and 80 intervals
    errs = []
    for L in (40, 80):
        h = 4.0 / L
        w = split_weights(L, None, q) * h
        errs.append(abs(w @ np.exp(3j * h * np.arange(L + 1)) - (np.exp(12j) - 1) / 3j))
    assert np.log2(errs[0] / errs[1]) > q + 0.8


def _pseudospin_delta(p, times):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from test_kb import _pseudospin_reference
    return _pseudospin_reference(p, times)


def test_clean_quench_converges_at_high_order_to_the_pseudospin_solution():
    # no scattering: the two-time equations reduce to BCS mean field, solved independently by
    # adaptive RK on the Anderson pseudospins.  Order 5 stepper: measured error ratio 2^4.06
    # (the quench, a jump of h at t = 0, limits the first rows after it to lower order, hence
    # 4 rather than 5); order 2 for comparison: 2^2.0
    base = dict(lam_i=0.3, lam_f=0.5, t_max=10.0, n_xi=20, t_prep=2.0, t_ramp=0.0,
                temperature=0.005)
    errs = {}
    for order in (2, 5):
        for dt in (0.2, 0.1):
            p = _params(dt=dt, **base)
            r = _run(p, order=order)
            ref = _pseudospin_delta(p, r.times)
            errs[order, dt] = np.abs(r.delta[r.after_quench()] - ref).max()
            assert np.ptp(r.density) < 1e-13                  # number: exact (conserving)
            if order == 5:                                    # clean n_s(t) = const, to O(dt^5)
                assert np.ptp(r.ns) < {0.2: 3e-4, 0.1: 1e-5}[dt] * r.density[0]
    assert 3.5 < np.log2(errs[5, 0.2] / errs[5, 0.1]) < 5.5
    assert 1.8 < np.log2(errs[2, 0.2] / errs[2, 0.1]) < 2.2
    assert errs[5, 0.1] < 1e-5 * 0.2 and errs[5, 0.2] < errs[2, 0.1] / 10


PH = dict(lam_i=0.3, lam_f=0.5, lam_ph=0.2, omega_d=0.3, gamma_el=0.05, n_xi=8,
          temperature=0.01, ramp_shape="smooth")


def test_phonons_and_disorder_richardson_order_and_number_conservation():
    # Richardson: differences between dt, dt/2, dt/4 fall by 2^p with p ≈ order (measured at
    # n_xi = 12, t ≤ 9: p = 4.9 for Δ, 6.1 for n_s with order 5)
    base = dict(PH, t_max=4.5, t_prep=4.5, t_ramp=3.0)
    out = []
    for dt in (0.3, 0.15, 0.075):
        r = _run(_params(dt=dt, **base), order=5)
        k = int(round(0.3 / dt))
        out.append((r.delta[::k], r.ns[::k]))
        assert r.meta["number_drift"] < 1e-13                 # conserving approximation
    for j in (0, 1):
        e1 = np.abs(out[0][j] - out[1][j]).max()
        e2 = np.abs(out[1][j] - out[2][j]).max()
        assert e2 > 0 and np.log2(e1 / e2) > 4.0


def test_agrees_with_the_order2_two_time_solver():
    # kb_full converges at order 2 to the same solution: its Richardson extrapolation from
    # dt = 0.1, 0.05 matches the order-5 solver at dt = 0.1 (measured 1.1e-6 in Δ, 1.3e-5 in
    # n_s at n_xi = 12), and its own error falls by 4 per halving
    base = dict(PH, t_max=4.0, t_prep=4.0, t_ramp=3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = run(_params(dt=0.1, **base))
        b = run(_params(dt=0.05, **base))
    g = _run(_params(dt=0.1, **base), order=5)
    rich_d = (4 * b.delta[::2] - a.delta) / 3
    rich_n = (4 * b.ns[::2] - a.ns) / 3
    assert np.abs(rich_d - g.delta).max() < 1e-5
    assert np.abs(rich_n - g.ns).max() < 1e-4
    ra = np.abs(a.ns - g.ns).max() / np.abs(b.ns[::2] - g.ns).max()
    assert 3.0 < ra < 5.0


def test_particle_hole_reduction_is_exact():
    p = _params(dt=0.2, t_max=3.0, t_prep=3.0, t_ramp=2.0, **PH)
    r1, r2 = _run(p, symmetric=True), _run(p, symmetric=False)
    assert np.abs(r1.delta - r2.delta).max() < 1e-12
    assert np.abs(r1.ns - r2.ns).max() < 1e-11


def test_resume_of_a_killed_run_is_bit_identical(tmp_path):
    p = _params(dt=0.2, t_max=3.0, t_prep=3.0, t_ramp=2.0, **PH)
    ref = _run(p)
    ck = tmp_path / "run.npz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        part = GregoryKBStepper(p).run(checkpoint=ck, checkpoint_every=7, stop_after=17)
        assert not part.meta["complete"]
        done = GregoryKBStepper(p).run(checkpoint=ck, checkpoint_every=7)
    assert done.meta["resumed_from_step"] == 17
    assert np.array_equal(done.delta, ref.delta) and np.array_equal(done.ns, ref.ns)
    # another parameter set refuses the checkpoint
    other = _params(dt=0.2, t_max=3.0, t_prep=3.0, t_ramp=2.0, **{**PH, "lam_f": 0.6})
    with pytest.raises(ValueError, match="checkpoint"):
        GregoryKBStepper(other).run(checkpoint=ck)


@pytest.mark.parametrize("kw, name", [({"order": 9}, "order"), ({"max_bytes": 1e3}, "t_max"),
                                      ({"correctors": -1}, "correctors"),
                                      ({"sc_tol": 1e-16}, "sc_tol"),
                                      ({"compress_tol": 1.5}, "compress_tol")])
def test_bad_input_raises(kw, name):
    p = _params(dt=0.2, t_max=3.0, t_prep=3.0, t_ramp=2.0, **PH)
    with pytest.raises(ValueError, match=name):
        GregoryKBStepper(p, **kw)
    with pytest.raises(ValueError, match="mode"):
        GregoryKBStepper(KBParams(dt=0.1, t_max=1.0, t_prep=1.0, t_ramp=0.5))


def test_compressed_history_agrees_with_the_dense_products():
    # hierarchical low-rank Σ^R, Σ^< (numerics.kb_hodlr) at the default tolerance 1e-8: the
    # same run to ≤ 1e-6 n in n_s and 1e-6 relative in Δ (measured at N_ξ = 12, N_t = 801:
    # 4.7e-10 and 4.0e-11), while the dense squares are gone; tol = 0 is the dense reference
    p = _params(dt=0.2, t_max=12.0, t_prep=12.0, t_ramp=8.0, **PH)
    dense = _run(p)
    st = GregoryKBStepper(p, compress_tol=1e-8, compress_block=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        comp = st.run()
    assert st.SR is None and st.SL is None                    # no dense square is kept
    assert any(k[0] >= 1 for k in st.hR.leaf)                 # merged (hierarchical) blocks
    assert comp.meta["compress_ranks"] > 0
    assert comp.meta["sigma_peak_bytes"] < 0.8 * dense.meta["sigma_bytes"]
    assert np.abs(comp.ns - dense.ns).max() < 1e-6 * dense.density[0]
    assert np.abs(comp.delta - dense.delta).max() < 1e-6 * np.abs(dense.delta).max()
    # a loose tolerance is visible (the sweeps really read the factors)
    loose = _run(p, compress_tol=1e-2, compress_block=16)
    assert np.abs(loose.ns - dense.ns).max() > 1e-9
    # the pre-run estimate bounds the measured storage, within the margin of its rank model
    # (numerics.kb_gregory.rank_model: 1.25 × the largest ranks measured, at a stronger
    # coupling than this run's), and refuses a run that cannot fit
    from numerics.kb_gregory import gregory_memory_estimate
    est = gregory_memory_estimate(p, True, 1e-8, 16)
    assert comp.meta["sigma_peak_bytes"] < est < 2.5 * comp.meta["sigma_peak_bytes"]
    assert est < gregory_memory_estimate(p, True)
    with pytest.raises(ValueError, match="t_max"):
        GregoryKBStepper(p, compress_tol=1e-8, compress_block=16, max_bytes=0.5 * est)


def test_compressed_run_resumes_bit_identically(tmp_path):
    # killed after a hierarchical merge (level-1 blocks exist at step 100 with 16-step tiles)
    p = _params(dt=0.2, t_max=12.0, t_prep=12.0, t_ramp=8.0, **PH)
    kw = dict(compress_tol=1e-8, compress_block=16)
    ref = _run(p, **kw)
    ck = tmp_path / "c.npz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        st = GregoryKBStepper(p, **kw)
        part = st.run(checkpoint=ck, checkpoint_every=50, stop_after=103)
        assert not part.meta["complete"] and any(k[0] >= 1 for k in st.hL.leaf)
        done = GregoryKBStepper(p, **kw).run(checkpoint=ck)
    assert done.meta["resumed_from_step"] == 103
    assert np.array_equal(done.ns, ref.ns) and np.array_equal(done.delta, ref.delta)
    # a dense run refuses the compressed checkpoint
    with pytest.raises(ValueError, match="checkpoint"):
        GregoryKBStepper(p).run(checkpoint=ck)


def test_storage_past_max_bytes_stops_the_run_which_resumes_bit_identically(tmp_path,
                                                                             monkeypatch):
    # the block ranks are a model, so the run measures its own storage after every step:
    # past max_bytes it stops with MemoryBudgetError after writing its checkpoint, and the run
    # resumed with more memory is the uninterrupted one, bit for bit
    import numerics.kb_gregory as kg
    p = _params(dt=0.2, t_max=12.0, t_prep=12.0, t_ramp=8.0, **PH)
    kw = dict(compress_tol=1e-8, compress_block=16)
    ref = _run(p, **kw)
    peak = ref.meta["sigma_peak_bytes"]
    monkeypatch.setattr(kg, "gregory_memory_estimate", lambda *a, **k: 0.0)  # a wrong model
    ck = tmp_path / "m.npz"
    with warnings.catch_warnings(), pytest.raises(kg.MemoryBudgetError, match="max_bytes"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        GregoryKBStepper(p, max_bytes=0.6 * peak, **kw).run(checkpoint=ck, checkpoint_every=10**4)
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        done = GregoryKBStepper(p, **kw).run(checkpoint=ck)
    assert 0 < done.meta["resumed_from_step"] < p.n_steps
    assert np.array_equal(done.ns, ref.ns) and np.array_equal(done.delta, ref.delta)
    with pytest.raises(ValueError, match="max_bytes"):
        GregoryKBStepper(p, max_bytes=0.0, **kw)


def test_hierarchical_storage_against_the_dense_matrix():
    # numerics.kb_hodlr against plain NumPy on a smooth anti-hermitian-completed function
    # S(t, s) = Σ_k e^{−iω_k(t−s)} M_k (rank ≤ 2·3 in the 2×2 layout), filled row by row
    from numerics.kb_hodlr import HierarchicalTwoTime
    rng = np.random.default_rng(3)
    S, bc, keep = 403, 16, 3
    om = rng.uniform(-1, 1, 3)
    Mk = rng.normal(size=(3, 2, 2)) + 1j * rng.normal(size=(3, 2, 2))
    t = 0.3 * np.arange(S)
    full = np.einsum("tsk,kab->tsab", np.exp(-1j * om * (t[:, None, None] - t[None, :, None])),
                     Mk)
    low = np.tril(np.ones((S, S), bool))
    full = np.where(low[..., None, None], full, -np.conj(np.swapaxes(full, 0, 1)).swapaxes(
        -1, -2))
    for i in range(S):
        full[i, i] = 0.5 * (full[i, i] - full[i, i].conj().T)
    h = HierarchicalTwoTime(S, bc, 1e-10, keep)
    for n in range(S):
        h.set_row(n, full[n, :n + 1])
        h.update(n)
    n = S - 1
    assert any(k[0] >= 2 for k in h.leaf)                    # several levels of the hierarchy
    fac = sum(U.nbytes + V.nbytes for U, V in h.leaf.values())
    assert h.nbytes < 0.6 * full.nbytes / 2 and fac < 0.2 * full.nbytes / 2   # vs dense
    assert max(U.shape[1] for U, _ in h.leaf.values()) <= 6  # the exact rank is found
    # the memory estimate's block count (numerics.kb_hodlr.partition_sizes) is the partition
    # that update() builds
    from collections import Counter

    from numerics.kb_hodlr import partition_sizes
    assert dict(Counter(k[0] for k in h.leaf)) == partition_sizes(S, bc, keep)
    A2 = full.transpose(0, 2, 1, 3).reshape(2 * S, 2 * S)
    err = dict(rtol=0, atol=1e-8 * np.abs(full).max() * S)
    for r0, r1, c0, c1 in [(150, 403, 3, 140), (60, 200, 20, 41), (9, 30, 190, 403),
                           (100, 140, 90, 150)]:
        assert np.allclose(h.block(r0, r1, c0, c1), full[r0:r1, c0:c1], **err)
    x = rng.normal(size=(5, 2 * 60)) + 0j
    assert np.allclose(h.left(x, 140, 200, 10, 120), x @ A2[280:400, 20:240], **err)
    v = rng.normal(size=(2 * 110, 4)) + 0j
    assert np.allclose(h.right(150, 170, 0, 110, v), A2[300:340, :220] @ v, **err)
    y = rng.normal(size=(2 * S, 3)) + 0j
    assert np.allclose(h.ah_product(n, y), A2 @ y, **err)
    assert np.array_equal(h.diag(0, S), full[np.arange(S), np.arange(S)])
    assert np.array_equal(h.row(n - keep + 1), full[n - keep + 1, :n - keep + 2])
    with pytest.raises(ValueError, match="keep"):
        h.row(n - 3 * bc)


def test_unreachable_accuracy_is_refused_before_the_run(tmp_path):
    from numerics.kb_map import check_accuracy, quench_point
    assert check_accuracy(0.2, 1e-3) < 1e-3
    with pytest.raises(ValueError, match="dt"):
        quench_point(0.1, 0.04, outdir=tmp_path, accuracy=1e-4)     # dt = 0.25 too coarse
    with pytest.raises(ValueError, match="accuracy"):
        check_accuracy(0.01, 1e-12)
    assert not list(tmp_path.iterdir())                             # nothing was run


def test_figure_runs_are_the_paper_figures_models():
    """The two-time Fig. 3b run is the uniform model of the ring's paper point (one 1D model
    for Figs. 3a/3b) and the Fig. 1c runs differ from Fig. 1b only in coupling and disorder."""
    from numerics.kb_map import FIG1B, FIG1C_LAMBDA_F, figure_points, point_params
    from numerics.ring_model import PAPER_POINT
    pts = [point_params(**{k: v for k, v in q.items() if k != "outdir"}) for q in figure_points()]
    ring = PAPER_POINT.kb_params()
    p3b = pts[-1]
    for f in ("band", "hopping", "lam_i", "lam_f", "gamma_el", "temperature", "vertex_cutoff"):
        assert getattr(p3b, f) == getattr(ring, f), f
    assert [p.lam_f for p in pts[:3]] == list(FIG1C_LAMBDA_F)
    for p in pts:
        assert (p.n_xi, p.dt, p.t_prep, p.t_ramp, p.t_max) == tuple(
            FIG1B[k] for k in ("n_xi", "dt", "t_prep", "t_ramp", "t_max"))
        assert p.lam_ph == 0.0 and p.mode == "full" and p.ramp_shape == "smooth"


def test_two_time_claim_decides_and_can_differ():
    """The Fig. 1c/3b rows: PASS when a two-time run turns negative, DIFFERS (False) with the
    minimum when none does, undecided when a prepared state fails its check."""
    from floquetsym.app.panels.kb import _twotime_claim
    row = dict(prep_ok=1.0, sign_change=0.0, t_sign=-1.0, ns_min=0.21, t_ns_min=150.0,
               prep_ns=0.9, eq_ns=0.9, prep_delta=0.05, eq_delta=0.05)
    c = _twotime_claim("claim", {0.4: (row, None), 0.5: (row, None)}, "gkba", "E_F", "src")
    assert c.passed is False and "min n_s/n = 0.210" in c.measured and "GKBA" in c.measured
    neg = {**row, "sign_change": 1.0, "t_sign": 42.0, "ns_min": -0.1}
    c = _twotime_claim("claim", {0.4: (row, None), 0.5: (neg, None)}, "gkba", "E_F", "src")
    assert c.passed is True and "n_s < 0 from t = 42.0" in c.measured
    bad = {**neg, "prep_ok": 0.0}
    c = _twotime_claim("claim", {0.5: (bad, None)}, "gkba", "E_F", "src")
    assert c.passed is None and c.undecided
    # a finer ξ grid that disagrees on the sign leaves the row undecided; agreeing keeps PASS
    c = _twotime_claim("claim", {0.5: (neg, None)}, "gkba", "E_F", "src", fine={0.5: (row, None)})
    assert c.passed is None and "N_ξ" in c.undecided
    c = _twotime_claim("claim", {0.5: (neg, None)}, "gkba", "E_F", "src", fine={0.5: (neg, None)})
    assert c.passed is True and "N_ξ = 64" in c.measured


@pytest.mark.slow
def test_map_corner_compressed_equals_dense(tmp_path):
    """One corner of the map (λ_el-ph = 0.3, ω_D = 0.04E_F) on a reduced grid: the hierarchical
    Σ storage at the map's tolerance reproduces the uncompressed run (≤ 1e-6 n in n_s,
    ≤ 1e-6 relative in Δ) through the map's own point function."""
    from numerics.kb_map import MAP_COMPRESS_TOL, quench_point
    kw = dict(n_xi=16, dt=0.25, t_prep=70.0, t_ramp=60.0, t_max=60.0)      # 520 steps, 4+ tiles
    curves = {}
    for tol in (0.0, MAP_COMPRESS_TOL):
        out = tmp_path / f"tol{tol:g}"
        quench_point(0.3, 0.04, outdir=out, compress_tol=tol, **kw)
        (f,) = out.glob("curve_*.npz")
        curves[tol] = np.load(f)
    a, b = curves[0.0], curves[MAP_COMPRESS_TOL]
    assert float(b["compress_tol"]) == MAP_COMPRESS_TOL
    n0 = float(a["n"][0])
    assert np.abs(a["ns"] - b["ns"]).max() / n0 <= 1e-6
    assert (np.abs(a["delta"] - b["delta"]) / np.abs(a["delta"]).max()).max() <= 1e-6


def test_unphysical_density_matrix_stops_the_run():
    """The instability guard: a thermal state passes, an eigenvalue outside [0, 1] (as in a
    blown-up step) or a NaN raises InstabilityError naming dt."""
    from numerics.kb_gregory import InstabilityError, check_density_matrix
    from numerics.kb_model import thermal_state
    rho, _ = thermal_state(np.linspace(-1, 1, 9), 0.1, 0.01)
    check_density_matrix(rho, 3.0, 0.25)
    bad = rho.copy()
    bad[4] = bad[4] * 25.0
    with pytest.raises(InstabilityError, match="dt"):
        check_density_matrix(bad, 3.0, 0.25)
    bad = rho.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(InstabilityError):
        check_density_matrix(bad, 3.0, 0.25)


def test_large_omega_rows_pass_and_differ(tmp_path):
    """The large-ω_D rows read cached curves (correctors 0, else 1): a curve settled at
    constant n_s and |Δ| passes; one still drifting (slope 1e-3 E_F) or with Δ oscillating by
    30 % differs; a corrector run is found when the plain one is absent."""
    from floquetsym.app.panels.kb_map import _cached_map, _large_omega_claims
    from numerics.kb_map import curve_path, point_params
    t = np.arange(-20.0, 200.25, 0.25)

    def write(lp, wd, c, ns, delta):
        p = point_params(lam_ph=lp, omega_d=wd)
        np.savez(curve_path(tmp_path, p, correctors=c), t=t, delta=delta, ns=ns,
                 n=np.ones_like(t))
    write(0.1, 0.35, 0, np.full_like(t, 0.8), np.full_like(t, 0.05))
    write(0.2, 0.35, 0, 0.8 - 1e-3 * np.clip(t, 0, None), np.full_like(t, 0.05))
    write(0.3, 0.6, 1, np.full_like(t, 0.7), 0.05 * (1 + 0.15 * np.sin(t)))
    rows = {c.claim: c for c in _large_omega_claims(tmp_path)}
    assert len(rows) == 3
    import re
    verdicts = {re.search(r"λ_el-ph = ([0-9.]+)", n).group(1): c.passed for n, c in rows.items()}
    assert verdicts == {"0.1": True, "0.2": False, "0.3": False}
    assert any("corrector" in n for n in rows)
    cache = _cached_map(tmp_path)
    assert cache[0.3, 0.6] == (0.7, 1) and cache[0.1, 0.35][1] == 0
    # the regime row: every point above has 2Δ_∞ = 0.1 < ω_D, so no row; a point with
    # 2Δ_∞ = 0.4 > ω_D = 0.2 that stays positive makes it DIFFERS, one that turns negative PASS
    from floquetsym.app.panels.kb_map import _regime_claim
    assert _regime_claim(tmp_path) == []
    write(0.05, 0.2, 0, np.full_like(t, 0.5), np.full_like(t, 0.2))
    (row,) = _regime_claim(tmp_path)
    assert row.passed is False and "n_s < 0 at 0" in row.measured
    write(0.05, 0.2, 0, 0.5 - 0.01 * np.clip(t, 0, None), np.full_like(t, 0.2))
    (row,) = _regime_claim(tmp_path)
    assert row.passed is True and "min n_s/n = -1.500" in row.measured


def test_map_key_keeps_plain_runs_and_separates_corrector_runs():
    """Curves cached before corrector sweeps existed keep their key; a corrector run gets its own."""
    import hashlib
    import json
    from numerics.kb_map import _key, point_params
    p = point_params(lam_ph=0.3, omega_d=0.6)
    plain = hashlib.sha256(json.dumps({**p.as_dict(), "order": 5}, sort_keys=True).encode()).hexdigest()[:12]
    assert _key(p, 5) == _key(p, 5, 0) == plain
    assert _key(p, 5, 1) != plain and _key(p, 5, 1) != _key(p, 5, 2)


def test_corner_convergence_compares_on_common_times(tmp_path):
    """curve_change on two grids (dt 0.25 and 0.2: common times every 1/E_F) against the closed
    form of the difference; the panel finds the dt and N_ξ runs of a corner (corrector runs
    included) and skips what is not cached."""
    from floquetsym.app.panels.kb_map import _corner_convergence
    from numerics.kb_map import curve_change, curve_path, point_params
    ta, tb = np.arange(-20.0, 200.25, 0.25), np.arange(-20.0, 200.2, 0.2)
    a = {"t": ta, "ns": 2.0 * (0.5 + 0.0 * ta), "n": np.full_like(ta, 2.0)}
    b = {"t": tb, "ns": 2.0 * (0.5 + 1e-4 * np.clip(tb, 0, None)), "n": np.full_like(tb, 2.0)}
    d = curve_change(a, b)
    # difference 1e-4 t on t ≥ 0, largest at the window's end (both windows end on a common time)
    for w in (50, 100, 150, 200):
        assert d[f"max_change_t{w}"] == pytest.approx(1e-4 * w, rel=1e-9)
    assert d["min_a"] == pytest.approx(0.5) and d["min_b"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="no time"):
        curve_change(a, {"t": ta + 0.1, "ns": ta, "n": ta + 1})

    def write(c, ns, **kw):
        p = point_params(lam_ph=0.3, omega_d=0.6, **kw)
        t = np.arange(-20.0, 200.0 + 1e-9, p.dt)
        np.savez(curve_path(tmp_path, p, correctors=c), t=t, delta=t * 0, ns=ns(t),
                 n=np.ones_like(t))
    assert _corner_convergence(tmp_path) == []
    write(1, lambda t: 0.7 + 0 * t)
    write(1, lambda t: 0.7 + 2e-3 * np.sin(t) ** 2, n_xi=64)
    (line,) = _corner_convergence(tmp_path)
    assert "(λ_el-ph 0.3, ω_D 0.6) N_ξ 48 → 64" in line and "2.0e-03" in line


def test_long_window_line_reads_the_sign_change_and_the_grid_change(tmp_path):
    """The kb_map panel's runs past t = 200: a cached curve with a known zero crossing at
    t = 300 and an N_ξ = 64 curve differing by a known amount after t = 250."""
    from floquetsym.app.panels.kb_map import LONG_WINDOW, _long_window
    from numerics.kb_map import curve_path, point_params
    lp, wd, tm = LONG_WINDOW[0]
    assert _long_window(tmp_path) == ([], {})                    # nothing cached: no line

    def write(ns, n_xi):
        p = point_params(lam_ph=lp, omega_d=wd, t_max=tm, n_xi=n_xi)
        t = np.arange(-20.0, tm + 1e-9, p.dt)
        np.savez(curve_path(tmp_path, p), t=t, delta=0.3 + 0 * t, ns=ns(t), n=np.ones_like(t))
    write(lambda t: 0.6 - 0.002 * np.clip(t, 0, None), 48)      # n_s/n = 0 at t = 300
    (line,), curves = _long_window(tmp_path)
    assert "n_s < 0 from t = 300, negative throughout t ≥ 300" in line
    assert f"min n_s/n {0.6 - 0.002 * tm:.4f}" in line
    assert "N_ξ 48 → 64" not in line and len(curves) == 1
    write(lambda t: 0.6 - 0.002 * np.clip(t, 0, None) + 1e-3 * (t > 250), 64)
    (line,), _ = _long_window(tmp_path)
    assert f"N_ξ 48 → 64: max |Δ n_s/n| up to t = 200 / {tm:.0f}: 0.0e+00 / 1.0e-03" in line
    assert line.endswith("n_s < 0 from t = 300, negative throughout t ≥ 300")   # N_ξ = 64 too
