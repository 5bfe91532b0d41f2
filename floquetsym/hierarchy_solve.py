r"""The Floquet–Keldysh–Usadel hierarchy, paper Eq. (A1), solved order by order in θ.

Equation (docs/conventions.md, :mod:`floquetsym.conventions`): :math:`[\check\Lambda, \check g] = 0`,
:math:`\check g\circ\check g = 1` with :math:`\check\Lambda = \check\Lambda_0 + \theta\check\Lambda_1`,
:math:`\check\Lambda_1 = -i\tau_1/2` on the :math:`\pm\omega_0` off-diagonals (R and A only).
Write :math:`\check g = \sum_k \theta^k \check g^{(k)}` and
:math:`g^{(k)}_m(\omega) \equiv g^{(k)}_{\omega+m\omega_0,\,\omega}` (the coefficient of θ^k).
Floquet products and the drive act as

.. math::
    (\Lambda_1 g)_m(\omega) = -\tfrac{i}{2}\tau_1[g_{m-1}(\omega) + g_{m+1}(\omega)],\quad
    (g\Lambda_1)_m(\omega) = [g_{m-1}(\omega+\omega_0) + g_{m+1}(\omega-\omega_0)](-\tfrac{i}{2}\tau_1),

    (X\circ Y)_m(\omega) = \textstyle\sum_{m'} X_{m-m'}(\omega+m'\omega_0)\,Y_{m'}(\omega).

Order k, shift m, with labels 1 = ω+mω0 and 2 = ω, solves (the one solve of
:mod:`floquetsym.order_by_order`, here with its sparse-polynomial and SymPy backends)
:math:`\check\Lambda_{0,1}X - X\check\Lambda_{0,2} = Y`,
:math:`\check g_1 X + X\check g_2 = Z`,
:math:`Y = -[(\Lambda_1 g^{(k-1)})_m - (g^{(k-1)}\Lambda_1)_m]`,
:math:`Z = -\sum_{j=1}^{k-1}(g^{(j)}\circ g^{(k-j)})_m`:

.. math::
    X^R = g^R_1\frac{Y^R + s^R_2 Z^R}{s^R_1 + s^R_2},\quad X^A \text{ likewise with } s^A,\quad
    X^K = g^R_1\frac{Y' + s^A_2 Z'}{s^R_1 + s^A_2},

    Y' = Y^K - \Lambda^K_1 X^A + X^R\Lambda^K_2,\quad Z' = Z^K - g^K_1 X^A - X^R g^K_2,

which uses only :math:`(g^R)^2 = 1` and :math:`g = \Lambda/s` (derivation: insert
:math:`X g_2 = Z - g_1 X` into :math:`s_1 g_1 X - s_2 X g_2 = Y`).  Parity: :math:`g^{(k)}_m = 0`
unless :math:`|m| \le k` and :math:`m \equiv k \pmod 2` — returned as the :data:`ZERO` marker.

Blocks are written in the zeroth-order functions at shifted frequencies (symbols of
:mod:`floquetsym.keldysh`): :math:`g^R_n = G^R_n\tau_3 - iF^R_n\tau_1` with
:math:`G^R_n = (\omega+n\omega_0+i\gamma)/s^R_n`, :math:`F^R_n = \Delta/s^R_n` (likewise A),
the roots :math:`s^{R,A}_n` and :math:`h_n`, all at ω + nω0.  Λ̌0 is written as s·g, so no
ω, γ or Δ appears explicitly and every identity is algebraic in these symbols.  Orders
≤ ``EXPAND_MAX`` (= 2) are brought to a canonical form (expanded over their denominators
:math:`s_a + s_b`, reduced with :math:`G_n^2 = 1 + F_n^2`), e.g.
:math:`g^{(1)R}_{1} = \tfrac{i}{2}(g^R_1\tau_1 g^R_0 - \tau_1)/(s^R_1 + s^R_0)`;
higher orders are exact but unexpanded expression graphs built from them (the expanded
order-3 K block already has ~7000 terms per entry).

>>> h = hierarchy(order=2)
>>> h[1, 0]
ZERO
"""
from __future__ import annotations

import functools

import sympy as sp

from . import _sparse as _sp
from . import identities
from . import keldysh as kd
from ._sparse import mscale as _mscale  # noqa: F401  (the 2x2 scaling of polynomial blocks)
from .keldysh import ZERO, Block
from .order_by_order import OrderByOrder, nonzero, shifts_of
from .params import require_int

__all__ = ["hierarchy", "Hierarchy", "ZERO", "Block", "shifts_of", "EXPAND_MAX"]

#: orders up to this one are expanded into canonical polynomial form; higher orders are
#: built as (shared) SymPy expression graphs from them — exact, unexpanded, fast to generate
EXPAND_MAX = 2

#: the sparse-polynomial solution (exact, canonical) and the two SymPy ones: ``_SYM`` seeded
#: with the canonical orders ≤ EXPAND_MAX, ``_GRAPH`` built from ǧ0 at every order
SPARSE = OrderByOrder(_sp.SparseAlgebra())


def _pblock(k: int, m: int):
    """Memoised g^(k)_m as a polynomial block, or None when it vanishes by parity."""
    return SPARSE.block(k, m)


def _to_block(pb, reduce: bool = False) -> Block:
    def conv(M):
        return sp.ImmutableMatrix(2, 2, [(M[i][j].clear_denominators() if reduce else M[i][j])
                                         .to_sympy(kd.sym) for i in range(2) for j in range(2)])
    return Block(conv(pb[0]), conv(pb[1]), conv(pb[2]))


@functools.lru_cache(maxsize=None)
def _canonical(k: int, m: int):
    """SymPy triple of the canonical (expanded) block of order k ≤ EXPAND_MAX."""
    b = _to_block(_pblock(k, m))
    return (b.R, b.A, b.K)


_SYM = OrderByOrder(kd.SympyAlgebra(), known=lambda k, m: _canonical(k, m) if k <= EXPAND_MAX else None)
_GRAPH = OrderByOrder(kd.SympyAlgebra())


def _as_block(t):
    return ZERO if t is None else Block(*t)


def _sym_triple(k: int, m: int):
    b = _block(k, m)
    return None if b is ZERO else (b.R, b.A, b.K)


@functools.lru_cache(maxsize=None)
def _block(k: int, m: int):
    """Memoised SymPy form of g^(k)_m (shared by every :class:`Hierarchy`), or ZERO."""
    if not nonzero(k, m):
        return ZERO
    return _as_block(_canonical(k, m) if k <= EXPAND_MAX else _SYM.block(k, m))


@functools.lru_cache(maxsize=None)
def _graph(k: int, m: int):
    """g^(k)_m as an unexpanded SymPy expression graph built by the recursion itself (every
    order, starting from ǧ0).  Mathematically equal to :func:`_block`; numerically better
    conditioned (the solve's numerators are never multiplied out), so kernels use it."""
    return _as_block(_GRAPH.block(k, m))


class Hierarchy:
    """Lazy, memoised view of the blocks :math:`g^{(k)}_{\\omega+m\\omega_0,\\omega}`, k ≤ order.

    ``h[k, m]`` is a :class:`~floquetsym.keldysh.Block` (``.R``, ``.A``, ``.K``: 2x2 SymPy
    matrices, coefficient of θ^k) or :data:`ZERO`.  Blocks are built on first access and
    cached for the whole process (across :func:`hierarchy` calls).  The identity checks
    (:meth:`normalisation`, :meth:`commutator`, :meth:`residual`) live in
    :mod:`floquetsym.identities`.
    """

    def __init__(self, order: int):
        self.order = require_int("order", order, lo=0)

    def _check(self, k, m):
        k = require_int("k", k, lo=0, hi=self.order)
        m = require_int("m", m)
        return k, m

    def __getitem__(self, km):
        k, m = self._check(*km)
        return _block(k, m)

    def shifts(self, k: int) -> tuple[int, ...]:
        """Floquet shifts m with a non-vanishing block at order k."""
        return shifts_of(self._check(k, 0)[0])

    def blocks(self):
        """Iterate ``(k, m, block)`` over all non-vanishing blocks, k = 0..order."""
        for k in range(self.order + 1):
            for m in shifts_of(k):
                yield k, m, self[k, m]

    def graph(self, k: int, m: int):
        """g^(k)_m as the unexpanded expression graph of the recursion (equal to ``self[k, m]``;
        the form kernels are generated from: cse makes it compact and it avoids the
        cancellations of the expanded form).  ZERO by parity."""
        k, m = self._check(k, m)
        return _graph(k, m)

    def block(self, k: int, m: int, comp: str):
        """One Keldysh component ``comp`` ∈ {"R", "A", "K"} of g^(k)_m (ZERO by parity)."""
        b = self[k, m]
        if comp not in ("R", "A", "K"):
            raise ValueError(f"comp={comp!r} is not allowed: need comp in 'R', 'A', 'K'")
        return b if b is ZERO else getattr(b, comp)

    def anomalous(self, k: int, m: int):
        r"""Non-equilibrium part of the Keldysh block,
        :math:`g^K - (g^R h(\omega+m\omega_0) - h(\omega) g^A)` at order k (ZERO by parity).

        It vanishes at k = 0; at k ≥ 1 it carries the driven distribution (the 1/γ terms).
        """
        k, m = self._check(k, m)
        if k > EXPAND_MAX:
            b = self[k, m]
            return ZERO if b is ZERO else b.K - (b.R * kd.hh(m) - kd.hh(0) * b.A)
        pb = _pblock(k, m)
        if pb is None:
            return ZERO
        h1, h2 = _sp.var("h", m), _sp.var("h", 0)
        M = _sp.madd(_sp.madd(pb[2], _sp.mscale(pb[0], h1), -1), _sp.mscale(pb[1], h2))
        return sp.ImmutableMatrix(2, 2, [M[i][j].to_sympy(kd.sym) for i in range(2) for j in range(2)])

    def latex(self, k: int, m: int, comp: str = "K", *, anomalous: bool = False) -> str:
        """LaTeX of one component; ``s^{R}_{n}`` stands for s^R(ω + nω0) etc."""
        e = self.anomalous(k, m) if anomalous and comp == "K" else self.block(k, m, comp)
        if e is ZERO:
            return "0"
        return sp.latex(e, symbol_names=kd.latex_names(e))

    def pretty(self, k: int, m: int, comp: str = "K", **kw) -> str:
        e = self.block(k, m, comp)
        return "0" if e is ZERO else sp.pretty(e, **kw)

    @staticmethod
    def shifted(expr, mp: int):
        """The same expression at ω → ω + mp·ω0 (every x_n → x_{n+mp}), see keldysh.shift."""
        return kd.shift(expr, require_int("mp", mp))

    def _sources(self, k):
        """(backend, block source) of the form the identities are checked in at order k: the
        canonical sparse polynomials up to EXPAND_MAX, the SymPy graphs above."""
        if k <= EXPAND_MAX:
            return _sp.SparseAlgebra(), lambda i, m: _pblock(i, m)
        return kd.SympyAlgebra(), _sym_triple

    def normalisation(self, k: int, m: int) -> Block:
        """Residual Σ_{j=0}^{k} (g^(j) ∘ g^(k−j))_m − δ_{k0}δ_{m0}·1, with denominators cleared and
        (g_n)² = 1 applied exactly up to EXPAND_MAX (a zero Block means the identity holds
        symbolically); above, the unexpanded sum (check it with :meth:`residual`)."""
        k, m = self._check(k, m)
        return self._as_residual_block(k, identities.total(*self._sources(k), k, m, "normalisation"))

    def commutator(self, k: int, m: int) -> Block:
        """Residual [Λ̌, ǧ]^(k)_m = Λ̌0(ω+mω0) g^(k)_m − g^(k)_m Λ̌0(ω)
        + (Λ̌1 g^(k−1))_m − (g^(k−1) Λ̌1)_m, reduced exactly as :meth:`normalisation`."""
        k, m = self._check(k, m)
        return self._as_residual_block(k, identities.total(*self._sources(k), k, m, "commutator"))

    @staticmethod
    def _as_residual_block(k, t):
        return _to_block(t, reduce=True) if k <= EXPAND_MAX else Block(*t)

    def residual(self, k: int, m: int, which: str = "normalisation", *, rng=None,
                 npoints: int = 64) -> float:
        """Largest relative residual of an identity at ``npoints`` random complex points
        (:func:`floquetsym.identities.residual`): ~1e-15 when it holds, O(1) when not."""
        k, m = self._check(k, m)
        return identities.residual(*self._sources(k), k, m, which, rng=rng, npoints=npoints)

    def __repr__(self):
        return f"hierarchy(order={self.order})"


_HIERARCHIES: dict = {}


def hierarchy(order: int = 2) -> Hierarchy:
    """The hierarchy up to ``order`` (any integer ≥ 0); blocks are built lazily and memoised.

    >>> hierarchy(order=2)[2, 0].K.shape
    (2, 2)
    """
    order = require_int("order", order, lo=0)
    if order not in _HIERARCHIES:
        _HIERARCHIES[order] = Hierarchy(order)
    return _HIERARCHIES[order]
