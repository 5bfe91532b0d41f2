r"""Quadrature and multistep weights of the high-order two-time solver (:mod:`numerics.kb_gregory`).

All weights are for unit spacing (multiply by dt) and degree q = order − 1 polynomial
interpolation on equally spaced nodes (the construction of the Gregory / Newton–Cotes-type
rules used by NESSi):

* :func:`start_weights` — S[m, l] = ∫_0^m L_l(x) dx, L_l the Lagrange basis on nodes 0..q
  (m = 0..q): the block start of a Volterra integro-differential equation,
      y_m = y_0 + Σ_l S[m, l] f_l,   ∫_0^{x_m} f ≈ Σ_l S[m, l] f_l   (m ≤ q),
  exact for polynomials of degree q, local error O(dt^{q+2}).
* :func:`adams_moulton` — A_l = ∫_{q−1}^{q} L_l(x) dx: y_m = y_{m−1} + Σ_l A_l f_{m−q+l}
  (implicit Adams–Moulton of order q + 1).
* :func:`segment_weights` — composite rule for ∫_0^L over the nodes 0..L: every unit interval
  [i, i+1] is integrated with the degree-min(q, L) interpolant through the q + 1 nodes nearest
  to it (centred, shifted inwards at the ends).  Interior weights are exactly 1 (translation
  invariance and exactness for constants); only the ~2q nodes next to each end differ — a
  Gregory rule, order q + 1.
* :func:`split_weights` — the same over 0..L with a breakpoint (a kink of the integrand at a
  node, here the quench): the two segments are integrated separately, no stencil straddles it.

Checked in tests/test_kb_gregory.py: exactness on polynomials of degree q and the order
q + 1 on e^{iωx}.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["start_weights", "adams_moulton", "segment_weights", "split_weights", "long_ends",
           "short_table"]


def _lagrange_integrals(q: int, a: float, b: float) -> np.ndarray:
    """∫_a^b L_l(x) dx for the Lagrange basis on the nodes 0..q (exact, via the monomial basis)."""
    nodes = np.arange(q + 1, dtype=float)
    V = np.vander(nodes, q + 1, increasing=True)            # V[i, k] = i^k
    k = np.arange(q + 1)
    mom = (b ** (k + 1) - a ** (k + 1)) / (k + 1)            # ∫ x^k
    return np.linalg.solve(V.T, mom)                          # Σ_l w_l l^k = mom_k


@lru_cache(maxsize=None)
def start_weights(q: int) -> np.ndarray:
    """S[m, l] = ∫_0^m L_l (m, l = 0..q), shape (q + 1, q + 1); row 0 is zero."""
    return np.array([_lagrange_integrals(q, 0.0, float(m)) for m in range(q + 1)])


@lru_cache(maxsize=None)
def adams_moulton(q: int) -> np.ndarray:
    """A_l = ∫_{q−1}^{q} L_l (l = 0..q): weights of f_{m−q}..f_m in y_m − y_{m−1}."""
    return _lagrange_integrals(q, q - 1.0, float(q))


@lru_cache(maxsize=None)
def _interval_table(q: int) -> np.ndarray:
    """W[o, l] = ∫_o^{o+1} L_l (o = 0..q−1): one unit interval at offset o inside the stencil."""
    return np.array([_lagrange_integrals(q, float(o), o + 1.0) for o in range(q)])


@lru_cache(maxsize=None)
def _segment_weights_cached(L: int, q: int) -> np.ndarray:
    d = min(q, L)
    if L == 0:
        return np.zeros(1)
    W = _interval_table(d)
    w = np.zeros(L + 1)
    for i in range(L):
        s = min(max(i - d // 2, 0), L - d)
        w[s:s + d + 1] += W[i - s]
    return w


def segment_weights(L: int, q: int) -> np.ndarray:
    """Composite weights of ∫_0^L over the nodes 0..L (length L + 1; module docstring)."""
    return _segment_weights_cached(int(L), int(q)).copy()


@lru_cache(maxsize=None)
def long_ends(q: int) -> tuple[int, int, np.ndarray, np.ndarray]:
    """(L0, p, left, right): for every L ≥ L0 the composite weights are ``left`` on nodes
    0..p−1, 1 inside and ``right`` on nodes L−p+1..L (checked against the direct sum)."""
    p = q + 2                                                 # non-unit weights: q + 1 nodes
    L0 = 2 * p + 2
    w = _segment_weights_cached(L0, q)
    left, right = w[:p].copy(), w[L0 - p + 1:].copy()
    assert np.allclose(w[p:L0 - p + 1], 1.0, atol=1e-12)
    return L0, p, left, right


def split_weights(L: int, bp: int | None, q: int) -> np.ndarray:
    """Weights of ∫_0^L over the nodes 0..L with a kink at node ``bp`` (None or outside
    (0, L): no split)."""
    if bp is None or bp <= 0 or bp >= L:
        return _fast_segment(L, q)
    w = np.zeros(L + 1)
    w[:bp + 1] += _fast_segment(bp, q)
    w[bp:] += _fast_segment(L - bp, q)
    return w


def _fast_segment(L: int, q: int) -> np.ndarray:
    L0, p, left, right = long_ends(q)
    if L < L0:
        return segment_weights(L, q)
    w = np.ones(L + 1)
    w[:p] = left
    w[L - p + 1:] = right
    return w


@lru_cache(maxsize=None)
def short_table(q: int) -> np.ndarray:
    """T[L, l] = composite weights of ∫_0^L (l ≤ L) for L < L0 (rows zero-padded)."""
    L0 = long_ends(q)[0]
    T = np.zeros((L0, L0))
    for L in range(L0):
        T[L, :L + 1] = _segment_weights_cached(L, q)
    return T
