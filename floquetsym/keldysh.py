r"""Keldysh–Nambu block algebra for the Floquet–Usadel hierarchy (docs/conventions.md).

A :class:`Block` holds the three 2x2 Nambu matrices of a Keldysh object
:math:`\check X = \begin{pmatrix} X^R & X^K \\ 0 & X^A\end{pmatrix}` as immutable SymPy
matrices.  Products follow the Keldysh rule (conventions.py)::

    (X∘Y)^R = X^R Y^R,   (X∘Y)^A = X^A Y^A,   (X∘Y)^K = X^R Y^K + X^K Y^A.

Floquet blocks :math:`X_{\omega+m\omega_0,\,\omega}` are expressions in the symbols below;
:func:`shift` evaluates one at :math:`\omega \to \omega + m'\omega_0`.

Symbols (created once, with assumptions)
    ``omega`` (real), ``omega0``, ``gamma``, ``Delta`` (positive), ``theta``, ``T``
    (non-negative), and for every Floquet shift *n* the zeroth-order functions at
    :math:`\omega + n\omega_0` (:func:`sym`): ``sR_n``, ``sA_n`` = :math:`s^{R,A}(\omega+n\omega_0)`,
    ``GR_n = (ω+nω0+iγ)/sR_n``, ``FR_n = Δ/sR_n`` (so :math:`g^R_n = G^R_n\tau_3 - iF^R_n\tau_1`),
    ``GA_n``, ``FA_n`` likewise, and ``h_n`` = :math:`\tanh((\omega+n\omega_0)/2T)` (real).
    Negative *n* is spelled ``m``: ``sR_m1``.  No square root is ever written symbolically: a
    kernel receives the branch-correct numbers from :func:`floquetsym.conventions.s_retarded`
    / ``s_advanced``.  The only algebraic facts the hierarchy uses are
    :math:`(G_n)^2 - (F_n)^2 = 1` (i.e. :math:`g_n^2 = 1`) and :math:`\Lambda_n = s_n g_n`
    (see :func:`reduce_normal`, :func:`explicit`).

Zeroth order at shift *n* (docs/conventions.md):
    :math:`\Lambda^R_n = s^R_n g^R_n = (\omega+n\omega_0+i\gamma)\tau_3 - i\Delta\tau_1`,
    :math:`\Lambda^A_n = s^A_n g^A_n`, :math:`\Lambda^K_n = \Lambda^R_n h_n - h_n\Lambda^A_n
    = 2i\gamma h_n\tau_3`;  :math:`g^K_n = g^R_n h_n - h_n g^A_n`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from .conventions import parse_shift_symbol, reservoir_z, symbolic
from .order_by_order import AlgebraBase

__all__ = [
    "omega", "omega0", "gamma", "Delta", "theta", "T", "TAU0", "TAU1", "TAU2", "TAU3",
    "sym", "sR", "sA", "hh", "Block", "ZERO", "shift", "lam0", "g0",
    "gR_matrix", "gA_matrix", "explicit", "reduce_normal",
    "drive", "latex_names", "symbol_kind", "SympyAlgebra",
]

_S = symbolic()     # the one set of symbols and Pauli matrices (floquetsym.conventions)
omega, omega0, gamma, Delta, theta, T = _S.omega, _S.omega0, _S.gamma, _S.Delta, _S.theta, _S.T
TAU0, TAU1, TAU2, TAU3 = _S.TAU0, _S.TAU1, _S.TAU2, _S.TAU3
_Z2 = sp.ImmutableMatrix.zeros(2, 2)

_KINDS = ("sR", "sA", "GR", "FR", "GA", "FA", "h")


def _tag(n: int) -> str:
    return f"m{-n}" if n < 0 else str(n)


_DOC = {
    "sR": "s^R(ω+nω0) = √(z−Δ)√(z+Δ), z = ω+nω0+iγ",
    "sA": "s^A(ω+nω0) = −conj(s^R)",
    "GR": "normal part of g^R(ω+nω0): (ω+nω0+iγ)/s^R",
    "FR": "anomalous part of g^R(ω+nω0): Δ/s^R",
    "GA": "normal part of g^A(ω+nω0): (ω+nω0−iγ)/s^A",
    "FA": "anomalous part of g^A(ω+nω0): Δ/s^A",
    "h": "h(ω+nω0) = tanh((ω+nω0)/2T)",
}


@functools.lru_cache(maxsize=None)
def sym(kind: str, n: int) -> sp.Symbol:
    """The zeroth-order symbol ``kind`` ∈ {sR, sA, GR, FR, GA, FA, h} at ω + nω0 (see _DOC)."""
    if kind not in _KINDS:
        raise ValueError(f"kind={kind!r} is not allowed: need kind in {_KINDS}")
    return sp.Symbol(f"{kind}_{_tag(int(n))}", real=(kind == "h"))


def sR(n: int) -> sp.Symbol:
    """:math:`s^R(\\omega + n\\omega_0)` (branch supplied numerically)."""
    return sym("sR", n)


def sA(n: int) -> sp.Symbol:
    """:math:`s^A(\\omega + n\\omega_0) = -\\overline{s^R}` on the real axis."""
    return sym("sA", n)


def hh(n: int) -> sp.Symbol:
    """:math:`h(\\omega + n\\omega_0) = \\tanh((\\omega+n\\omega_0)/2T)`."""
    return sym("h", n)


def symbol_kind(name: str):
    """``"sR_m2" -> ("sR", -2)``; ``None`` for names that are not shift symbols."""
    return parse_shift_symbol(name)


def latex_names(expr) -> dict:
    """``symbol_names`` for :func:`sympy.latex`: ``sR_m1 -> s^{R}_{-1}``, ``GR_1 -> G^{R}_{1}``."""
    out = {}
    for s in getattr(expr, "free_symbols", ()):
        kind = symbol_kind(s.name)
        if kind is not None:
            k = kind[0]
            base = "h" if k == "h" else f"{k[0].lower() if k[0] == 's' else k[0]}^{{{k[1]}}}"
            out[s] = f"{base}_{{{kind[1]}}}"
    return out


class _Zero:
    """The ZERO marker: a Floquet block that vanishes by parity.

    It is additive identity and multiplicative zero for blocks *and* 2x2 matrices, and its
    ``R``/``A``/``K`` components are ZERO again, so sums of traces need no special cases.
    """

    _op_priority = 1000.0   # SymPy matrices defer to our __rmul__/__radd__
    __slots__ = ()
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "ZERO"

    def __bool__(self):
        return False

    def __add__(self, other):
        return other

    __radd__ = __add__

    def __sub__(self, other):
        return -other

    def __rsub__(self, other):
        return other

    def __neg__(self):
        return self

    def __mul__(self, other):
        return self

    __rmul__ = __matmul__ = __rmatmul__ = __truediv__ = __mul__

    R = A = K = property(lambda self: self)

    def shifted(self, mp: int):
        return self

    def applyfunc(self, f):
        return self

    def xreplace(self, mapping):
        return self

    def __reduce__(self):
        return (_Zero, ())


ZERO = _Zero()


@dataclass(frozen=True, eq=False)
class Block:
    """A Keldysh object: retarded ``R``, advanced ``A`` and Keldysh ``K`` 2x2 Nambu blocks."""

    R: sp.ImmutableMatrix
    A: sp.ImmutableMatrix
    K: sp.ImmutableMatrix

    def __post_init__(self):
        for c in "RAK":
            v = getattr(self, c)
            if not isinstance(v, sp.ImmutableMatrix):
                object.__setattr__(self, c, sp.ImmutableMatrix(v))

    # -- algebra --------------------------------------------------------------------------
    def __matmul__(self, other):
        """Keldysh product (X∘Y)^R = X^R Y^R, ^A = X^A Y^A, ^K = X^R Y^K + X^K Y^A."""
        if other is ZERO:
            return ZERO
        if not isinstance(other, Block):
            return NotImplemented
        return Block(self.R * other.R, self.A * other.A, self.R * other.K + self.K * other.A)

    def __add__(self, other):
        if other is ZERO:
            return self
        if not isinstance(other, Block):
            return NotImplemented
        return Block(self.R + other.R, self.A + other.A, self.K + other.K)

    __radd__ = __add__

    def __neg__(self):
        return Block(-self.R, -self.A, -self.K)

    def __sub__(self, other):
        if other is ZERO:
            return self
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, c):
        """Scalar multiple (a SymPy scalar, not a matrix)."""
        c = sp.sympify(c)
        return Block(self.R * c, self.A * c, self.K * c)

    __rmul__ = __mul__

    # -- structure ------------------------------------------------------------------------
    def applyfunc(self, f) -> "Block":
        """Apply ``f`` to every matrix entry of R, A and K."""
        return Block(self.R.applyfunc(f), self.A.applyfunc(f), self.K.applyfunc(f))

    def xreplace(self, mapping) -> "Block":
        return Block(self.R.xreplace(mapping), self.A.xreplace(mapping), self.K.xreplace(mapping))

    def shifted(self, mp: int) -> "Block":
        """The same block evaluated at ω → ω + mp·ω0 (see :func:`shift`)."""
        return shift(self, mp)

    def component(self, comp: str) -> sp.ImmutableMatrix:
        if comp not in ("R", "A", "K"):
            raise ValueError(f"comp={comp!r} is not allowed: need comp in 'R', 'A', 'K'")
        return getattr(self, comp)

    @property
    def free_symbols(self):
        return self.R.free_symbols | self.A.free_symbols | self.K.free_symbols

    def __repr__(self):
        return f"Block(R={self.R!r}, A={self.A!r}, K={self.K!r})"


def shift(expr, mp: int):
    """Evaluate a block/matrix/expression at ω → ω + mp·ω0.

    Every shift symbol ``x_n`` becomes ``x_{n+mp}`` and ``omega`` becomes ``omega + mp*omega0``
    simultaneously (``xreplace``), so ``g_{m}(ω)`` turns into ``g_{m}(ω + mp ω0)``.  This is
    what a Floquet product :math:`\\sum_{m'} X_{m-m'}(\\omega+m'\\omega_0) Y_{m'}(\\omega)` needs.
    """
    if expr is ZERO or mp == 0:
        return expr
    mapping = {omega: omega + mp * omega0}
    for s in expr.free_symbols:
        kind = symbol_kind(s.name)
        if kind is not None:
            mapping[s] = sym(kind[0], kind[1] + mp)
    return expr.xreplace(mapping)


def gR_matrix(n: int) -> sp.ImmutableMatrix:
    """g^R(ω+nω0) = G^R_n τ3 − i F^R_n τ1 with G^R_n = (ω+nω0+iγ)/s^R_n, F^R_n = Δ/s^R_n."""
    return sym("GR", n) * TAU3 - sp.I * sym("FR", n) * TAU1


def gA_matrix(n: int) -> sp.ImmutableMatrix:
    """g^A(ω+nω0) = G^A_n τ3 − i F^A_n τ1 with G^A_n = (ω+nω0−iγ)/s^A_n, F^A_n = Δ/s^A_n."""
    return sym("GA", n) * TAU3 - sp.I * sym("FA", n) * TAU1


@functools.lru_cache(maxsize=None)
def lam0(n: int) -> Block:
    """Zeroth-order :math:`\\check\\Lambda_0(\\omega+n\\omega_0)` written as s·g (docs/conventions.md):
    Λ^R = s^R g^R = (ω+nω0+iγ)τ3 − iΔτ1, Λ^A = s^A g^A, Λ^K = Λ^R h − h Λ^A = 2iγ h τ3.

    Writing Λ through s and g (rather than ω, γ, Δ) keeps every block a polynomial in the
    zeroth-order functions over sums of roots; :func:`explicit` converts back."""
    lr = sR(n) * gR_matrix(n)
    la = sA(n) * gA_matrix(n)
    return Block(lr, la, (lr - la) * hh(n))


@functools.lru_cache(maxsize=None)
def g0(n: int) -> Block:
    """Equilibrium :math:`\\check g^{(0)}(\\omega+n\\omega_0)`: g^R, g^A as above,
    g^K = g^R h − h g^A (docs/conventions.md)."""
    gr, ga = gR_matrix(n), gA_matrix(n)
    return Block(gr, ga, (gr - ga) * hh(n))


def drive() -> Block:
    """The drive vertex Λ̌1 = −iτ1/2 (coefficient of θ on the ±ω0 off-diagonals; R and A only)."""
    v = -sp.I * TAU1 / 2
    return Block(v, v, _Z2)


def explicit(expr):
    """Replace G, F by their definitions (z/s, Δ/s) so only ω, ω0, γ, Δ, s, h remain."""
    mapping = {}
    for s in expr.free_symbols:
        kind = symbol_kind(s.name)
        if kind is None or kind[0] in ("sR", "sA", "h"):
            continue
        k, n = kind
        root = sym("s" + k[1], n)
        z = reservoir_z(omega + n * omega0, gamma, k[1])
        mapping[s] = (z if k[0] == "G" else Delta) / root
    return expr.xreplace(mapping)


def reduce_normal(expr):
    """Expand ``expr`` over its denominators and reduce it with :math:`G_n^2 = 1 + F_n^2`, the
    normalisation :math:`(g_n)^2 = 1` of each zeroth-order function, so that every term is at
    most linear in each ``GR_n``/``GA_n``; terms sharing a denominator are collected.

    Denominators (sums of roots such as :math:`s^R_1 + s^R_0`) are frozen as atoms while the
    numerators are expanded with sparse polynomial arithmetic, which keeps this fast.  An
    expression that vanishes by the zeroth-order identities alone reduces to 0."""
    e = sp.sympify(expr)
    atoms, back = {}, {}

    def freeze(x):
        if x.is_Pow and x.exp.is_negative:
            base = x.base
            if base not in atoms:
                d = sp.Dummy("D")
                atoms[base], back[d] = d, 1 / base
            return atoms[base] ** (-x.exp)
        return None

    e = e.replace(lambda x: x.is_Pow and x.exp.is_negative, lambda x: freeze(x))
    gens = sorted(e.free_symbols, key=lambda s: s.name if not isinstance(s, sp.Dummy) else "~" + str(s.dummy_index))
    if not gens:
        return e
    poly = sp.Poly(e, *gens, domain=sp.QQ_I)
    idx = {g: i for i, g in enumerate(gens)}
    rules = {}
    for g in gens:
        kind = symbol_kind(g.name) if not isinstance(g, sp.Dummy) else None
        if kind is not None and kind[0] in ("GR", "GA"):
            f = sym("F" + kind[0][1], kind[1])
            if f in idx:
                rules[idx[g]] = idx[f]
            else:
                rules[idx[g]] = None
    terms = dict(poly.as_dict())
    if rules:
        out = {}
        stack = list(terms.items())
        while stack:
            mono, c = stack.pop()
            for gi, fi in rules.items():
                if mono[gi] >= 2:
                    # G^2 -> 1 + F^2
                    m1 = list(mono); m1[gi] -= 2
                    stack.append((tuple(m1), c))
                    if fi is None:
                        raise RuntimeError("F partner missing")  # pragma: no cover
                    m2 = list(m1); m2[fi] += 2
                    stack.append((tuple(m2), c))
                    break
            else:
                out[mono] = out.get(mono, 0) + c
        terms = {m: c for m, c in out.items() if c != 0}
    e = sp.Add(*[c * sp.Mul(*[g**p for g, p in zip(gens, mono) if p]) for mono, c in terms.items()])
    return _collect_denominators(e.xreplace(back))


def _collect_denominators(e):
    groups = {}
    for term in sp.Add.make_args(e):
        num, den = [], []
        for f in sp.Mul.make_args(term):
            (den if (f.is_Pow and f.exp.is_negative) else num).append(f)
        key = sp.Mul(*den)
        groups[key] = groups.get(key, 0) + sp.Mul(*num)
    return sp.Add(*[num * den for den, num in groups.items()])


class SympyAlgebra(AlgebraBase):
    """SymPy backend of :mod:`floquetsym.order_by_order`: triples of immutable 2x2 matrices in
    the shift symbols; a block at ω + jω0 is the j = 0 block relabelled (:func:`shift`)."""

    @staticmethod
    def g0(j):
        b = g0(j)
        return (b.R, b.A, b.K)

    @staticmethod
    def lam0(j):
        b = lam0(j)
        return (b.R, b.A, b.K)

    @staticmethod
    def drive():
        b = drive()
        return (b.R, b.A, b.K)

    @staticmethod
    def s(side, j):
        return sym("s" + side, j)

    @staticmethod
    def zero():
        return (_Z2, _Z2, _Z2)

    @staticmethod
    def one():
        return (TAU0, TAU0, _Z2)

    @staticmethod
    def mm(a, b):
        return a * b

    @staticmethod
    def gsolve(g, x, p, q):
        return g * x / (sym("s" + p[0], p[1]) + sym("s" + q[0], q[1]))

    @staticmethod
    def shift(x, mp):
        return tuple(shift(c, mp) for c in x)
