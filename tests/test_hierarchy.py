"""The symbolic hierarchy, Eq. (A1): closed forms, parity, identities order by order."""
import numpy as np
import pytest
import sympy as sp

from floquetsym import keldysh as kd
from floquetsym.hierarchy_solve import ZERO, Block, hierarchy


@pytest.fixture(scope="module")
def h2():
    return hierarchy(order=2)


def _is_zero_block(b):
    return all(sp.expand(x) == 0 for c in "RAK" for x in getattr(b, c))


def test_zeroth_order_is_normalised_and_keldysh_is_equilibrium(h2):
    g = h2[0, 0]
    # (g^R)^2 = 1 and (g^A)^2 = 1 using only G^2 - F^2 = 1
    for M in (g.R, g.A):
        sq = (M * M).applyfunc(kd.reduce_normal)
        assert sq == sp.eye(2)
    # g^K = (g^R - g^A) h, and in explicit form g^R = ((w + i gamma) tau3 - i Delta tau1)/s^R
    assert sp.expand(g.K - (g.R - g.A) * kd.hh(0)) == sp.zeros(2)
    explicit = kd.explicit(g.R)
    closed = ((kd.omega + sp.I * kd.gamma) * kd.TAU3 - sp.I * kd.Delta * kd.TAU1) / kd.sR(0)
    assert sp.simplify(explicit - closed) == sp.zeros(2)


@pytest.mark.parametrize("k,m", [(1, 0), (2, 1), (2, 3), (3, 0), (0, 1), (4, -6)])
def test_parity_gives_zero_marker(k, m):
    b = hierarchy(order=4)[k, m]
    assert b is ZERO
    assert not b and b.K is ZERO and (kd.TAU3 * b) is ZERO and (b + 1) == 1


def test_first_order_closed_form(h2):
    """X^R = g1 Y/(s1+s2), Y^R = (i/2)(τ1 g2 − g1 τ1)  ⇒  (i/2)(g1 τ1 g2 − τ1)/(s1+s2)."""
    for m in (1, -1):
        g1, g2 = kd.gR_matrix(m), kd.gR_matrix(0)
        closed = sp.I / 2 * (g1 * kd.TAU1 * g2 - kd.TAU1) / (kd.sR(m) + kd.sR(0))
        diff = (h2[1, m].R - closed).applyfunc(kd.reduce_normal)
        assert diff == sp.zeros(2)


@pytest.mark.parametrize("k,m", [(0, 0), (1, -1), (1, 1)])
def test_identities_hold_symbolically_low_order(h2, k, m):
    assert _is_zero_block(h2.normalisation(k, m))
    assert _is_zero_block(h2.commutator(k, m))


@pytest.mark.parametrize("k", [0, 1, 2])
def test_identities_hold_numerically(h2, k, rng):
    for m in h2.shifts(k):
        assert h2.residual(k, m, "normalisation", rng=rng, npoints=64) < 1e-10
        assert h2.residual(k, m, "commutator", rng=rng, npoints=64) < 1e-10


def test_residual_detects_a_wrong_block(h2, rng, monkeypatch):
    """The check can fail: scale g^(1)R_1 by 1.01 and the commutator residual is O(1e-3)."""
    from floquetsym import hierarchy_solve as H
    orig = H._pblock
    good = orig(1, 1)
    bad = (H._mscale(good[0], 1.01), good[1], good[2])
    monkeypatch.setattr(H, "_pblock", lambda k, m: bad if (k, m) == (1, 1) else orig(k, m))
    assert h2.residual(1, 1, "commutator", rng=rng) > 1e-4


@pytest.mark.slow
@pytest.mark.parametrize("k", [3, 4])
def test_identities_hold_numerically_high_order(k, rng):
    h = hierarchy(order=k)
    for m in h.shifts(k):
        assert h.residual(k, m, "normalisation", rng=rng, npoints=50) < 1e-10
        assert h.residual(k, m, "commutator", rng=rng, npoints=50) < 1e-10


@pytest.mark.slow
@pytest.mark.parametrize("m", [-2, 0, 2])
def test_identities_hold_symbolically_order2(h2, m):
    assert _is_zero_block(h2.normalisation(2, m))
    assert _is_zero_block(h2.commutator(2, m))


def test_shift_moves_every_frequency(h2):
    assert h2.shifted(kd.g0(0).R, 2) == kd.g0(2).R
    e = h2[1, 1].K
    assert h2.shifted(h2.shifted(e, 1), -3) == h2.shifted(e, -2)
    assert h2.shifted(kd.omega + kd.sR(-1), 1) == kd.omega + kd.omega0 + kd.sR(0)


@pytest.mark.parametrize("k,m", [(1, 1), (1, -1), (2, 0), (2, 2)])
def test_anomalous_part_vanishes_for_flat_distribution(h2, k, m, rng):
    """With h(ω) constant the ansatz g^K = g^R h − h g^A solves every order: the anomalous
    (non-equilibrium) part must vanish; with a generic h it must not."""
    an = h2.anomalous(k, m)
    hs = sorted((s for s in an.free_symbols if s.name.startswith("h_")), key=str)
    assert len(hs) >= 2
    from floquetsym.identities import _random_values
    syms = sorted(an.free_symbols, key=str)
    vals = _random_values(frozenset(kd.symbol_kind(s.name) for s in syms), rng, 50)
    f = sp.lambdify(syms, list(an) + list(h2[k, m].K), "numpy")

    def run(flat):
        args = [vals[kd.symbol_kind(s.name)] for s in syms]
        if flat:
            args = [vals[("h", 0)] if s.name.startswith("h_") else a for s, a in zip(syms, args)]
        out = [np.broadcast_to(np.asarray(x, dtype=complex), (50,)) for x in f(*args)]
        return np.abs(out[:4]).max(axis=0) / np.abs(out[4:]).max(axis=0)

    assert run(flat=True).max() < 1e-12
    assert run(flat=False).min() > 1e-6
    assert hierarchy(order=0).anomalous(0, 0) == sp.zeros(2)


def test_block_api_and_printing(h2):
    b = h2[2, 0]
    assert isinstance(b, Block) and b.K.shape == (2, 2)
    assert h2.block(2, 0, "K") == b.K
    assert h2.block(2, 1, "K") is ZERO
    tex = h2.latex(1, 1, "K")
    assert "s^{R}_{1}" in tex and "G^{R}_{0}" in tex and "h_{1}" in tex
    assert h2.latex(1, 0, "R") == "0"
    assert "sR_0" in str(h2.block(1, 1, "R"))


@pytest.mark.parametrize("bad", [-1, 1.5, "2", None, True])
def test_bad_order(bad):
    with pytest.raises(ValueError, match="order"):
        hierarchy(order=bad)


def test_bad_indices(h2):
    with pytest.raises(ValueError, match="k"):
        h2[3, 1]
    with pytest.raises(ValueError, match="k"):
        h2[-1, 1]
    with pytest.raises(ValueError, match="m"):
        h2[1, 0.5]
    with pytest.raises(ValueError, match="comp"):
        h2.block(1, 1, "X")
    with pytest.raises(ValueError, match="which"):
        h2.residual(1, 1, "nonsense")
