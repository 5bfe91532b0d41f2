"""NumPy kernels of the hierarchy: closed forms, mpmath agreement, symmetries, the disk cache."""
import os
import subprocess
import sys
import textwrap

import mpmath
import numpy as np
import pytest
import sympy as sp

from floquetsym import DriveParams
from floquetsym import keldysh as kd
from floquetsym import kernels as K
from floquetsym.hierarchy_solve import hierarchy

TAU3 = np.diag([1.0, -1.0]).astype(complex)


def _dag(x):
    return np.conj(np.swapaxes(x, -1, -2))


@pytest.fixture(scope="module")
def p():
    return DriveParams(delta=1.0, theta=0.1, omega0=1.3, gamma=2e-2, temperature=0.15)


def test_zeroth_order_closed_forms(p, rng):
    w = rng.uniform(-4, 4, 200)
    gR = K.block_kernel(0, 0, "R")(w, p)
    gA = K.block_kernel(0, 0, "A")(w, p)
    gK = K.block_kernel(0, 0, "K")(w, p)
    # Dynes DOS from an independent closed form: Re (w + i g)/sqrt((w + i g)^2 - Delta^2),
    # the root continued from +z at large |z| (s ~ z): pick the branch with Im s > 0
    z = w + 1j * p.gamma
    s = np.sqrt(z * z - p.delta**2)
    s = np.where(s.imag < 0, -s, s)
    assert np.allclose(gR[:, 0, 0].real, (z / s).real, rtol=1e-12, atol=1e-12)
    assert np.allclose(gR @ gR, np.eye(2), atol=1e-12)
    assert np.allclose(gA, -TAU3 @ _dag(gR) @ TAU3, atol=1e-12)
    h = np.tanh(w / (2 * p.temperature))[:, None, None]
    assert np.allclose(gK, (gR - gA) * h, atol=1e-12)


def _mp_values(names, w, p, dps=30):
    """Zeroth-order values at 30 digits, computed independently with mpmath."""
    out = {}
    with mpmath.workdps(dps):
        for name in names:
            kind = kd.symbol_kind(name)
            if kind is None:
                out[name] = {"omega": mpmath.mpf(w)}[name]
                continue
            k, n = kind
            wn = mpmath.mpf(w) + n * mpmath.mpf(p.omega0)
            if k == "h":
                out[name] = mpmath.tanh(wn / (2 * mpmath.mpf(p.temperature)))
                continue
            zR = mpmath.mpc(wn, p.gamma)
            sR = mpmath.sqrt(zR - p.delta) * mpmath.sqrt(zR + p.delta)
            s, z = (sR, zR) if k[-1] == "R" else (-mpmath.conj(sR), mpmath.conj(zR))
            out[name] = {"s": s, "G": z / s, "F": mpmath.mpf(p.delta) / s}[k[0]]
    return out


@pytest.mark.parametrize("k,m", [(0, 0), (1, 1), (1, -1), (2, 0), (2, 2), (2, -2)])
def test_kernels_agree_with_mpmath(k, m, rng):
    """Kernel (double) vs the symbolic block evaluated at 30 digits with independently computed
    mpmath inputs, near the gap edges with γ = 1e-4.  Relative to the norm of the whole
    Keldysh matrix ǧ = [[R, K], [0, A]] at that point (in the gap K alone is O(γ) and its
    double-precision inputs already limit it to ~1e-12 of |g^R|)."""
    p = DriveParams(delta=1.0, omega0=0.7, gamma=1e-4, temperature=0.05)
    h = hierarchy(order=k)
    ws = np.concatenate([rng.uniform(-3, 3, 4), [1 + 3e-4, -1 + 2e-4, 1 - 5e-4, -1 - 1e-4]])
    got, exact = {}, {}
    for comp in "RAK":
        expr = h.block(k, m, comp)
        syms = sorted(expr.free_symbols, key=lambda s: s.name)
        f = sp.lambdify(syms, expr, modules="mpmath")
        got[comp] = K.block_kernel(k, m, comp)(ws, p)
        rows = []
        for w in ws:
            vals = _mp_values([s.name for s in syms], w, p)
            with mpmath.workdps(30):
                rows.append(np.array(f(*[vals[s.name] for s in syms]).tolist(), dtype=complex))
        exact[comp] = np.array(rows)
    norm = np.max([np.abs(exact[c]).max(axis=(1, 2)) for c in "RAK"], axis=0)
    # Double precision: the recursion cancels terms of size |G_n|^2 ~ 1/γ near the gap edges
    # and the K block carries 1/(s^R + s^A) ~ 1/γ, so double inputs leave up to ~7e-11 (measured)
    # at γ = 1e-4; extended (longdouble) evaluation meets 1e-12 everywhere.
    for comp in "RAK":
        ext = K.block_kernel(k, m, comp)(ws, p, extended=True)
        err_ext = np.abs(ext - exact[comp]).max(axis=(1, 2)) / norm
        err_dbl = np.abs(got[comp] - exact[comp]).max(axis=(1, 2)) / norm
        assert err_ext.max() < 1e-12, (comp, ws[np.argmax(err_ext)], err_ext.max())
        assert err_dbl.max() < (1e-12 if k <= 1 else 2e-10), (comp, err_dbl.max())


@pytest.mark.parametrize("k,m", [(1, 1), (2, 0), (2, 2), pytest.param(3, 1, marks=pytest.mark.slow)])
def test_retarded_advanced_keldysh_symmetry(k, m, p, rng):
    """g^A_m(ω) = −τ3 [g^R_{−m}(ω+mω0)]† τ3 and g^K_m(ω) = +τ3 [g^K_{−m}(ω+mω0)]† τ3
    (at k = 0: τ3 (g^K)† τ3 = (g^R − g^A) h = g^K):
    the conjugation symmetry of a Hermitian drive, not built into the recursion."""
    w = rng.uniform(-3, 3, 50)
    A = K.block_kernel(k, m, "A")(w, p)
    R = K.block_kernel(k, -m, "R")(w + m * p.omega0, p)
    KK = K.block_kernel(k, m, "K")(w, p)
    Km = K.block_kernel(k, -m, "K")(w + m * p.omega0, p)
    scale = np.abs(A).max()
    assert np.abs(A + TAU3 @ _dag(R) @ TAU3).max() < 1e-10 * scale
    assert np.abs(KK - TAU3 @ _dag(Km) @ TAU3).max() < 1e-10 * np.abs(KK).max()


@pytest.mark.parametrize("k", [1, 2, pytest.param(3, marks=pytest.mark.slow)])
def test_normalisation_from_kernels_on_real_axis(k, p, rng):
    """Σ_j Σ_m' g^(j)_{m−m'}(ω+m'ω0) ∘ g^(k−j)_{m'}(ω) = 0 with physical (real-ω) values."""
    w = rng.uniform(-3, 3, 60)

    def blk(j, mm, ww):
        return [K.block_kernel(j, mm, c)(ww, p) for c in "RAK"]

    for m in range(-k, k + 1, 2):
        tot = [0, 0, 0]
        scale = 0.0
        for j in range(k + 1):
            for mp in range(-(k - j), k - j + 1, 2):
                X, Y = blk(j, m - mp, w + mp * p.omega0), blk(k - j, mp, w)
                prod = [X[0] @ Y[0], X[1] @ Y[1], X[0] @ Y[2] + X[2] @ Y[1]]
                tot = [a + b for a, b in zip(tot, prod)]
                scale = max(scale, max(np.abs(q).max() for q in prod))
        assert max(np.abs(t).max() for t in tot) < 1e-10 * scale


def test_compile_kernel_generic_scalar_and_matrix(p, rng):
    h = hierarchy(order=1)
    tr = sp.trace(kd.TAU3 * h[1, 1].R * kd.TAU3 * kd.g0(0).K)
    kern = K.compile_kernel({"tr": tr, "M": h[1, 1].R, "c": kd.gamma * 2}, key="test-generic")
    w = rng.uniform(-2, 2, (3, 4))
    out = kern(w, p)
    assert out["tr"].shape == (3, 4) and out["M"].shape == (3, 4, 2, 2)
    assert np.allclose(out["c"], 2 * p.gamma)
    R1 = K.block_kernel(1, 1, "R")(w, p)
    gK = K.block_kernel(0, 0, "K")(w, p)
    direct = np.trace(TAU3 @ R1 @ TAU3 @ gK, axis1=-2, axis2=-1)
    assert np.allclose(out["tr"], direct, rtol=1e-12, atol=1e-14)
    assert kern.shifts == (0, 1)
    assert "x0 = " in kern.source   # cse'd, readable


def test_bad_input(p):
    kern = K.block_kernel(1, 1, "R")
    with pytest.raises(ValueError, match="omega"):
        kern(np.array([0.1, np.nan]), p)
    with pytest.raises(ValueError, match="omega"):
        kern(np.array([0.1 + 1j]), p)
    with pytest.raises(ValueError, match="p="):
        kern(np.array([0.1]), {"delta": 1})
    for field, val in [("gamma", 0.0), ("gamma", -1e-3), ("delta", 0.0), ("omega0", -1.0),
                       ("theta", -0.1), ("temperature", -1.0), ("gamma", float("nan")),
                       ("delta", float("inf"))]:
        with pytest.raises(ValueError, match=field):
            DriveParams(**{field: val})
    for bad in (-1, 0.5, "1"):
        with pytest.raises(ValueError, match="k"):
            K.block_kernel(bad, 1, "R")
    with pytest.raises(ValueError, match="comp"):
        K.block_kernel(1, 1, "Q")
    with pytest.raises(ValueError, match="not allowed"):
        K.compile_kernel({"x": sp.Symbol("mystery")}, key="bad")
    with pytest.raises(ValueError, match="exprs"):
        K.compile_kernel({}, key="empty")


def test_zero_block_kernel_needs_no_sympy(p):
    z = K.block_kernel(2, 1, "K")(np.linspace(-1, 1, 5), p)
    assert z.shape == (5, 2, 2) and not z.any()


_WARM = textwrap.dedent("""
    import sys, numpy as np
    from floquetsym import DriveParams
    from floquetsym.kernels import block_kernel
    x = block_kernel(2, 0, "K")(np.linspace(-2, 2, 11), DriveParams(gamma=0.01))
    assert np.isfinite(x).all()
    print("SYMPY" if "sympy" in sys.modules else "NOSYMPY")
""")


def _run(env):
    r = subprocess.run([sys.executable, "-c", _WARM], env=env, capture_output=True, text=True,
                       timeout=300, check=True)
    return r.stdout.strip()


def test_cache_cold_warm_corrupt_stale(tmp_path):
    env = dict(os.environ, FLOQUETSYM_CACHE_DIR=str(tmp_path))
    env.pop("FLOQUETSYM_NO_CACHE", None)
    assert _run(env) == "SYMPY"           # cold: generated with SymPy
    assert _run(env) == "NOSYMPY"         # warm: no SymPy at all
    (path,) = [q for q in tmp_path.iterdir() if q.name.startswith("block-k2-m0-K")]
    good = path.read_text()
    path.write_text(good.replace("x0", "x0 ", 1))          # corrupt body -> checksum fails
    assert _run(env) == "SYMPY"
    assert path.read_text() == good                         # regenerated identically
    path.write_text(good.replace("# KEY: ", "# KEY: 0", 1))  # stale key
    assert _run(env) == "SYMPY"
    assert _run(env) == "NOSYMPY"
    path.write_text("garbage")                               # truncated/garbage
    assert _run(env) == "SYMPY"
    assert not [q for q in tmp_path.iterdir() if q.name.endswith(".tmp")]


def test_no_cache_env_bypasses_disk(tmp_path, monkeypatch, p):
    monkeypatch.setenv("FLOQUETSYM_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FLOQUETSYM_NO_CACHE", "1")
    kern = K.compile_kernel({"x": kd.omega * 2}, key="nocache-test")
    assert kern.path is None and not any(tmp_path.iterdir())
    assert np.allclose(kern(np.array([1.5]), p)["x"], 3.0)
