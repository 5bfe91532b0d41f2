r"""Independent reference for the n_s tests: truncated Floquet matrix sign function + θ differences.

No hierarchy, no recursion: for each ω the Floquet–Keldysh matrix Λ̌ (harmonics −M..M, docs/conventions.md)
is built at finite θ and ǧ = sign(−iΛ̌) is taken by eigendecomposition, or by the scaled
Newton iteration where the eigenvectors are ill-conditioned (R block, A block and Keldysh
corner at once; [Λ̌, ǧ] = 0 and ǧ∘ǧ = 1 hold by construction).  The n_s integrand
at harmonic n is the (n, 0) entry of τ3ǧτ3ǧ's Keldysh corner (central Floquet indices only).
Order-k coefficients come from central differences in θ.
"""
from __future__ import annotations

import numpy as np

TAU1 = np.array([[0, 1], [1, 0]], dtype=complex)
TAU3 = np.diag([1.0, -1.0]).astype(complex)


def keldysh_floquet_g(omega, p, theta, M):
    """ǧ for every ω: array (N, 2L, 2L), L = 2(2M+1); Floquet index m ↔ rows 2(m+M)..+1."""
    omega = np.asarray(omega, dtype=float)
    nf = 2 * M + 1
    L = 2 * nf
    N = omega.shape[0]
    lam_r = np.zeros((N, L, L), dtype=complex)
    lam_a = np.zeros((N, L, L), dtype=complex)
    lam_k = np.zeros((N, L, L), dtype=complex)
    for i, m in enumerate(range(-M, M + 1)):
        w = omega + m * p.omega0
        sl = slice(2 * i, 2 * i + 2)
        base = w[:, None, None] * TAU3 - 1j * p.delta * TAU1
        lam_r[:, sl, sl] = base + 1j * p.gamma * TAU3
        lam_a[:, sl, sl] = base - 1j * p.gamma * TAU3
        h = np.sign(w) if p.temperature == 0 else np.tanh(w / (2 * p.temperature))
        lam_k[:, sl, sl] = (2j * p.gamma * h)[:, None, None] * TAU3
        if i + 1 < nf:
            sl2 = slice(2 * i + 2, 2 * i + 4)
            for lam in (lam_r, lam_a):
                lam[:, sl, sl2] = -1j * theta / 2 * TAU1
                lam[:, sl2, sl] = -1j * theta / 2 * TAU1
    full = np.zeros((N, 2 * L, 2 * L), dtype=complex)
    full[:, :L, :L] = lam_r
    full[:, L:, L:] = lam_a
    full[:, :L, L:] = lam_k
    X = -1j * full
    vals, vecs = np.linalg.eig(X)
    S = vecs @ (np.sign(vals.real)[:, :, None] * np.linalg.inv(vecs))
    eye = np.eye(X.shape[-1])
    bad = np.max(np.abs(S @ S - eye), axis=(1, 2)) + np.max(np.abs(S @ X - X @ S), axis=(1, 2)) > 1e-9
    if np.any(bad):                       # ill-conditioned eigenvectors: Newton instead
        S[bad] = _sign_newton(X[bad])
    return S


def _sign_newton(X, iters=60):
    """Matrix sign by the determinant-scaled Newton iteration X ← (μX + (μX)⁻¹)/2 (batched).

    Robust near defective points where eigenvectors are ill-conditioned (gap edges)."""
    n = X.shape[-1]
    for _ in range(iters):
        Xi = np.linalg.inv(X)
        _, logdet = np.linalg.slogdet(X)
        mu = np.exp(-logdet / n)[:, None, None]
        Xn = 0.5 * (mu * X + Xi / mu)
        if np.max(np.abs(Xn - X)) < 1e-13 * max(1.0, np.max(np.abs(Xn))):
            return Xn
        X = Xn
    return X


def ns_integrand_exact(omega, p, theta, harmonic=0, M=3):
    """Non-perturbative integrand of n_s[harmonic] (i/8 and 1/2π included), central indices."""
    g = keldysh_floquet_g(omega, p, theta, M)
    L = g.shape[1] // 2
    nf = L // 2
    t3 = np.kron(np.eye(nf), TAU3)
    gr, gk, ga = g[:, :L, :L], g[:, :L, L:], g[:, L:, L:]
    prod_k = t3 @ gr @ t3 @ gk + t3 @ gk @ t3 @ ga
    r = 2 * (harmonic + M)
    c = 2 * M
    tr = prod_k[:, r, c] + prod_k[:, r + 1, c + 1]
    return tr * (1j / (8 * 2 * np.pi))


def ns_integrand_order(omega, p, order, harmonic, eps=2e-3, M=3):
    """θ^order coefficient of the exact integrand by central differences (Richardson, 2 steps)."""
    def coeff(e):
        f = {s: ns_integrand_exact(omega, p, s * e, harmonic, M) for s in (-1, 0, 1)}
        if order == 1:
            return (f[1] - f[-1]) / (2 * e)
        if order == 2:
            return (f[1] + f[-1] - 2 * f[0]) / (2 * e * e)
        raise ValueError("order must be 1 or 2")
    c1, c2 = coeff(eps), coeff(eps / 2)
    return (4 * c2 - c1) / 3
