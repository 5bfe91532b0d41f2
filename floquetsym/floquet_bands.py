r"""Floquet–Bogoliubov quasienergy bands of the driven BdG Hamiltonian (paper Fig. 2a).

.. math:: h_\xi(t) = \xi\tau_3 + \Delta(t)\tau_1,\qquad \Delta(t) = \Delta + \theta\cos\omega_0 t .

Floquet convention: ψ(t) = e^{−iεt} Σ_m φ_m e^{+imω0t}, so that
:math:`\varepsilon\,\varphi_m = (h_0 + m\omega_0)\varphi_m + \tfrac{\theta}{2}\tau_1(\varphi_{m-1}
+ \varphi_{m+1})` with :math:`h_0 = \xi\tau_3 + \Delta\tau_1`: the Floquet Hamiltonian is the
Hermitian block-tridiagonal matrix :math:`H_F = \mathrm{diag}(h_0 + m\omega_0) + (\theta/2)\tau_1`
on the off-diagonals, m = −M..M.  At θ = 0 its eigenvalues are σE + mω0, E = √(ξ²+Δ²),
σ = ±1: the band (m, σ).  The paper's labelling (Fig. 2a: solid m = 0, dashed m = 1) is this
index m; with θ > 0 each eigenvector is given the label (m, σ) of the unperturbed state it
overlaps most, by an optimal one-to-one assignment (Hungarian algorithm), so a band keeps its
label through an avoided crossing (diabatic labelling) and ``weight`` says how pure it is.

Physics checks (tests): at ξ = 0, h(t) = Δ(t)τ1 commutes with itself at all times, so the
quasienergies are exactly ±Δ + mω0 (the time average of Δ(t) is Δ) and no gap opens even at
ω0 = 2Δ; near ω0 ≈ 2Δ the bands (0, +) and (1, −) cross where 2E(ξ*) = ω0 and repel with gap
≈ 2·(θ/2)|⟨+|τ1|−⟩| = θ|ξ*|/E* (rotating-wave estimate).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import DriveParams, require, require_int

__all__ = ["quasienergies", "QuasienergyBands", "floquet_hamiltonian"]


def floquet_hamiltonian(p: DriveParams, xi, n_harmonics: int) -> np.ndarray:
    """Hermitian Floquet matrices H_F(ξ), shape (len(xi), 2(2M+1), 2(2M+1)); row 2(m+M) is the
    particle and 2(m+M)+1 the hole component of sector m (module docstring)."""
    M = require_int("n_harmonics", n_harmonics, lo=1)
    xi = np.atleast_1d(np.asarray(xi, dtype=float))
    require(bool(np.all(np.isfinite(xi))), "xi", "non-finite", "finite")
    nf = 2 * M + 1
    N = 2 * nf
    i0 = 2 * np.arange(nf)
    m = np.arange(-M, M + 1)
    H = np.zeros((xi.size, N, N))
    H[:, i0, i0] = xi[:, None] + m * p.omega0
    H[:, i0 + 1, i0 + 1] = -xi[:, None] + m * p.omega0
    H[:, i0, i0 + 1] = p.delta
    H[:, i0 + 1, i0] = p.delta
    a, b = i0[:-1], i0[1:]
    for r, c in ((a, b + 1), (a + 1, b), (b, a + 1), (b + 1, a)):
        H[:, r, c] = 0.5 * p.theta
    return H


@dataclass(frozen=True)
class QuasienergyBands:
    """Quasienergy bands ε_{m,σ}(ξ) (unfolded: ε ≈ σE + mω0 at small θ).

    ``energies``/``weight`` have shape (len(xi), 2M+1, 2); axis 1 is m = −M..M, axis 2 is
    σ = (+1, −1).  ``weight`` is the overlap |⟨unperturbed (m,σ)|band⟩|² (1 at θ = 0).
    Bands near the truncation edge |m| ≈ M are unreliable; use |m| ≤ M − 2.
    """

    params: DriveParams
    xi: np.ndarray
    n_harmonics: int
    energies: np.ndarray
    weight: np.ndarray

    def band(self, m: int, sigma: int) -> np.ndarray:
        """ε_{m,σ}(ξ) for Floquet index m and branch σ = ±1."""
        require(abs(m) <= self.n_harmonics, "m", m, f"|m| <= n_harmonics = {self.n_harmonics}")
        require(sigma in (1, -1), "sigma", sigma, "+1 or -1")
        return self.energies[:, m + self.n_harmonics, 0 if sigma == 1 else 1]

    def folded(self) -> np.ndarray:
        """All quasienergies folded into the zone [−ω0/2, ω0/2), sorted, shape (len(xi), 2(2M+1))."""
        w = self.params.omega0
        e = (self.energies.reshape(self.xi.size, -1) + 0.5 * w) % w - 0.5 * w
        return np.sort(e, axis=1)


def quasienergies(p: DriveParams, xi, n_harmonics: int = 8) -> QuasienergyBands:
    """Floquet–Bogoliubov bands of h_ξ(t) = ξτ3 + Δ(t)τ1 (paper Fig. 2a), labelled (m, σ).

    >>> b = quasienergies(DriveParams(theta=0.0, omega0=2.0), [0.0], n_harmonics=2)
    >>> float(b.band(1, -1)[0])       # −E + ω0 at ξ = 0
    1.0
    """
    from scipy.optimize import linear_sum_assignment
    if not isinstance(p, DriveParams):
        raise ValueError(f"p={p!r} is not allowed: need p a DriveParams")
    M = require_int("n_harmonics", n_harmonics, lo=1)
    xi = np.atleast_1d(np.asarray(xi, dtype=float))
    H = floquet_hamiltonian(p, xi, M)
    evals, evecs = np.linalg.eigh(H)
    nf = 2 * M + 1
    # unperturbed eigenvectors of h0: σ = +1 → (cos, sin)(φ/2), σ = −1 → (−sin, cos)(φ/2),
    # tan φ = Δ/ξ
    phi = np.arctan2(p.delta, xi)
    u_plus = np.stack([np.cos(phi / 2), np.sin(phi / 2)], axis=-1)
    u_minus = np.stack([-np.sin(phi / 2), np.cos(phi / 2)], axis=-1)
    energies = np.empty((xi.size, nf, 2))
    weight = np.empty((xi.size, nf, 2))
    for j in range(xi.size):
        v = evecs[j].reshape(nf, 2, -1)                       # (sector m, nambu, eigen index)
        ov_p = np.einsum("a,mak->mk", u_plus[j], v) ** 2
        ov_m = np.einsum("a,mak->mk", u_minus[j], v) ** 2
        ov = np.concatenate([ov_p, ov_m], axis=0)              # rows: (m, +) then (m, −)
        rows, cols = linear_sum_assignment(-ov)
        e_lab = np.empty(2 * nf)
        w_lab = np.empty(2 * nf)
        e_lab[rows] = evals[j, cols]
        w_lab[rows] = ov[rows, cols]
        energies[j, :, 0], energies[j, :, 1] = e_lab[:nf], e_lab[nf:]
        weight[j, :, 0], weight[j, :, 1] = w_lab[:nf], w_lab[nf:]
    return QuasienergyBands(p, xi, M, energies, weight)
