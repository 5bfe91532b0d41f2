r"""Eq. (A1) solved order by order in θ — written once, over a small algebra interface.

Equation (conventions: :mod:`floquetsym.conventions`): :math:`[\check\Lambda, \check g] = 0`,
:math:`\check g\circ\check g = 1`, :math:`\check\Lambda = \check\Lambda_0 + \theta\check\Lambda_1`
with :math:`\check\Lambda_1 = -i\tau_1/2` on the :math:`\pm\omega_0` off-diagonals (R and A only).
With :math:`\check g = \sum_k\theta^k\check g^{(k)}` and
:math:`g^{(k)}_m(\omega_j) \equiv g^{(k)}_{\omega_j+m\omega_0,\,\omega_j}`,
:math:`\omega_j = \omega + j\omega_0`, order k, shift m solves (labels 1 = ω_{j+m}, 2 = ω_j)

.. math::
    \check\Lambda_{0,1}X - X\check\Lambda_{0,2} = Y,\qquad \check g_1 X + X\check g_2 = Z,

    Y = \sum_{\pm}\big[V g^{(k-1)}_{m\mp1}(\omega_j) - g^{(k-1)}_{m\mp1}(\omega_{j\pm1})V\big],
    \quad V = -\check\Lambda_1 = \tfrac{i}{2}\tau_1,

    Z = -\sum_{i=1}^{k-1}\sum_{m'} g^{(i)}_{m-m'}(\omega_{j+m'})\circ g^{(k-i)}_{m'}(\omega_j),

with the closed-form solution (insert :math:`Xg_2 = Z - g_1X` into
:math:`s_1g_1X - s_2Xg_2 = Y`; only :math:`(g^{R,A})^2 = 1` and :math:`\Lambda = s\,g` are used)

.. math::
    X^R = g^R_1\frac{Y^R + s^R_2Z^R}{s^R_1 + s^R_2},\quad
    X^A = g^A_1\frac{Y^A + s^A_2Z^A}{s^A_1 + s^A_2},\quad
    X^K = g^R_1\frac{Y' + s^A_2Z'}{s^R_1 + s^A_2},

    Y' = Y^K - \Lambda^K_1X^A + X^R\Lambda^K_2,\qquad Z' = Z^K - g^K_1X^A - X^Rg^K_2 .

Parity: :math:`g^{(k)}_m = 0` unless :math:`|m|\le k` and :math:`m\equiv k \pmod 2`
(``None`` here).

A *backend* supplies the algebra (a Keldysh triple is a tuple ``(R, A, K)`` of 2x2 objects):

``g0(j)``                    equilibrium triple ǧ0(ω_j)
``s(side, j)``               the root s^{side}(ω_j), side ∈ {"R", "A"}
``mm(a, b)``, ``add(a, b)``, ``neg(a)``, ``scale(a, s)``   2x2 algebra (``scale`` by a root)
``gsolve(g, x, p, q)``       g·x/(s_p + s_q), p, q = (side, j)
``lamK_left(j, x)``, ``lamK_right(x, j)``   Λ^K(ω_j)·x and x·Λ^K(ω_j)
``drive_rhs(pairs)``         Y from the pairs (g^{(k-1)}_{m∓1}(ω_j), g^{(k-1)}_{m∓1}(ω_{j±1}))
``product_sum(pairs)``       Σ x∘y over the pairs of Z (default: :func:`kprod` + :func:`kadd`)
``zero()``                   a zero triple
``lam0(j)``, ``drive()``     Λ̌0(ω_j) and Λ̌1 (used by :class:`AlgebraBase`'s defaults)
``shift(x, mp)``             optional: the triple at ω → ω + mp·ω0 (symbolic relabelling);
                             backends without it evaluate every ω_j directly
``neg_product_sum(pairs)``   optional: Z = −Σ x∘y in one call (instead of ``product_sum``
                             and ``neg``)
``solve_block(m, j, Y, Z)``  optional: the closed-form X of :meth:`OrderByOrder.solve` in one
                             call (Y, Z ``None`` when zero)

Backends: sparse polynomials (:mod:`floquetsym._sparse`), SymPy (:mod:`floquetsym.keldysh`),
NumPy arrays on an ω grid (:mod:`floquetsym.recursion`).  The exact Floquet solver
(:mod:`floquetsym.floquet`) does not use this module: it is the independent route.
"""
from __future__ import annotations

__all__ = ["OrderByOrder", "AlgebraBase", "nonzero", "shifts_of", "kprod", "kadd"]


def nonzero(k: int, m: int) -> bool:
    """True iff g^(k)_m can be non-zero: k ≥ 0, |m| ≤ k, m ≡ k (mod 2)."""
    return k >= 0 and abs(m) <= k and (m - k) % 2 == 0


def shifts_of(k: int) -> tuple[int, ...]:
    """Non-vanishing Floquet shifts m of order k: |m| ≤ k, m ≡ k (mod 2)."""
    return tuple(range(-k, k + 1, 2))


def kprod(b, x, y):
    """Keldysh product (x∘y)^R = x^R y^R, ^A = x^A y^A, ^K = x^R y^K + x^K y^A (backend b)."""
    return (b.mm(x[0], y[0]), b.mm(x[1], y[1]), b.add(b.mm(x[0], y[2]), b.mm(x[2], y[1])))


def kadd(b, x, y):
    """x + y componentwise; ``None`` is the zero triple."""
    if x is None:
        return y
    if y is None:
        return x
    return tuple(b.add(u, v) for u, v in zip(x, y))


class AlgebraBase:
    """Defaults of the backend interface: the arithmetic operators for ``add``/``neg``/``scale``
    (SymPy matrices and NumPy arrays), Λ^K products and the drive term from ``mm``, ``lam0``
    and ``drive``; a backend overrides them where it has another (or faster) form."""

    @staticmethod
    def add(a, b):
        return a + b

    @staticmethod
    def neg(a):
        return -a

    @staticmethod
    def scale(a, s):
        return s * a

    def lamK_left(self, j, x):
        return self.mm(self.lam0(j)[2], x)

    def lamK_right(self, x, j):
        return self.mm(x, self.lam0(j)[2])

    def product_sum(self, pairs):
        """Σ x∘y (Keldysh products) over the pairs (x, y), summed in order."""
        out = None
        for x, y in pairs:
            out = kadd(self, out, kprod(self, x, y))
        return out

    def drive_rhs(self, pairs):
        """Y = −Σ [Λ̌1∘a − c∘Λ̌1] over the pairs (a, c) (module docstring)."""
        d = self.drive()
        out = None
        for a, c in pairs:
            t = kprod(self, d, a)
            u = kprod(self, c, d)
            out = kadd(self, out, tuple(self.add(x, self.neg(y)) for x, y in zip(t, u)))
        return tuple(self.neg(x) for x in out)


class OrderByOrder:
    """Memoised blocks g^(k)_m(ω_j) of Eq. (A1) in one backend (module docstring).

    ``known(k, m)`` (optional) returns a precomputed block at j = 0 (or ``None``): the
    symbolic hierarchy seeds its unexpanded higher orders with the canonical low ones."""

    def __init__(self, backend, known=None):
        self.b = backend
        self.known = known
        self.relabels = hasattr(backend, "shift")
        self.memo: dict = {}

    def block(self, k: int, m: int, j: int = 0):
        """θ^k coefficient of g_{ω_{j+m}, ω_j} as a triple, or ``None`` by parity."""
        if not nonzero(k, m):
            return None
        key = (k, m, j)
        out = self.memo.get(key)
        if out is not None:
            return out
        if j and self.relabels:
            out = self.b.shift(self.block(k, m, 0), j)
        elif k == 0:
            out = self.b.g0(j)
        else:
            out = self.known(k, m) if self.known is not None else None
            if out is None:
                out = self.solve(m, j, self.drive_rhs(k, m, j), self.norm_rhs(k, m, j))
        self.memo[key] = out
        return out

    def drive_rhs(self, k: int, m: int, j: int):
        """Y of order k (module docstring), or ``None`` if both neighbours vanish."""
        pairs = [(self.block(k - 1, m - 1, j), self.block(k - 1, m - 1, j + 1)),
                 (self.block(k - 1, m + 1, j), self.block(k - 1, m + 1, j - 1))]
        pairs = [pq for pq in pairs if pq[0] is not None]
        return self.b.drive_rhs(pairs) if pairs else None

    def product_pairs(self, i: int, l: int, m: int, j: int):
        """The factors (g^(i)_{m−m'}(ω_{j+m'}), g^(l)_{m'}(ω_j)) of (g^(i) ∘ g^(l))_m(ω_j)."""
        for mp in shifts_of(l):
            a = self.block(i, m - mp, j + mp)
            if a is not None:
                yield a, self.block(l, mp, j)

    def norm_rhs(self, k: int, m: int, j: int):
        """Z of order k: −Σ_{i=1}^{k−1} (g^(i) ∘ g^(k−i))_m(ω_j), or ``None``."""
        pairs = [pq for i in range(1, k) for pq in self.product_pairs(i, k - i, m, j)]
        if not pairs:
            return None
        fused = getattr(self.b, "neg_product_sum", None)
        if fused is not None:
            return fused(pairs)
        return tuple(self.b.neg(c) for c in self.b.product_sum(pairs))

    def solve(self, m: int, j: int, Y, Z):
        """The closed-form solution X of the two linear equations (module docstring)."""
        b = self.b
        fused = getattr(b, "solve_block", None)
        if fused is not None:
            return fused(m, j, Y, Z)
        zero = b.zero()
        Y = zero if Y is None else Y
        Z = zero if Z is None else Z
        g1, g2 = b.g0(j + m), b.g0(j)
        XR = b.gsolve(g1[0], b.add(Y[0], b.scale(Z[0], b.s("R", j))), ("R", j + m), ("R", j))
        XA = b.gsolve(g1[1], b.add(Y[1], b.scale(Z[1], b.s("A", j))), ("A", j + m), ("A", j))
        Yp = b.add(b.add(Y[2], b.neg(b.lamK_left(j + m, XA))), b.lamK_right(XR, j))
        Zp = b.add(b.add(Z[2], b.neg(b.mm(g1[2], XA))), b.neg(b.mm(XR, g2[2])))
        XK = b.gsolve(g1[0], b.add(Yp, b.scale(Zp, b.s("A", j))), ("R", j + m), ("A", j))
        return (XR, XA, XK)
