r"""Sparse polynomial arithmetic for the hierarchy (internal; docs/conventions.md).

SymPy expression trees grow exponentially when the hierarchy is iterated, and ``expand``
on them is slow.  Here every matrix entry of a block is a sparse polynomial (a dict
``monomial -> coefficient``) in the zeroth-order functions at shifted frequencies

    ("GR", n), ("FR", n), ("GA", n), ("FA", n)   g^{R,A}(ω+nω0) = G τ3 − i F τ1
    ("sR", n), ("sA", n)                          the roots s^{R,A}(ω+nω0)
    ("h", n)                                      tanh((ω+nω0)/2T)
    ("D", (k1, a), (k2, b))                       1/(s^{k1}_a + s^{k2}_b), (k1, a) < (k2, b)

kept reduced with :math:`G_n^2 = 1 + F_n^2` (i.e. :math:`(g_n)^2 = 1`), so the form is
canonical up to the denominator relations (which :meth:`P.reduce_denominators` applies).
Coefficients are Gaussian dyadic rationals (the drive is −iτ1/2), exact in ``complex``.
A monomial is a sorted tuple of ``(variable, exponent)`` pairs.
"""
from __future__ import annotations

import functools
from fractions import Fraction

from .order_by_order import AlgebraBase

__all__ = ["P", "var", "den", "ONE", "shift_var", "SparseAlgebra", "g0p", "lam0p", "mm", "madd",
           "mscale", "ZERO2"]


_G_TO_F = {"GR": "FR", "GA": "FA"}


def _mono_mul(m1, m2):
    d = dict(m1)
    for v, e in m2:
        d[v] = d.get(v, 0) + e
    return d


def _normalise(d, coeff, out):
    """Add coeff·Π v^e (dict d) to ``out`` applying G^2 = 1 + F^2 recursively."""
    for v, e in d.items():
        if e >= 2 and v[0] in _G_TO_F:
            f = (_G_TO_F[v[0]], v[1])
            d1 = dict(d)
            if e == 2:
                del d1[v]
            else:
                d1[v] = e - 2
            _normalise(d1, coeff, out)
            d2 = dict(d1)
            d2[f] = d2.get(f, 0) + 2
            _normalise(d2, coeff, out)
            return
    key = tuple(sorted(d.items()))
    c = out.get(key, 0) + coeff
    if c == 0:
        out.pop(key, None)
    else:
        out[key] = c


class P:
    """A sparse polynomial; immutable by convention."""

    __slots__ = ("t",)

    def __init__(self, terms=None):
        self.t = terms or {}

    @staticmethod
    def const(c):
        return P({(): complex(c)} if c else {})

    def __add__(self, other):
        if not isinstance(other, P):
            other = P.const(other)
        out = dict(self.t)
        for m, c in other.t.items():
            v = out.get(m, 0) + c
            if v == 0:
                out.pop(m, None)
            else:
                out[m] = v
        return P(out)

    __radd__ = __add__

    def __neg__(self):
        return P({m: -c for m, c in self.t.items()})

    def __sub__(self, other):
        return self + (-other if isinstance(other, P) else P.const(-other))

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if not isinstance(other, P):
            c = complex(other)
            return P({m: v * c for m, v in self.t.items()}) if c else P()
        out = {}
        for m1, c1 in self.t.items():
            for m2, c2 in other.t.items():
                _normalise(_mono_mul(m1, m2), c1 * c2, out)
        return P(out)

    __rmul__ = __mul__

    def __bool__(self):
        return bool(self.t)

    def __len__(self):
        return len(self.t)

    def shift(self, mp: int) -> "P":
        """Every frequency index n → n + mp (ω → ω + mp·ω0)."""
        if mp == 0:
            return self
        return P({tuple((shift_var(v, mp), e) for v, e in m): c for m, c in self.t.items()})

    def variables(self):
        return {v for m in self.t for v, _ in m}

    def clear_denominators(self) -> "P":
        """Multiply by Π (s_a + s_b)^{e_max} over every denominator D(a, b), so that the result
        is a polynomial in G, F, s, h only (reduced with G² = 1 + F², for which that rule
        alone is a Gröbner basis).  Zero iff ``self`` vanishes on the zeroth-order variety."""
        emax = {}
        for m in self.t:
            for v, e in m:
                if v[0] == "D":
                    emax[v] = max(emax.get(v, 0), e)
        if not emax:
            return self
        powers = {}
        out = P()
        for m, c in self.t.items():
            d = dict(m)
            term = P()
            plain = {v: e for v, e in d.items() if v[0] != "D"}
            tmp = {}
            _normalise(plain, c, tmp)
            term = P(tmp)
            for D, em in emax.items():
                k = em - d.get(D, 0)
                if k:
                    if (D, k) not in powers:
                        base = var("s" + D[1][0], D[1][1]) + var("s" + D[2][0], D[2][1])
                        acc = ONE
                        for _ in range(k):
                            acc = acc * base
                        powers[D, k] = acc
                    term = term * powers[D, k]
            out = out + term
        return out

    def evaluate(self, values: dict):
        """Numerical value; ``values[var]`` are numbers or NumPy arrays (D computed here)."""
        total = 0
        for m, c in self.t.items():
            term = c
            for v, e in m:
                x = values[v] if v[0] != "D" else 1.0 / (values[("s" + v[1][0], v[1][1])]
                                                         + values[("s" + v[2][0], v[2][1])])
                term = term * x**e
            total = total + term
        return total

    def to_sympy(self, symbol):
        """SymPy expression, terms grouped by their denominator; ``symbol(kind, n)`` names."""
        import sympy as sp

        groups = {}
        for m, c in self.t.items():
            dens = tuple((v, e) for v, e in m if v[0] == "D")
            nums = tuple((v, e) for v, e in m if v[0] != "D")
            groups.setdefault(dens, []).append((nums, c))
        out = []
        for dens, terms in sorted(groups.items(), key=lambda kv: (len(kv[0]), kv[0])):
            num = sp.Add(*[_coeff(c) * sp.Mul(*[symbol(*v) ** e for v, e in nums]) for nums, c in terms])
            den = sp.Mul(*[(symbol("s" + v[1][0], v[1][1]) + symbol("s" + v[2][0], v[2][1])) ** e
                           for v, e in dens])
            out.append(num / den)
        return sp.Add(*out)


def _coeff(c: complex):
    import sympy as sp

    re, im = Fraction(c.real), Fraction(c.imag)
    if max(abs(re.denominator), abs(im.denominator)) > 2**20:  # pragma: no cover - guard
        raise ArithmeticError(f"coefficient {c!r} is not a small dyadic rational")
    return sp.Rational(re.numerator, re.denominator) + sp.I * sp.Rational(im.numerator, im.denominator)


def shift_var(v, mp):
    if v[0] == "D":
        return ("D", (v[1][0], v[1][1] + mp), (v[2][0], v[2][1] + mp))
    return (v[0], v[1] + mp)


def var(kind: str, n: int) -> P:
    return P({(((kind, n), 1),): 1 + 0j})


def den(k1: str, a: int, k2: str, b: int) -> P:
    """1/(s^{k1}_a + s^{k2}_b) with k1, k2 in {"R", "A"}."""
    p, q = sorted([(k1, a), (k2, b)])
    return P({((("D", p, q), 1),): 1 + 0j})


ONE = P.const(1)


# ---- 2x2 matrices of polynomials and the backend of floquetsym.order_by_order --------------
# A polynomial block is a triple (R, A, K) of 2x2 nested lists of P.

def mm(X, Y):
    return [[X[i][0] * Y[0][j] + X[i][1] * Y[1][j] for j in range(2)] for i in range(2)]


def madd(X, Y, c=1):
    return [[X[i][j] + Y[i][j] * c for j in range(2)] for i in range(2)]


def mscale(X, c):
    return [[X[i][j] * c for j in range(2)] for i in range(2)]


ZERO2 = [[P(), P()], [P(), P()]]


def _g_matrix(kind: str, n: int):
    G, F = var("G" + kind, n), var("F" + kind, n)
    return [[G, F * -1j], [F * -1j, -G]]


@functools.lru_cache(maxsize=None)
def g0p(n: int):
    """ǧ0(ω+nω0): g^{R,A} = G τ3 − iF τ1, g^K = (g^R − g^A) h."""
    gr, ga = _g_matrix("R", n), _g_matrix("A", n)
    return (gr, ga, mscale(madd(gr, ga, -1), var("h", n)))


@functools.lru_cache(maxsize=None)
def lam0p(n: int):
    """Λ̌0(ω+nω0) = s·g (R, A) and Λ^K = Λ^R h − h Λ^A = 2iγ h τ3 (docs/conventions.md)."""
    gr, ga, _ = g0p(n)
    lr, la = mscale(gr, var("sR", n)), mscale(ga, var("sA", n))
    return (lr, la, mscale(madd(lr, la, -1), var("h", n)))


_DRIVE = [[P(), P.const(-0.5j)], [P.const(-0.5j), P()]]


class SparseAlgebra(AlgebraBase):
    """Sparse-polynomial backend of :mod:`floquetsym.order_by_order` (exact arithmetic: the
    coefficients are Gaussian dyadic rationals); a block at ω + jω0 is the j = 0 block with
    every frequency index relabelled."""

    g0 = staticmethod(g0p)
    lam0 = staticmethod(lam0p)
    mm = staticmethod(mm)

    @staticmethod
    def drive():
        return (_DRIVE, _DRIVE, ZERO2)

    @staticmethod
    def s(side, j):
        return var("s" + side, j)

    @staticmethod
    def zero():
        return (ZERO2, ZERO2, ZERO2)

    @staticmethod
    def one():
        one = [[ONE, P()], [P(), ONE]]
        return (one, one, ZERO2)

    @staticmethod
    def add(a, b):
        return madd(a, b)

    @staticmethod
    def neg(a):
        return mscale(a, -1)

    @staticmethod
    def scale(a, s):
        return mscale(a, s)

    @staticmethod
    def gsolve(g, x, p, q):
        return mscale(mm(g, x), den(p[0], p[1], q[0], q[1]))

    @staticmethod
    def shift(x, mp):
        return tuple([[c[i][j].shift(mp) for j in range(2)] for i in range(2)] for c in x)
