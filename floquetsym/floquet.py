r"""Non-perturbative truncated-Floquet solution of the uniform Usadel equation (paper Eq. 9/A1).

This module is an *independent* route to the driven Green's function: it uses only
:mod:`floquetsym.conventions` (docs/conventions.md), never the perturbative hierarchy, so that the two
can check each other.

Floquet matrices (docs/conventions.md)
    For ε in the reduced zone [−ω0/2, ω0/2) and Floquet indices n = −M..M (frequency ε + nω0),

    .. math::
        \Lambda^R_{nn'} = [(\epsilon+n\omega_0+i\gamma)\tau_3 - i\Delta\tau_1]\delta_{nn'}
                          - i\tau_1\tfrac{\theta}{2}\delta_{|n-n'|,1},\qquad
        \Lambda^A = \Lambda^R|_{\gamma\to-\gamma},\qquad
        \Lambda^K_{nn'} = 2i\gamma\,h(\epsilon+n\omega_0)\,\tau_3\,\delta_{nn'},

    size 2(2M+1); row 2(n+M) is the particle, row 2(n+M)+1 the hole component of index n.

Solution: ǧ = sign(−iΛ̌)
    Every eigenvalue λ of Λ^R has Im λ ≠ 0: write Λ^R = τ3(A + iγ) with A = Ω + Δ̂τ2 Hermitian
    (Ω = diag(ε+nω0), Δ̂ the Toeplitz gap matrix; −iτ1 = τ3τ2); then Λ^R v = λ v gives
    Im λ = γ|v|²/(v†τ3v), so |Im λ| ≥ γ.  The matrix sign of −iΛ̌ (eigenvalues of Λ̌ in the upper
    half plane → +1, lower → −1) therefore exists, commutes with Λ̌ and squares to one: it is the
    unique solution of [Λ̌, ǧ] = 0, ǧ∘ǧ = 1 continuously connected to equilibrium (at θ = 0 it
    is g^R = Λ^R/s^R, g^A = Λ^A/s^A, g^K = (g^R − g^A)h, docs/conventions.md; the tests check this).

    ``method="eig"`` (default, batched over ε): Λ^R = V D V⁻¹, g^R = V sign(Im D) V⁻¹.  Because
    Λ^A = τ3 (Λ^R)† τ3 (T = 1⊗τ3), Λ^A = W D̄ W⁻¹ with W = T V⁻†, hence g^A = −T (g^R)† T.  The
    Keldysh block X = g^K solves the Sylvester equation Λ^R X − X Λ^A = g^R Λ^K − Λ^K g^A
    (f(M) commutes with M for block-triangular M); in the eigenbases it is diagonal:
    X = V Y V† T with Y_ij = (s_i + s_j)(V⁻¹Λ^K W)_ij / (d_i − d̄_j), s = sign Im d; the
    denominator has |Im| ≥ 2γ whenever s_i = s_j.
    ``method="newton"``: the scaled Newton iteration X ← (μX + (μX)⁻¹)/2 on the full 4(2M+1)
    Keldysh matrix −iΛ̌ (μ = |det X|^(−1/N)), no eigenvectors — robust near the exceptional
    points of Λ (gap edges, where eigenvectors are ill-conditioned by ~√(Δ/γ)); used as the
    second method in the tests.

Superfluid density (docs/conventions.md, paper Eq. A2), in units of m·σ_N
    :math:`n_s(t) = \tfrac{i}{8}\mathrm{Tr}\{\tau_3\check g\circ\tau_3\check g\}^K(t,t)
    = \sum_k n_s[k] e^{-ik\omega_0 t}`,
    :math:`n_s[k] = \tfrac{i}{8}\int\tfrac{d\omega}{2\pi}\mathrm{Tr}\,P_{\omega+k\omega_0,\omega}`,
    :math:`P = \tau_3 g^R\tau_3 g^K + \tau_3 g^K\tau_3 g^A`.  The full line is
    ∫dω = ∫_zone dε Σ_n over the *central* indices |n| ≤ M_c = M − n_buffer (docs/architecture.md), i.e. the
    window |ω| < W = (M_c + ½)ω0; outside it the integrand is replaced by the *adiabatic* model
    (the equilibrium integrand −(Δ²/2π) h Im[1/(z²−Δ²)] with the instantaneous gap Δ(t),
    time-averaged with weight e^{ikω0t}; exact at θ = 0, relative error O((ω0/ω)²) at large ω),
    integrated by :func:`adiabatic_tail`; the model's mismatch on the outermost central blocks
    gives the tail error.  Convergence in M is measured by repeating the calculation with M + 2
    on the same ε nodes.  The ε-quadrature (:func:`adaptive_zone_integral`) is adaptive
    Gauss–Legendre on panels graded (scale γ) towards the folded singular energies.

Performance note: batched LAPACK on many small matrices is badly hurt by BLAS thread
oversubscription on a loaded machine (10× measured); run with ``OPENBLAS_NUM_THREADS=1``.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from .conventions import distribution, reservoir_z, sigma_keldysh
from .params import DriveParams, require, require_finite, require_int
from .result import ConvergenceWarning, Result
from .floquet_bands import QuasienergyBands, quasienergies  # noqa: F401  (public re-export)
from .floquet_chiral import chiral_traces

__all__ = [
    "floquet_matrices", "sign_eig", "sign_newton", "floquet_solve", "FloquetSolution",
    "quasienergies", "QuasienergyBands", "adiabatic_tail", "default_harmonics",
    "adaptive_zone_integral", "window_sums", "richardson_window",
]

_PREF = 1j / 8.0 / (2.0 * math.pi)       # (i/8)·(1/2π) of Eq. (A2) in the ω representation


# --------------------------------------------------------------------------- matrices

def floquet_matrices(p: DriveParams, eps, n_harmonics: int):
    """Truncated Floquet matrices (Λ^R, Λ^A, Λ^K) at quasi-energies ``eps``, docs/conventions.md.

    Returns three complex arrays of shape (len(eps), 2(2M+1), 2(2M+1)).
    """
    M = require_int("n_harmonics", n_harmonics, lo=1)
    eps = np.atleast_1d(np.asarray(eps, dtype=float))
    nf = 2 * M + 1
    N = 2 * nf
    w = eps[:, None] + np.arange(-M, M + 1)[None, :] * p.omega0          # (E, nf)
    i0 = 2 * np.arange(nf)
    lam_r = np.zeros((eps.size, N, N), dtype=complex)
    zr = reservoir_z(w, p.gamma, "R")                                    # ωτ3 + Σ^R = z τ3
    lam_r[:, i0, i0] = zr
    lam_r[:, i0 + 1, i0 + 1] = -zr
    lam_r[:, i0, i0 + 1] = -1j * p.delta
    lam_r[:, i0 + 1, i0] = -1j * p.delta
    a, b = i0[:-1], i0[1:]
    c = -0.5j * p.theta
    lam_r[:, a, b + 1] = c
    lam_r[:, a + 1, b] = c
    lam_r[:, b, a + 1] = c
    lam_r[:, b + 1, a] = c
    lam_a = lam_r.copy()
    za = reservoir_z(w, p.gamma, "A")
    lam_a[:, i0, i0] = za
    lam_a[:, i0 + 1, i0 + 1] = -za
    lam_k = np.zeros_like(lam_r)
    sk = sigma_keldysh(w, p.gamma, p.temperature)                        # Σ^K = sk τ3
    lam_k[:, i0, i0] = sk
    lam_k[:, i0 + 1, i0 + 1] = -sk
    return lam_r, lam_a, lam_k


def _tvec(N: int) -> np.ndarray:
    t = np.ones(N)
    t[1::2] = -1.0
    return t


def sign_eig(lam_r, lam_k):
    """(g^R, g^K, g^A) = sign(−iΛ̌) by batched eigen-decomposition (module docstring).

    Λ^A is not needed: it equals T (Λ^R)† T.  Λ^K must be diagonal (the reservoir of Eq. 10).
    Arrays of shape (..., N, N).
    """
    d, V = np.linalg.eig(lam_r)
    Vi = np.linalg.inv(V)
    s = np.where(d.imag > 0, 1.0, -1.0)
    t = _tvec(lam_r.shape[-1])
    g_r = (V * s[..., None, :]) @ Vi
    # (batched matmul is only fast on C-contiguous operands: copy the conjugate transposes)
    Vh = np.ascontiguousarray(np.conj(np.swapaxes(V, -1, -2)))
    W = np.ascontiguousarray(t[:, None] * np.conj(np.swapaxes(Vi, -1, -2)))   # T V^{-†}
    Kt = (Vi * np.diagonal(lam_k, axis1=-2, axis2=-1)[..., None, :]) @ W        # Λ^K is diagonal
    Y = (s[..., :, None] + s[..., None, :]) * Kt / (d[..., :, None] - np.conj(d)[..., None, :])
    g_k = (V @ Y @ Vh) * t[None, :]
    g_a = -t[:, None] * np.conj(np.swapaxes(g_r, -1, -2)) * t[None, :]
    return g_r, g_k, g_a


def sign_newton(lam_r, lam_a, lam_k, *, rtol: float = 1e-13, max_iter: int = 100):
    """(g^R, g^K, g^A) = sign(−iΛ̌) by the determinant-scaled Newton iteration on the full
    Keldysh matrix (no eigenvectors).  Stops when the relative change falls below ``rtol`` or
    stagnates at the round-off floor (below 1e-8 and no longer halving); warns
    (ConvergenceWarning) if neither happens within ``max_iter`` iterations."""
    N = lam_r.shape[-1]
    full = np.zeros(lam_r.shape[:-2] + (2 * N, 2 * N), dtype=complex)
    full[..., :N, :N] = lam_r
    full[..., :N, N:] = lam_k
    full[..., N:, N:] = lam_a
    X = -1j * full
    prev = np.inf
    for it in range(max_iter):
        _, logdet = np.linalg.slogdet(X)
        mu = np.exp(-logdet / (2 * N))[..., None, None] if it < 8 else 1.0
        Xn = 0.5 * (mu * X + np.linalg.inv(mu * X))
        change = np.max(np.abs(Xn - X)) / max(np.max(np.abs(Xn)), 1.0)
        X = Xn
        if change < rtol or (change < 1e-8 and change > 0.5 * prev):
            break
        prev = change
    else:
        warnings.warn(f"sign_newton: not converged after {max_iter} iterations "
                      f"(last relative change {change:.2e})", ConvergenceWarning, stacklevel=2)
    return X[..., :N, :N], X[..., :N, N:], X[..., N:, N:]


def _solve(p, eps, M, method, *, guard: float = 1e-8):
    """ǧ at ``eps``.  With ``method="eig"`` every ε whose normalisation residual
    max|g^R g^R − 1| exceeds ``guard`` (an ill-conditioned eigenbasis) is redone by Newton."""
    lam_r, lam_a, lam_k = floquet_matrices(p, eps, M)
    if method != "eig":
        return sign_newton(lam_r, lam_a, lam_k)
    g = sign_eig(lam_r, lam_k)
    res = np.max(np.abs(g[0] @ g[0] - np.eye(lam_r.shape[-1])), axis=(-2, -1))
    bad = np.nonzero(~(res <= guard))[0]
    if bad.size:
        gn = sign_newton(lam_r[bad], lam_a[bad], lam_k[bad])
        for x, y in zip(g, gn):
            x[bad] = y
    return g


# --------------------------------------------------------------------------- n_s integrand

def _block_traces(g_r, g_k, g_a, M: int, Mc: int, ks):
    """Tr P_{n+k, n} for central n (|n| ≤ Mc), P = τ3 gR τ3 gK + τ3 gK τ3 gA.

    Returns (E, len(ks), 2Mc+1) complex.
    """
    N = g_r.shape[-1]
    t = _tvec(N)
    tr_ = t[:, None] * g_r * t[None, :]
    tk_ = t[:, None] * g_k * t[None, :]
    n = np.arange(-Mc, Mc + 1)
    out = np.empty((g_r.shape[0], len(ks), n.size), dtype=complex)
    for j, k in enumerate(ks):
        cols = 2 * (n + M)
        rows = cols + 2 * k
        acc = 0
        for u in (0, 1):
            r, c = rows + u, cols + u
            acc = acc + np.einsum("ekj,ejk->ek", tr_[:, r, :], g_k[:, :, c])
            acc = acc + np.einsum("ekj,ejk->ek", tk_[:, r, :], g_a[:, :, c])
        out[:, j, :] = acc
    return out


def _eq_integrand(omega, delta, gamma: float, temperature: float):
    """Equilibrium DC integrand of n_s per unit ω: −(Δ²/2π) h(ω) Im[1/(z²−Δ²)], z = ω+iγ.

    Derivation (θ = 0, docs/conventions.md): Tr τ3g^Rτ3g^R = 2 + 4Δ²/(z²−Δ²); with g^K = (g^R − g^A)h the
    Keldysh trace reduces to h[Tr τ3g^Rτ3g^R − Tr τ3g^Aτ3g^A] = 8iΔ² h Im[1/(z²−Δ²)]; times
    i/(8·2π).  ``delta`` may be an array broadcasting against ``omega``.
    """
    omega = np.asarray(omega, dtype=float)
    z = reservoir_z(omega, gamma, "R")
    d2 = np.asarray(delta, dtype=float) ** 2
    return -(d2 / (2 * math.pi)) * distribution(omega, temperature) * np.imag(1.0 / (z * z - d2))


_N_PHASE = 48


def _adiabatic_integrand(omega, p: DriveParams, ks):
    """Adiabatic (quasi-static) n_s[k] integrand: the k-th time harmonic of the equilibrium
    integrand evaluated with the instantaneous gap Δ(t) = Δ + θ cos ω0t.

    Exact at θ = 0; for |ω| ≫ ω0, Δ the driven integrand approaches it up to relative
    O((ω0/ω)²), so it models the tails |ω| > W.  Returns shape omega.shape + (len(ks),).
    """
    phi = 2 * math.pi * np.arange(_N_PHASE) / _N_PHASE
    d = p.delta + p.theta * np.cos(phi)
    f = _eq_integrand(np.asarray(omega, float)[..., None], d, p.gamma, p.temperature)
    wts = np.exp(1j * np.outer(phi, ks)) / _N_PHASE                     # n_s[k] = <n_s(t) e^{ikω0t}>
    return f @ wts


def adiabatic_tail(p: DriveParams, W: float, ks=(0,)):
    """Tails |ω| > W (ω the right frequency of the block) of the adiabatic n_s[k] integrand.

    Harmonic k is modelled at the mid frequency ω + kω0/2 of the block (ω + kω0, ω), so by
    evenness the two tails are T_k(W + kω0/2) + T_k(W − kω0/2), T_k(a) = ∫_a^∞.  Returns complex
    values and absolute error estimates (scipy ``quad_vec``), one per k.  At θ = 0 and k = 0
    this is the exact equilibrium tail.
    """
    from scipy.integrate import quad_vec
    W = require_finite("W", W)
    vals, errs = [], []
    for k in ks:
        require(W - 0.5 * abs(k) * p.omega0 > 0, "W", W, f"> |k|ω0/2 = {0.5 * abs(k) * p.omega0}")
        f = lambda x: (lambda v: np.array([v.real, v.imag]))(        # noqa: E731
            _adiabatic_integrand(x, p, (k,))[..., 0])
        v, e = 0.0, 0.0
        for a in (W + 0.5 * k * p.omega0, W - 0.5 * k * p.omega0):
            r, er = quad_vec(f, a, np.inf, epsabs=1e-16, epsrel=1e-12)
            v, e = v + r[0] + 1j * r[1], e + er
        vals.append(v)
        errs.append(e + 1e-16)
    return np.array(vals), np.array(errs)


# --------------------------------------------------------------------------- quadrature

_GL_X, _GL_W = np.polynomial.legendre.leggauss(10)


def _initial_panels(p: DriveParams, ratio: float = 4.0) -> np.ndarray:
    """Panel edges on the zone [−ω0/2, ω0/2], graded geometrically (scale γ) towards the
    folded singular energies ±Δ (the gap edges ±Δ + kω0 all fold there), 0 (the jump of h at
    T = 0) and the zone edges (ω = ω0/2 + kω0: the resonance 2E = ω0 of Fig. 2a)."""
    half = 0.5 * p.omega0
    fold = lambda x: (x + half) % p.omega0 - half        # noqa: E731
    pts = np.unique(np.array([-half, fold(p.delta), fold(-p.delta), 0.0, half]))
    edges = [pts]
    scale = min(p.gamma, 0.05 * p.omega0)
    for x0 in pts:
        d = 0.25 * scale
        while d < p.omega0:
            edges.append(np.array([x0 - d, x0 + d]))
            d *= ratio
    e = np.unique(np.concatenate(edges))
    e = e[(e >= -half) & (e <= half)]
    keep = np.concatenate([[True], np.diff(e) > 1e-12 * p.omega0])
    return e[keep]


def _nodes(lo, hi):
    mid, rad = 0.5 * (lo + hi), 0.5 * (hi - lo)
    x = mid[:, None] + rad[:, None] * _GL_X[None, :]
    w = rad[:, None] * _GL_W[None, :]
    return x, w


def adaptive_zone_integral(f, edges, tol: float, *, monitor=None, max_rounds: int = 30,
                           max_eval: int = 40000, progress: bool = False):
    """Vectorised adaptive Gauss–Legendre (10 points per panel) of a vector-valued f(ε).

    ``f`` maps an array of K nodes to an array (K, ...) ; ``monitor`` maps an integral (...)
    to the scalar whose absolute error must fall below ``tol`` (default: max abs).  Each panel
    is compared with its two halves; the halves are kept and the difference is the panel's
    error estimate.  Refinement stops (ConvergenceWarning) after ``max_rounds`` rounds or
    ``max_eval`` integrand evaluations (a noise floor above ``tol`` would otherwise refine for
    ever).  Returns (integral, error, n_evaluations, n_panels).
    """
    from tqdm.auto import tqdm
    mon = monitor if monitor is not None else (lambda v: np.max(np.abs(v)))
    lo, hi = np.asarray(edges[:-1], float), np.asarray(edges[1:], float)
    x, w = _nodes(lo, hi)
    vals = f(x.ravel())
    shape = vals.shape[1:]
    I_parent = np.einsum("pq,pq...->p...", w, vals.reshape((lo.size, _GL_X.size) + shape))
    n_eval = x.size
    done_I = np.zeros(shape, dtype=vals.dtype)
    done_err = 0.0
    n_done = 0
    bar = tqdm(total=max_rounds, desc="zone quadrature", disable=not progress, leave=False)
    L = hi.sum() - lo.sum()
    for rnd in range(max_rounds):
        mid = 0.5 * (lo + hi)
        lo2, hi2 = np.concatenate([lo, mid]), np.concatenate([mid, hi])
        x, w = _nodes(lo2, hi2)
        v = f(x.ravel())
        n_eval += x.size
        I_child = np.einsum("pq,pq...->p...", w, v.reshape((lo2.size, _GL_X.size) + shape))
        m = lo.size
        I_sum = I_child[:m] + I_child[m:]
        err = np.array([mon(d) for d in (I_sum - I_parent)])
        budget = 0.5 * tol * (hi - lo) / L
        ok = (err <= budget) | ((hi - lo) < 1e-13 * L)
        done_I = done_I + I_sum[ok].sum(axis=0)
        done_err += err[ok].sum()
        n_done += int(ok.sum())
        bar.update(1)
        bad = ~ok
        if not bad.any():
            break
        if (done_err + err[bad].sum() <= tol and rnd > 0) or \
                n_eval + 2 * bad.sum() * _GL_X.size > max_eval:
            if done_err + err[bad].sum() > tol:
                warnings.warn(f"zone quadrature: tolerance {tol:.1e} not reached within "
                              f"max_eval={max_eval} evaluations (estimate "
                              f"{done_err + err[bad].sum():.1e})", ConvergenceWarning, stacklevel=3)
            done_I = done_I + I_sum[bad].sum(axis=0)
            done_err += err[bad].sum()
            n_done += int(bad.sum())
            bad[:] = False
            break
        lo, hi = np.concatenate([lo[bad], mid[bad]]), np.concatenate([mid[bad], hi[bad]])
        I_parent = np.concatenate([I_child[:m][bad], I_child[m:][bad]])
    else:
        done_I = done_I + I_sum[bad].sum(axis=0)
        done_err += err[bad].sum()
        warnings.warn(f"zone quadrature: tolerance {tol:.1e} not reached after {max_rounds} "
                      f"rounds (estimate {done_err:.1e})", ConvergenceWarning, stacklevel=3)
    bar.close()
    return done_I, done_err, n_eval, n_done + int(bad.sum())


def _zone_blocks(ps, M_list, Mc: int, ks, tol: float, method: str, monitor=None,
                 progress: bool = False, jobs=None):
    """Zone integrals of the central block traces for several drives ``ps`` and truncations.

    Returns (I, err, n_eval): I has shape (n_jobs, 2·len(ks), 2Mc+1) where the jobs are the
    pairs (p, M) of ``jobs`` (default: every p with every M in ``M_list``, p-major); slots
    len(ks).. hold the adiabatic model of the same blocks (:func:`_adiabatic_integrand`).
    All jobs share the ε nodes (so differences in θ are free of mesh noise).  ``method``:
    "eig"/"newton" (:func:`_solve` on the full 2(2M+1) problem) or "chiral" (the half-size
    τ2-chiral eigenproblem of :func:`floquetsym.floquet_chiral.chiral_traces`; nodes with an
    ill-conditioned eigenbasis are redone by "eig").  The default
    ``monitor`` is the largest |Σ_n| over k of the last job.
    """
    if jobs is None:
        jobs = [(p, M) for p in ps for M in M_list]
    nk = len(ks)
    n = np.arange(-Mc, Mc + 1)

    def f(eps):
        out = np.empty((eps.size, len(jobs), 2 * nk, 2 * Mc + 1), dtype=complex)
        ad = {}
        for a, (p, M) in enumerate(jobs):
            if method == "chiral":        # half-size τ2-chiral eigenproblem; ill-conditioned nodes by "eig"
                tr, bad = chiral_traces(p, eps, M, ks, n)
                if bad.size:
                    tr[bad] = _PREF * _block_traces(*_solve(p, eps[bad], M, "eig"), M, Mc, ks)
                out[:, a, :nk, :] = tr
            else:
                out[:, a, :nk, :] = _PREF * _block_traces(*_solve(p, eps, M, method), M, Mc, ks)
            if p not in ad:
                w = eps[:, None] + n[None, :] * p.omega0
                ad[p] = np.stack([_adiabatic_integrand(w + 0.5 * k * p.omega0, p, (k,))[..., 0]
                                  for k in ks], axis=1)       # block (n+k, n) <-> ω + kω0/2
            out[:, a, nk:, :] = ad[p]
        return out

    if monitor is None:
        monitor = lambda v: np.max(np.abs(v[-1, :nk, :].sum(axis=-1)))   # noqa: E731
    I, err, n_eval, _ = adaptive_zone_integral(f, _initial_panels(jobs[0][0]), tol,
                                               monitor=monitor, progress=progress)
    return I, err, n_eval


def _tail_model_error(mismatch, Mc: int) -> float:
    """Error of the adiabatic tails from the model's mismatch on the central blocks.

    On each side the outermost mismatch m(Mc) and the next one m(Mc−1) give a power law
    m ∝ |n + ½|^{−q} (q clipped to [2, 12]); its sum beyond the window, ≈ m(Mc)·(Mc+½)/(q−1)
    + m(Mc)/2, is the estimate.  With a single block the factor is Mc + 1.
    """
    m = np.abs(np.asarray(mismatch))
    if Mc < 1:
        return float(m.sum() * (Mc + 1))
    err = 0.0
    for m1, m2 in ((m[0], m[1]), (m[-1], m[-2])):
        q = math.log(m2 / m1) / math.log((Mc + 0.5) / (Mc - 0.5)) if m1 > 0 and m2 > m1 else 2.0
        q = min(max(q, 2.0), 12.0)
        err += m1 * ((Mc + 0.5) / (q - 1) + 0.5)
    return float(err)


def window_sums(blocks, tails):
    """T_j = Σ_{|n| ≤ Mc−j} blocks_n + tails[j], j = 0, 1, 2 (windows W_j = (Mc − j + ½)ω0)."""
    b = np.asarray(blocks)
    Mc = (b.shape[-1] - 1) // 2
    return np.array([b[..., j:b.shape[-1] - j].sum(-1) + tails[j] for j in range(3)
                     if Mc - j >= 0])


def richardson_window(T, Mc: int, omega0: float):
    """Extrapolate window-truncated values T_j (:func:`window_sums`) to W → ∞.

    The truncation error (true integrand minus the adiabatic tail model beyond W) decays as a
    power, E(W) = C W^{−q}; q and C follow from the two differences T_0 − T_1, T_1 − T_2
    (q solved on [1, 30]).  Returns (value, error): error = ½|correction| + the change of the
    correction when q is taken from the next pair (if available), and |T_0 − T_1| + |T_1 − T_2|
    with no correction when the differences do not shrink (not yet asymptotic).
    """
    from scipy.optimize import brentq
    T = np.asarray(T, dtype=complex)
    if T.size < 3:
        return complex(T[0]), float(abs(T[0] - T[-1]) * 2 + 1e-300)
    W = (Mc - np.arange(3) + 0.5) * omega0
    d1, d2 = T[0] - T[1], T[1] - T[2]
    if abs(d2) == 0 or abs(d1) == 0:
        return complex(T[0]), float(abs(d1) + abs(d2))
    r = d1 / d2
    if abs(r.imag) > 0.2 * abs(r.real) or not (0 < r.real < 1):
        return complex(T[0]), float(abs(d1) + abs(d2))
    g = lambda q: (W[0] ** -q - W[1] ** -q) / (W[1] ** -q - W[2] ** -q) - r.real   # noqa: E731
    if g(1.0) * g(30.0) > 0:
        return complex(T[0]), float(abs(d1) + abs(d2))
    q = brentq(g, 1.0, 30.0)
    C = d1 / (W[0] ** -q - W[1] ** -q)
    corr = -C * W[0] ** -q
    return complex(T[0] + corr), float(0.5 * abs(corr))


# --------------------------------------------------------------------------- public solution

def default_harmonics(p: DriveParams) -> tuple[int, int]:
    """Default (n_harmonics M, n_central M_c) for ``p``.

    The window W = (M_c + ½)ω0 must contain the gap edges and the multiphoton sidebands:
    W ≥ Δ + 2θ + max(4ω0, 4Δ); beyond it the adiabatic tail model is accurate to ~(ω0/W)².
    The buffer M − M_c = 3 + ⌈2θ/ω0⌉ covers the Floquet spreading of the central blocks
    (Bessel-like, range ~θ/ω0); its adequacy is *measured* by the M → M + 2 comparison.
    """
    W = p.delta + 2 * p.theta + max(4 * p.omega0, 4 * p.delta)
    Mc = max(2, math.ceil(W / p.omega0 - 0.5))
    return Mc + 3 + math.ceil(2 * p.theta / p.omega0), Mc


@dataclass(frozen=True)
class FloquetSolution:
    """Truncated-Floquet solution ǧ = sign(−iΛ̌) of the driven Usadel equation (module docstring).

    Evaluated lazily: :meth:`green` at any ε, observables by quadrature over the zone.
    """

    params: DriveParams
    n_harmonics: int
    n_central: int
    method: str = "eig"
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def window(self) -> float:
        """Half-width W = (M_c + ½)ω0 of the frequency window covered by the central blocks."""
        return (self.n_central + 0.5) * self.params.omega0

    def matrices(self, eps):
        """(Λ^R, Λ^A, Λ^K) at ``eps`` (see :func:`floquet_matrices`)."""
        return floquet_matrices(self.params, eps, self.n_harmonics)

    def green(self, eps, *, method: str | None = None):
        """(g^R, g^K, g^A) Floquet matrices at quasi-energies ``eps``, each (len(eps), N, N)."""
        return _solve(self.params, eps, self.n_harmonics, method or self.method)

    def residuals(self, eps) -> dict:
        """max |ǧ∘ǧ − 1| and max |[Λ̌, ǧ]| over ``eps``, restricted to the central blocks."""
        lam_r, lam_a, lam_k = self.matrices(eps)
        g_r, g_k, g_a = self.green(eps)
        N = g_r.shape[-1]
        c = slice(2 * (self.n_harmonics - self.n_central), N - 2 * (self.n_harmonics - self.n_central))
        one = np.eye(N)
        norm = [g_r @ g_r - one, g_a @ g_a - one, g_r @ g_k + g_k @ g_a]
        comm = [lam_r @ g_r - g_r @ lam_r, lam_a @ g_a - g_a @ lam_a,
                lam_r @ g_k + lam_k @ g_a - g_r @ lam_k - g_k @ lam_a]
        return {"normalisation": max(np.max(np.abs(x[:, c, c])) for x in norm),
                "commutator": max(np.max(np.abs(x[:, c, c])) for x in comm)}

    def ns_harmonics(self, ks=(0, 1, 2), *, tol: float = 1e-6, check_truncation: bool = True,
                     progress: bool = False) -> dict:
        """n_s[k] for each k in ``ks`` (units m·σ_N; n_s(t) = Σ_k n_s[k] e^{−ikω0t}), one pass.

        ``tol`` is relative to the equilibrium scale (Δ/2)tanh(Δ/2T).  Each Result's error
        adds the quadrature error, the truncation change M → M+2 (``meta['truncation_change']``)
        and the tail-model mismatch; a ConvergenceWarning names whichever exceeds ``tol``.
        ``check_truncation=False`` skips the M + 2 solve (half the cost; no truncation check).
        """
        p = self.params
        tol = require_finite("tol", tol)
        require(tol > 0, "tol", tol, "> 0")
        ks = tuple(require_int("harmonic", k) for k in ks)
        kmax = max(abs(k) for k in ks)
        require(self.n_central + kmax <= self.n_harmonics, "n_harmonics", self.n_harmonics,
                f">= n_central + |k| = {self.n_central + kmax} for harmonics {ks}")
        require(self.window > 0.5 * kmax * p.omega0 + p.gamma, "n_central", self.n_central,
                "large enough that the window exceeds |k|ω0/2")
        scale = 0.5 * p.delta * (math.tanh(p.delta / (2 * p.temperature)) if p.temperature else 1.0)
        M = self.n_harmonics
        Ms = [M, M + 2] if check_truncation else [M, M]
        jobs = [(p, m) for m in sorted(set(Ms))]
        I, qerr, n_eval = _zone_blocks(None, None, self.n_central, ks, 0.25 * tol * scale,
                                       self.method, progress=progress, jobs=jobs)
        I = I[None][:, [0, -1]]
        tail, tail_err = adiabatic_tail(p, self.window, ks)
        nk = len(ks)
        out = {}
        for j, k in enumerate(ks):
            blocks = I[0, 1, j]
            trunc = abs(I[0, 1, j].sum() - I[0, 0, j].sum())
            tail_model = _tail_model_error(blocks - I[0, 1, nk + j], self.n_central)
            val = blocks.sum() + tail[j]
            if k == 0:
                val = float(val.real)          # DC part is real (imaginary part ~ roundoff)
            else:
                val = complex(val)
            err = float(qerr + trunc + tail_model + tail_err[j])
            meta = {"harmonic": k, "n_harmonics": Ms[-1], "n_central": self.n_central,
                    "window": self.window, "quadrature_error": float(qerr),
                    "truncation_change": float(trunc), "tail": complex(tail[j]),
                    "tail_model_error": float(tail_model), "n_eval": n_eval,
                    "method": self.method, "units": "m*sigma_N"}
            if trunc > tol * scale:
                warnings.warn(f"n_harmonics={M}: n_s[{k}] changed by {trunc:.2e} from M={M} to "
                              f"M={M + 2} (tolerance {tol * scale:.1e}); increase n_harmonics",
                              ConvergenceWarning, stacklevel=2)
            if tail_model > tol * scale:
                warnings.warn(f"n_central={self.n_central} (window W={self.window:.3g}): the tail "
                              f"model of n_s[{k}] is uncertain by {tail_model:.2e} (tolerance "
                              f"{tol * scale:.1e}); increase n_harmonics/n_central",
                              ConvergenceWarning, stacklevel=2)
            out[k] = Result(val, err, p, meta)
        return out

    def superfluid_density(self, harmonic: int = 0, *, tol: float = 1e-6,
                           check_truncation: bool = True, progress: bool = False) -> Result:
        """n_s[harmonic] in units of m·σ_N (DC for harmonic = 0); see :meth:`ns_harmonics`."""
        return self.ns_harmonics((harmonic,), tol=tol, check_truncation=check_truncation,
                                 progress=progress)[harmonic]

    def ldos(self, omega, *, kind: str = "total") -> Result:
        """Time-averaged Floquet LDOS at frequencies ``omega`` (centre block, ε = ω).

        ``kind="total"``: N(ω) = Re g^R_{00,11}(ω) (Fig. 2b; Dynes DOS at θ = 0).
        ``kind="occupied"``: Re[(g^R − g^A − g^K)_{00,11}]/4, which equals N(ω)(1 − h)/2 =
        N(ω) f(ω) in equilibrium (f the Fermi function).  Error: the change M → M + 2.
        """
        require(kind in ("total", "occupied"), "kind", kind, "'total' or 'occupied'")
        omega = np.atleast_1d(np.asarray(omega, dtype=float))
        vals = []
        for M in (self.n_harmonics, self.n_harmonics + 2):
            g_r, g_k, g_a = _solve(self.params, omega, M, self.method)
            i = 2 * M
            v = g_r[:, i, i].real if kind == "total" else (g_r - g_a - g_k)[:, i, i].real / 4
            vals.append(v)
        change = np.abs(vals[1] - vals[0])
        return Result(vals[1], float(change.max()), self.params,
                      {"kind": kind, "truncation_change": change, "n_harmonics": self.n_harmonics + 2})


#: largest truncation M accepted (matrices of 2(2M+1) rows, batched over the ε grid); the
#: default M grows like (Δ + 2θ + 4max(ω0, Δ))/ω0 + 2θ/ω0 and reached 5000 (900 GiB) at
#: ω0 = 1e-3Δ and θ = 1e3Δ
MAX_HARMONICS = 400


def floquet_solve(p: DriveParams, n_harmonics: int | None = None, *, n_central: int | None = None,
                  method: str = "eig") -> FloquetSolution:
    """Non-perturbative truncated-Floquet solution of [Λ̌, ǧ] = 0, ǧ∘ǧ = 1 (module docstring).

    ``n_harmonics`` M: Floquet indices −M..M (matrices of size 2(2M+1)); default from
    :func:`default_harmonics`.  ``n_central`` M_c: indices |n| ≤ M_c enter traces (default
    M − 3 − ⌈2θ/ω0⌉, at least 0).  ``method``: "eig" or "newton".

    >>> sol = floquet_solve(DriveParams(theta=0.0, omega0=1.0, gamma=1e-2), n_harmonics=6)
    >>> round(sol.superfluid_density(tol=1e-8).value, 8)        # (Δ/2)(1 − (2/π)atan(γ/Δ))
    0.49681701
    """
    if not isinstance(p, DriveParams):
        raise ValueError(f"p={p!r} is not allowed: need p a DriveParams")
    require(method in ("eig", "newton"), "method", method, "'eig' or 'newton'")
    M0, Mc0 = default_harmonics(p)
    if n_harmonics is None:
        M, Mc = M0, Mc0
    else:
        M = require_int("n_harmonics", n_harmonics, lo=1)
        Mc = max(0, M - (M0 - Mc0))
    if n_central is not None:
        Mc = require_int("n_central", n_central, lo=0, hi=M)
    if n_harmonics is None:     # validity domain (docs/validity.md): the matrices must fit
        name, value = ("theta", p.theta) if p.theta > p.delta + p.omega0 else ("omega0", p.omega0)
        require(M <= MAX_HARMONICS, name, value,
                f"such that the default truncation n_harmonics={M} (at omega0={p.omega0:g}, "
                f"theta={p.theta:g}) stays <= {MAX_HARMONICS}: matrices of 2(2M+1) rows per ε "
                "would not fit in memory (a smaller explicit n_harmonics is accepted)")
    else:
        require(M <= MAX_HARMONICS, "n_harmonics", M, f"<= {MAX_HARMONICS}")
    return FloquetSolution(p, M, Mc, method)
