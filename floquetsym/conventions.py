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
    "TAU0", "TAU1", "TAU2", "TAU3", "SIGMA_R_SIGN", "SIGMA_A_SIGN",
    "distribution", "s_retarded", "s_advanced", "g_retarded", "g_advanced", "g_keldysh",
    "dynes_dos", "ns0_bcs", "parse_shift_symbol",
]

TAU0 = np.eye(2, dtype=complex)
TAU1 = np.array([[0, 1], [1, 0]], dtype=complex)
TAU2 = np.array([[0, -1j], [1j, 0]], dtype=complex)
TAU3 = np.array([[1, 0], [0, -1]], dtype=complex)

SIGMA_R_SIGN = +1j   # Sigma^R = +i*gamma*tau3 (paper Eq. 10 read as retarded: omega -> omega + i gamma)
SIGMA_A_SIGN = -1j   # Sigma^A = -i*gamma*tau3


def distribution(omega, temperature: float):
    """Equilibrium distribution h(ω) = tanh(ω / 2T); sign(ω) at T = 0 (docs/conventions.md)."""
    omega = np.asarray(omega)
    if temperature == 0:
        return np.sign(omega.real).astype(float)
    return np.tanh(omega.real / (2.0 * temperature))


def s_retarded(omega, delta: float, gamma: float):
    """s^R(ω) = √(z−Δ)·√(z+Δ), z = ω + iγ, principal roots (analytic in the upper half plane)."""
    z = np.asarray(omega, dtype=complex) + 1j * gamma
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


def g_retarded(omega, delta: float, gamma: float):
    """Equilibrium g^R(ω) = ((ω+iγ)τ3 − iΔτ1)/s^R(ω), shape (..., 2, 2)."""
    z = np.asarray(omega, dtype=complex) + 1j * gamma
    s = s_retarded(omega, delta, gamma)
    return _nambu(z / s, -1j * delta / s)


def g_advanced(omega, delta: float, gamma: float):
    """Equilibrium g^A(ω) = ((ω−iγ)τ3 − iΔτ1)/s^A(ω) = −τ3 (g^R)† τ3."""
    z = np.asarray(omega, dtype=complex) - 1j * gamma
    s = s_advanced(omega, delta, gamma)
    return _nambu(z / s, -1j * delta / s)


def g_keldysh(omega, delta: float, gamma: float, temperature: float):
    """Equilibrium g^K(ω) = (g^R − g^A) h(ω) (h is scalar, so g^R h − h g^A)."""
    h = distribution(omega, temperature)[..., None, None]
    return (g_retarded(omega, delta, gamma) - g_advanced(omega, delta, gamma)) * h


def dynes_dos(omega, delta: float, gamma: float):
    """Dynes density of states Re g^R_11 = Re[(ω+iγ)/s^R(ω)] (normalised to 1 far from the gap)."""
    z = np.asarray(omega, dtype=complex) + 1j * gamma
    return (z / s_retarded(omega, delta, gamma)).real


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
