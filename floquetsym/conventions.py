r"""Sign, unit and normalisation conventions (docs/conventions.md), in one place.

Units: :math:`\hbar = 1`; energies in the unit of the user's choice (usually Δ = 1).
Nambu spinor :math:`\Psi = (\psi_\uparrow, \psi_\downarrow^\dagger)`; Pauli matrices τ1, τ2, τ3.

Fourier convention
    :math:`g(t,t') = \iint g_{\omega,\omega'} e^{-i\omega t + i\omega' t'}`.  With the drive
    Δ(t) = Δ + θ cos ω0 t, only ω − ω' ∈ ω0·ℤ couple, so every object lives on Floquet
    blocks :math:`g_{\omega + k\omega_0,\, \omega}`.

Keldysh structure
    :math:`\check g = \begin{pmatrix} g^R & g^K \\ 0 & g^A \end{pmatrix}`,
    :math:`(X\circ Y)^R = X^R Y^R`, :math:`(X\circ Y)^A = X^A Y^A`,
    :math:`(X\circ Y)^K = X^R Y^K + X^K Y^A`.

Uniform Usadel equation, paper Eq. (9) / (A1) multiplied by *i*:
    :math:`[\check\Lambda, \check g] = 0`, :math:`\check g\circ\check g = 1`, with
    :math:`\Lambda_{\omega,\omega'} = (\omega\tau_3 + \Sigma_\omega)\delta_{\omega\omega'}
    - i\tau_1 \Delta_{\omega-\omega'}` and
    :math:`\Delta_{\omega-\omega'} = \Delta\,\delta_{\omega\omega'} + (\theta/2)
    [\delta_{\omega-\omega',\omega_0} + \delta_{\omega-\omega',-\omega_0}]`.

Reservoir self-energy, paper Eq. (10)
    As printed, Eq. (10) reads :math:`\check\Sigma = \gamma\,\mathrm{diag}(\tau_3, -\tau_3)`
    plus :math:`2\gamma\tau_3\tanh` in the Keldysh corner.  Entering (A1) as
    :math:`+i\Sigma\check g - i\check g\Sigma`, that is *not* retarded in our commutator form:
    the retarded function must be analytic in the upper half plane, i.e. ω → ω + iγ.  We
    therefore read it as the Dynes-broadening reservoir
    :math:`\Sigma^R = +i\gamma\tau_3`, :math:`\Sigma^A = -i\gamma\tau_3`,
    :math:`\Sigma^K = 2i\gamma\tau_3 \tanh(\omega/2T) = \Sigma^R h - h\Sigma^A`.
    Defined here only (:func:`sigma_reservoir`, :func:`reservoir_z`, :func:`sigma_keldysh`);
    the recursion, the kernels and the observables import it.

Symbols and matrices
    The Pauli matrices :data:`TAU0` … :data:`TAU3` (NumPy) and :func:`pauli` (NumPy or exact
    SymPy); the SymPy symbols ω, ω0, γ, Δ, θ, T are created once, in :func:`symbolic`.

Equilibrium (θ = 0)
    :math:`g^R(\omega) = ((\omega+i\gamma)\tau_3 - i\Delta\tau_1)/s^R(\omega)`,
    :math:`s^R = \sqrt{z-\Delta}\sqrt{z+\Delta}`, z = ω + iγ (principal roots: analytic in the
    upper half plane, s ~ z at large |z|);  :math:`s^A(\omega) = -\overline{s^R(\omega)}`,
    :math:`g^A = -\tau_3 (g^R)^\dagger\tau_3 = \Lambda^A/s^A`;
    :math:`g^K = g^R h - h g^A`, h = tanh(ω/2T) (sign ω at T = 0).

Superfluid density, paper Eq. (A2), sign fixed by the equilibrium limit
    :math:`n_s(t) = i\,(m\sigma_N/8)\,\mathrm{Tr}\{\tau_3\check g\circ\tau_3\check g\}^K(t,t)`,
    reported in units of :math:`m\sigma_N`, so that :math:`n_s^{(0)} \to (\Delta/2)\tanh(\Delta/2T)`
    as γ → 0.  The paper's :math:`j = -(n_s/m)A` with its Eq. (A2) gives the opposite sign in
    these conventions; the equilibrium value decides.

Harmonics
    :math:`n_s(t) = \sum_n n_s[n] e^{-i n\omega_0 t}`, :math:`n_s[-n] = \overline{n_s[n]}`.
"""
from __future__ import annotations

import re

import numpy as np

__all__ = [
    "TAU0", "TAU1", "TAU2", "TAU3", "pauli", "symbolic",
    "sigma_reservoir", "reservoir_z", "sigma_keldysh", "nambu_coefficients",
    "distribution", "s_retarded", "s_advanced", "g_retarded", "g_advanced", "g_keldysh",
    "dynes_dos", "ns0_bcs", "parse_shift_symbol",
]

#: Pauli matrices in Nambu space as exact integer entries (τ2 = −i τ3 τ1 is built per backend)
_PAULI_INT = {0: ((1, 0), (0, 1)), 1: ((0, 1), (1, 0)), 3: ((1, 0), (0, -1))}


def pauli(k: int, backend: str = "numpy"):
    """τ_k, k ∈ {0, 1, 2, 3}: a complex NumPy array (``backend="numpy"``) or an immutable
    SymPy matrix with exact entries (``backend="sympy"``)."""
    if k not in (0, 1, 2, 3):
        raise ValueError(f"k={k!r} is not allowed: need k in 0, 1, 2, 3")
    if backend not in ("numpy", "sympy"):
        raise ValueError(f"backend={backend!r} is not allowed: need 'numpy' or 'sympy'")
    if backend == "numpy":
        if k == 2:
            return -1j * pauli(3) @ pauli(1)
        return np.array(_PAULI_INT[k], dtype=complex)
    import sympy as sp
    if k == 2:
        return sp.ImmutableMatrix(-sp.I * pauli(3, "sympy") * pauli(1, "sympy"))
    return sp.ImmutableMatrix(_PAULI_INT[k])


TAU0, TAU1, TAU2, TAU3 = (pauli(k) for k in range(4))


class _Symbolic:
    """The SymPy symbols and matrices of these conventions, created once (:func:`symbolic`):
    ``omega`` (real), ``omega0``, ``gamma``, ``Delta`` (positive), ``theta``, ``T``
    (non-negative) and ``TAU0`` … ``TAU3`` (immutable, exact)."""

    def __init__(self):
        import sympy as sp
        self.omega = sp.Symbol("omega", real=True)
        self.omega0, self.gamma, self.Delta = sp.symbols("omega0 gamma Delta", positive=True)
        self.theta, self.T = sp.symbols("theta T", nonnegative=True)
        self.TAU0, self.TAU1, self.TAU2, self.TAU3 = (pauli(k, "sympy") for k in range(4))


_SYMBOLIC: list = []


def symbolic() -> _Symbolic:
    """The one set of SymPy symbols and Pauli matrices (imports SymPy on first call only)."""
    if not _SYMBOLIC:
        _SYMBOLIC.append(_Symbolic())
    return _SYMBOLIC[0]


# ---- the reservoir self-energy, paper Eq. (10) read as retarded (module docstring) ----------
_SIDE = {"R": 1, "A": -1}


def _unit(x):
    """The imaginary unit of x's kind: sympy.I for SymPy expressions, else a NumPy/Python 1j
    (clongdouble for long-double arrays, so extended-precision callers keep their precision)."""
    if hasattr(x, "free_symbols"):
        import sympy as sp
        return sp.I
    if getattr(x, "dtype", None) == np.longdouble:
        return np.clongdouble(1j)
    return 1j


def sigma_reservoir(gamma, side: str = "R"):
    r"""Coefficient σ of :math:`\Sigma^{R,A} = \sigma\,\tau_3`: +iγ (R), −iγ (A)."""
    if side not in _SIDE:
        raise ValueError(f"side={side!r} is not allowed: need 'R' or 'A'")
    return _SIDE[side] * _unit(gamma) * gamma


def reservoir_z(omega, gamma, side: str = "R"):
    r"""z with :math:`\omega\tau_3 + \Sigma^{R,A} = z\,\tau_3`: z = ω + iγ (R), ω − iγ (A).
    Works for floats, NumPy arrays (long double kept) and SymPy expressions."""
    if side not in _SIDE:
        raise ValueError(f"side={side!r} is not allowed: need 'R' or 'A'")
    i = _unit(omega) if not hasattr(gamma, "free_symbols") else _unit(gamma)
    return omega + i * gamma if side == "R" else omega - i * gamma


def sigma_keldysh(omega, gamma: float, temperature: float):
    r"""Coefficient of :math:`\Sigma^K = \Sigma^R h - h\Sigma^A = 2i\gamma h(\omega)\,\tau_3`."""
    return 2j * gamma * distribution(omega, temperature)


def distribution(omega, temperature: float):
    """Equilibrium distribution h(ω) = tanh(ω / 2T); sign(ω) at T = 0 (docs/conventions.md)."""
    omega = np.asarray(omega)
    if temperature == 0:
        return np.sign(omega.real).astype(float)
    return np.tanh(omega.real / (2.0 * temperature))


def s_retarded(omega, delta: float, gamma: float):
    """s^R(ω) = √(z−Δ)·√(z+Δ), z = ω + iγ, principal roots (analytic in the upper half plane)."""
    z = reservoir_z(np.asarray(omega, dtype=complex), gamma, "R")
    return np.sqrt(z - delta) * np.sqrt(z + delta)


def s_advanced(omega, delta: float, gamma: float):
    """s^A(ω) = −conj(s^R(ω)) for real ω (= −√(z*−Δ)·√(z*+Δ))."""
    return -np.conj(s_retarded(omega, delta, gamma))


def _nambu(a, b):
    """Stack a·τ3 + b·τ1 into (..., 2, 2) arrays."""
    a = np.asarray(a, dtype=complex)
    b = np.asarray(b, dtype=complex)
    out = np.empty(np.broadcast(a, b).shape + (2, 2), dtype=complex)
    out[..., 0, 0] = a
    out[..., 1, 1] = -a
    out[..., 0, 1] = b
    out[..., 1, 0] = b
    return out


def nambu_coefficients(omega, s, delta: float, gamma: float, side: str = "R"):
    r"""(a, b) with the equilibrium :math:`g^{R,A} = a\tau_3 + b\tau_1 = (z\tau_3 - i\Delta\tau_1)/s`,
    z = ω ± iγ (:func:`reservoir_z`) and the root ``s`` = s^R or s^A at the same ω."""
    z = reservoir_z(np.asarray(omega, dtype=complex), gamma, side)
    return z / s, -1j * delta / s


def g_retarded(omega, delta: float, gamma: float):
    """Equilibrium g^R(ω) = ((ω+iγ)τ3 − iΔτ1)/s^R(ω), shape (..., 2, 2)."""
    return _nambu(*nambu_coefficients(omega, s_retarded(omega, delta, gamma), delta, gamma, "R"))


def g_advanced(omega, delta: float, gamma: float):
    """Equilibrium g^A(ω) = ((ω−iγ)τ3 − iΔτ1)/s^A(ω) = −τ3 (g^R)† τ3."""
    return _nambu(*nambu_coefficients(omega, s_advanced(omega, delta, gamma), delta, gamma, "A"))


def g_keldysh(omega, delta: float, gamma: float, temperature: float):
    """Equilibrium g^K(ω) = (g^R − g^A) h(ω) (h is scalar, so g^R h − h g^A)."""
    h = distribution(omega, temperature)[..., None, None]
    return (g_retarded(omega, delta, gamma) - g_advanced(omega, delta, gamma)) * h


def dynes_dos(omega, delta: float, gamma: float):
    """Dynes density of states Re g^R_11 = Re[(ω+iγ)/s^R(ω)] (normalised to 1 far from the gap)."""
    return nambu_coefficients(omega, s_retarded(omega, delta, gamma), delta, gamma)[0].real


def ns0_bcs(delta: float, temperature: float) -> float:
    """Equilibrium clean-limit n_s^(0) = (Δ/2) tanh(Δ/2T) in units of m·σ_N (paper, after Eq. 10)."""
    if temperature == 0:
        return 0.5 * delta
    return 0.5 * delta * np.tanh(delta / (2.0 * temperature))


#: Names of the zeroth-order functions at shifted frequency ω + nω0 used by the symbolic
#: hierarchy and its kernels: ``sR_2`` = s^R(ω+2ω0), ``GA_m1`` = G^A(ω−ω0), ``h_0`` = h(ω), …
_SHIFT_SYMBOL = re.compile(r"^(sR|sA|GR|FR|GA|FA|h)_(m?)(\d+)$")


def parse_shift_symbol(name: str):
    """``"sR_m2" -> ("sR", -2)``; ``None`` for names that are not shift symbols (no SymPy needed)."""
    mt = _SHIFT_SYMBOL.match(name)
    if mt is None:
        return None
    n = int(mt.group(3))
    return mt.group(1), (-n if mt.group(2) else n)
