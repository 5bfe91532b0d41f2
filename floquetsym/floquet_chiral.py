r"""Block traces of the exact Floquet ǧ = sign(−iΛ̌) from its chiral half (paper Eq. 9, A2).

The Floquet matrices of :func:`floquetsym.floquet.floquet_matrices` (Eq. 9 with the reservoir
of Eq. 10),

.. math:: \Lambda^{R}_{nn'} = [z_n\tau_3 - i\Delta\tau_1]\delta_{nn'} - i\tau_1\tfrac{\theta}{2}
          \delta_{|n-n'|,1},\qquad z_n = \epsilon + n\omega_0 + i\gamma,\qquad
          \Lambda^K = k_n\tau_3\delta_{nn'},\ k_n = 2i\gamma h(\epsilon+n\omega_0),

anticommute with τ2 (τ2τ3τ2 = −τ3, τ2τ1τ2 = −τ1): a chiral symmetry of the driven gap.  In
the Nambu basis q± = (1, ±i)/√2 of τ2 = ±1 one has τ3 → [[0, 1], [1, 0]],
−iτ1 → [[0, −1], [1, 0]], hence (blocks (+, −) over the Floquet index)

.. math:: \Lambda^R = \begin{pmatrix}0 & B\\ C & 0\end{pmatrix},\quad B = Z - \hat\Delta,\quad
          C = Z + \hat\Delta,\quad \Lambda^K = \begin{pmatrix}0 & K\\ K & 0\end{pmatrix},\quad
          \Lambda^A = \bar\Lambda^R\ (\text{entrywise}),

with Z = diag(z_n), K = diag(k_n) and Δ̂ the real Toeplitz gap matrix (Δ on the diagonal, θ/2
beside it).  Since sign(X) = X (X²)^{−1/2}, ǧ = Λ̌ f(Λ̌²) with f(μ) = 1/√₊μ (√₊: the root with
Im > 0, which gives sign Im λ for the eigenvalues λ of Λ^R); Λ̌² is block diagonal in τ2
and the τ2 = +1 sector is the block-triangular [[BC, BK + KC̄], [0, B̄C̄]].  With BC = W μ W⁻¹
(one eigenproblem of size 2M+1 instead of 2(2M+1)), ρ = √₊μ (= the eigenvalues of Λ^R in the
upper half plane) and the divided-difference formula for a function of a block-triangular
matrix, f[μ_i, μ̄_j] = 1/(ρ_i ρ̄_j (ρ_i − ρ̄_j)),

.. math:: S = f(BC) = W\rho^{-1}W^{-1},\qquad
          F = W\Big[\frac{(W^{-1}(BK + K\bar C)\bar W)_{ij}}{\rho_i\bar\rho_j(\rho_i-\bar\rho_j)}\Big]\bar W^{-1},

and ǧ = [[0, a], [b, 0]] per Keldysh component:

.. math:: a^R = SB,\ b^R = CS,\qquad a^A = -\overline{a^R},\ b^A = -\overline{b^R},\qquad
          a^K = SK + F\bar B,\ b^K = CF - K\bar S.

(|Im(ρ_i − ρ̄_j)| ≥ 2γ: no cancellation.)  In the same basis τ3 g τ3 g' = diag(b b', a a'), so
the trace of Eq. (A2) per Floquet block is

.. math:: \mathrm{Tr}\,P_{n+k,n} = (b^R b^K + a^R a^K + b^K b^A + a^K a^A)_{n+k,n}.

Nodes whose eigenbasis is ill-conditioned (‖W‖‖W⁻¹‖/(2M+1) above ``guard``, near exceptional
points) are returned in ``bad`` for the caller to redo by another route.  The traces equal
those of the full 2(2M+1) eigen-decomposition and of the Newton sign iteration
(tests/test_exact_map.py).
"""
from __future__ import annotations

import math

import numpy as np

from .conventions import reservoir_z, sigma_keldysh
from .params import DriveParams

__all__ = ["chiral_traces"]

_PREF = 1j / 8.0 / (2.0 * math.pi)       # (i/8)·(1/2π) of Eq. (A2)


def _tri_right(X, d, s):
    """X @ T for T = diag(d) + s (shift up + shift down); X (E, r, m), d (E, m)."""
    Y = X * d[:, None, :]
    Y[:, :, 1:] += s * X[:, :, :-1]
    Y[:, :, :-1] += s * X[:, :, 1:]
    return Y


def _tri_left(d, s, X):
    """T @ X for T = diag(d) + s (shift up + shift down); X (E, m, c), d (E, m)."""
    Y = d[:, :, None] * X
    Y[:, 1:, :] += s * X[:, :-1, :]
    Y[:, :-1, :] += s * X[:, 1:, :]
    return Y


def chiral_traces(p: DriveParams, eps, M: int, ks, n, *, guard: float = 1e8):
    """(i/8)(1/2π) Tr P_{n+k, n}(ε) for the Floquet blocks n (|n + k| ≤ M) of the truncated
    solve with indices −M..M (module docstring).  Returns (traces (len(eps), len(ks), len(n))
    complex, indices of the nodes whose eigenbasis condition exceeds ``guard``)."""
    eps = np.atleast_1d(np.asarray(eps, float))
    n = np.asarray(n, int)
    m = 2 * M + 1
    w = eps[:, None] + np.arange(-M, M + 1)[None, :] * p.omega0                  # (E, m)
    z = reservoir_z(w, p.gamma, "R")
    kk = sigma_keldysh(w, p.gamma, p.temperature)
    s = 0.5 * p.theta
    dB, dC = z - p.delta, z + p.delta
    C = np.zeros((eps.size, m, m), complex)
    i = np.arange(m)
    C[:, i, i] = dC
    C[:, i[:-1], i[1:]] = s
    C[:, i[1:], i[:-1]] = s
    mu, W = np.linalg.eig(_tri_left(dB, -s, C))                                 # BC = W μ W⁻¹
    Wi = np.linalg.inv(W)
    cond = np.linalg.norm(W, axis=(-2, -1)) * np.linalg.norm(Wi, axis=(-2, -1)) / m
    rho = 1j * np.sqrt(-mu)                                                      # √₊μ, Im > 0
    S = (W / rho[:, None, :]) @ Wi
    G = _tri_left(dB, -s, np.zeros_like(C) + np.eye(m) * kk[:, None, :])         # B K
    G += kk[:, :, None] * np.conj(C)                                             # + K C̄
    Wc, Wic = np.conj(W), np.conj(Wi)
    den = rho[:, :, None] * np.conj(rho)[:, None, :] * (rho[:, :, None] - np.conj(rho)[:, None, :])
    F = (W @ (((Wi @ G) @ Wc) / den)) @ Wic
    aR = _tri_right(S, dB, -s)
    bR = _tri_left(dC, s, S)
    aK = S * kk[:, None, :] + _tri_right(F, np.conj(dB), -s)
    bK = _tri_left(dC, s, F) - kk[:, :, None] * np.conj(S)
    c = n + M
    aA, bA = -np.conj(aR[:, :, c]), -np.conj(bR[:, :, c])
    aKc, bKc = aK[:, :, c], bK[:, :, c]
    out = np.empty((eps.size, len(ks), n.size), complex)
    for j, k in enumerate(ks):
        r = n + k + M
        out[:, j, :] = (np.einsum("ebm,emb->eb", bR[:, r, :], bKc)
                        + np.einsum("ebm,emb->eb", aR[:, r, :], aKc)
                        + np.einsum("ebm,emb->eb", bK[:, r, :], bA)
                        + np.einsum("ebm,emb->eb", aK[:, r, :], aA))
    return _PREF * out, np.nonzero(~(cond <= guard))[0]
