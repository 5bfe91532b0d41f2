r"""One sweep of the high-order two-time solver: a linear Volterra integro-differential equation
along one row or column of the two-time plane (:mod:`numerics.kb_gregory`).

Both sweeps of a time step have the form (per stored ξ; 2×2 values v, right multiplication)

    dv/du = −i [ v(u) (ξτ3 + H(u)) + ∫_0^u du' v(u') K(u', u) + Q(u) ],     v(0) = v0,

on the grid u_k = k dt, k = 0..M, with H (the gap part of h, same for every ξ) and the kernel K
(the local self-energy, same for every ξ) known.  In the frame rotating with ξτ3,
v = ṽ E, E(u) = e^{−iξτ3 u}, the stiff part drops out:

    dṽ/du = F(u) = −i [ v H + I + Q ] E^{−1},     I(u) = ∫_0^u v K.

Discretisation (order q + 1; :mod:`numerics.kb_quadrature`):
  * I(u_m) by the composite Gregory-type rule of degree q over the nodes 0..m;
  * the first q nodes of every segment by the block start ṽ_k = ṽ_s + dt Σ_l S[k−s, l] F_{s+l}
    (solved by fixed-point iteration: the contraction is ~dt·q·(|Δ| + dt|Σ|) ≪ 1);
  * later nodes by implicit Adams–Moulton, ṽ_m = ṽ_{m−1} + dt Σ_l A_l F_{m−q+l}, whose
    end-point terms (H and the end-point weight of I) are linear in ṽ_m: a 2×2 solve per ξ.
A breakpoint ``bp`` (a node where H jumps: the quench) splits the sweep into two segments:
no stencil straddles it and F there takes the value of the segment in use (``H2`` is the
second segment's H at bp).  A segment shorter than q + 1 nodes is solved as one start block of
its own degree (lower order; this happens only in the first q rows of a run and the q rows
after the quench).

The history sum is organised in blocks of ``blk`` nodes: the contribution of all earlier nodes
to the block is one matrix product (all ξ at once), the rest is local.
"""
from __future__ import annotations

import numpy as np

from .kb_quadrature import adams_moulton, long_ends, short_table, split_weights, start_weights

__all__ = ["sweep"]


def _inv2(b):
    """Inverse of a stack of 2×2 matrices (closed form)."""
    det = b[..., 0, 0] * b[..., 1, 1] - b[..., 0, 1] * b[..., 1, 0]
    out = np.empty_like(b)
    out[..., 0, 0] = b[..., 1, 1]
    out[..., 1, 1] = b[..., 0, 0]
    out[..., 0, 1] = -b[..., 0, 1]
    out[..., 1, 0] = -b[..., 1, 0]
    return out / det[..., None, None]


def sweep(v0, H, H2, bp, kblock, kdiag, Q, E, q: int, dt: float, blk: int = 48,
          fp_tol: float = 1e-14, fp_max: int = 100, bulk=None):
    """Solve the sweep equation of the module docstring on nodes 0..M.

    v0 (X, 2, 2); H (M+1, 2, 2) with H[bp] the first segment's value; H2 (2, 2) or None;
    bp the breakpoint node or None; ``kblock(l0, l1, m0, m1)`` → K(l, m) of shape
    (l1−l0, m1−m0, 2, 2); kdiag (M+1, 2, 2) = K(m, m); Q (X, M+1, 2, 2) or None; E (X, M+1, 2)
    the diagonal of e^{−iξτ3 u_k}.  ``bulk(xw, t0, t1)`` (optional) returns
    Σ_{l<L} xw_l K(l, t) for t ∈ [t0, t1) (xw of shape (X, 2, L, 2), L ≤ t0) — e.g. through
    the compressed kernel of :mod:`numerics.kb_hodlr`; default: dense products with kblock.
    Returns (v, fp_iters): v of shape (X, M+1, 2, 2).
    """
    if bulk is None:
        def bulk(xw, t0, t1):
            return _bulk(xw, np.ones(xw.shape[2]), kblock(0, xw.shape[2], t0, t1))
    X, M = v0.shape[0], H.shape[0] - 1
    V = np.zeros((X, 2, M + 1, 2), complex)          # [x, a, l, b] = v_l[a, b]
    F = np.zeros((X, M + 1, 2, 2), complex)
    I = np.zeros((X, M + 1, 2, 2), complex)
    Ec = np.conj(E)
    Qz = Q if Q is not None else np.zeros((X, M + 1, 2, 2), complex)
    V[:, :, 0, :] = v0
    if M == 0:
        return V.transpose(0, 2, 1, 3).copy(), 0
    segs = [(0, bp), (bp, M)] if (bp is not None and 0 < bp < M) else [(0, M)]
    L0, p, left, right = long_ends(q)
    A = adams_moulton(q)
    fp_total = 0
    w1 = None
    om = np.ones(M + 1)
    for si, (s, e) in enumerate(segs):
        Hs = H2 if si == 1 else H[s]
        base_s = 0.0
        if si == 1:
            w1 = split_weights(s, None, q)
            om[:s + 1] = w1
            base_s = w1[s]
        v_s = V[:, :, s, :]
        F[:, s] = -1j * (v_s @ Hs + I[:, s] + Qz[:, s]) * Ec[:, s, None, :]
        vt_s = v_s * Ec[:, s, None, :]
        # ---- start block: nodes s+1 .. s+qq, fixed point ---------------------------------
        qq = min(q, e - s)
        S = start_weights(qq)
        ks = np.arange(s + 1, s + qq + 1)
        Kst = kblock(s, s + qq + 1, s + 1, s + qq + 1)            # (qq+1, qq, 2, 2)
        pst = np.zeros((X, qq, 2, 2), complex)
        if s > 0:
            pst = bulk(V[:, :, :s, :] * w1[None, None, :s, None], s + 1, s + qq + 1)
        Hk = H[ks].copy()
        # Kw[(l, b), (k, c)] = S[k, l] K(l, k) (+ base_s at l = s): I_k = dt (pst + v · Kw)
        Sw = S[1:].T.copy()                                        # [l, k]
        Sw[0] += base_s
        Kw = np.ascontiguousarray((Kst * Sw[:, :, None, None]).transpose(0, 2, 1, 3))
        Kw = Kw.reshape(2 * (qq + 1), 2 * qq)
        Ek, Eck = E[:, ks, None, :], Ec[:, ks, None, :]
        Qk = Qz[:, ks]
        Hk = H[ks]
        S1 = S[1:, 1:]

        def evaluate(vt):
            v = vt * Ek
            vS = np.concatenate([v_s[:, None], v], axis=1)       # (X, qq+1, 2, 2)
            Ik = pst + (vS.transpose(0, 2, 1, 3).reshape(2 * X, 2 * (qq + 1)) @ Kw).reshape(
                X, 2, qq, 2).transpose(0, 2, 1, 3)
            Ik = dt * Ik
            return v, Ik, -1j * (v @ Hk + Ik + Qk) * Eck

        vt = np.repeat(vt_s[:, None], qq, axis=1)                # guesses ṽ_k
        base = vt_s[:, None] + dt * S[1:, 0][None, :, None, None] * F[:, s:s + 1]
        for it in range(fp_max):
            _, _, Fk = evaluate(vt)
            new = base + dt * np.einsum("kl,xlab->xkab", S1, Fk)
            diff = np.abs(new - vt).max()
            vt = new
            if diff <= fp_tol * max(1.0, np.abs(new).max()):
                break
        fp_total += it + 1
        v, Ik, Fk = evaluate(vt)
        I[:, ks] = Ik
        F[:, ks] = Fk
        V[:, :, s + 1:s + qq + 1, :] = v.transpose(0, 2, 1, 3)
        vt_prev = vt[:, -1]
        if e - s <= q:
            continue
        # ---- Adams–Moulton nodes s+q+1 .. e, in blocks ----------------------------------
        om[s:s + p] = left[:min(p, M + 1 - s)]
        om[s] += base_s
        om[s + p:] = 1.0
        m0 = s + q + 1
        while m0 <= e:
            m1 = min(m0 + blk, e + 1)
            vt_prev = _am_block(V, F, I, om, s, base_s, m0, m1, vt_prev, H, kblock, kdiag, Qz,
                                E, Ec, q, dt, bulk)
            m0 = m1
    return V.transpose(0, 2, 1, 3).copy(), fp_total


def _weights(om, s, base_s, m0, m1, c0, q):
    """W[t, l]: weight of node l in I(u_t) (unit spacing) for targets t ∈ [m0, m1) and sources
    l ∈ [c0, m1); sources below c0 carry the static weight ``om`` for every target."""
    L0, p, _, right = long_ends(q)
    T = short_table(q)
    W = np.zeros((m1 - m0, m1 - c0))
    for j, t in enumerate(range(m0, m1)):
        L = t - s
        if L < L0:
            W[j, s - c0:t - c0 + 1] = T[L, :L + 1]
            W[j, s - c0] += base_s
        else:
            W[j, :t - c0 + 1] = om[c0:t + 1]
            W[j, t - p + 1 - c0:t + 1 - c0] = right
    return W


def _am_block(V, F, I, om, s, base_s, m0, m1, vt_prev, H, kblock, kdiag, Qz, E, Ec, q, dt,
              bulk):
    """Adams–Moulton nodes m0..m1−1 of the segment starting at s (module docstring).

    The integral I(u_t) = dt Σ_l W[t, l] v_l K(l, t) is accumulated in P: the static part of
    all nodes before the block by one matrix product, then every new node adds its
    contribution to the later targets (one small product per node); the end point l = t
    enters the 2×2 solve.  The Adams–Moulton history is accumulated the same way in R."""
    X = V.shape[0]
    B = m1 - m0
    L0, p, _, _ = long_ends(q)
    A = adams_moulton(q)
    c0 = s if m0 - s < L0 else m0 - p + 1
    W = _weights(om, s, base_s, m0, m1, c0, q)                  # (B, m1 - c0)
    K = kblock(c0, m1, m0, m1)                                    # (m1 − c0, B, 2, 2)
    P = bulk(V[:, :, :m0, :] * om[None, None, :m0, None], m0, m1)   # (X, B, 2, 2)
    if m0 > c0:                                                    # non-static weights before m0
        dw = W[:, :m0 - c0] - om[None, c0:m0]
        Kd = np.ascontiguousarray((K[:m0 - c0] * dw.T[:, :, None, None]).transpose(0, 2, 1, 3))
        P += (V[:, :, c0:m0, :].reshape(2 * X, 2 * (m0 - c0))
              @ Kd.reshape(2 * (m0 - c0), 2 * B)).reshape(X, 2, B, 2).transpose(0, 2, 1, 3)
    P = np.ascontiguousarray(P.transpose(0, 2, 1, 3)).reshape(2 * X, 2 * B)   # [(x,a), (t,c)]
    # in-block sources: Kw[l] = W[t, l] K(l, t), targets t > l only
    Win = W[:, m0 - c0:].T.copy()                                  # [l, t]
    Wd = np.diag(Win).copy()
    np.fill_diagonal(Win, 0.0)
    Kin = K[m0 - c0:] * Win[:, :, None, None]                         # (l, t, b, c)
    Kw = np.ascontiguousarray(Kin.transpose(0, 2, 1, 3)).reshape(B, 2, 2 * B)
    # end-point matrices G_t = −i E (H + dt W_tt K_tt) E^{-1} and (1 − dt A_q G_t)^{-1}
    kd = kdiag[m0:m1]
    Mt = H[m0:m1] + (dt * Wd)[:, None, None] * kd                  # (B, 2, 2)
    Eb, Ecb = E[:, m0:m1], Ec[:, m0:m1]
    G = -1j * Eb[:, :, :, None] * Mt[None] * Ecb[:, :, None, :]    # (X, B, 2, 2)
    invB = _inv2(np.eye(2) - (dt * A[q]) * G)
    # Adams–Moulton history R[t] = Σ_{l<q} A_l F_{t−q+l} from nodes before the block
    R = np.zeros((X, B + q, 2, 2), complex)
    for d in range(1, q + 1):                                      # target t = m0 − 1 + d
        for l in range(q):
            src = m0 - 1 + d - q + l
            if src < m0:
                R[:, d - 1] += A[l] * F[:, src]
    Arev = (dt * A[q - 1::-1])[:, None, None]                     # dt·weight of F_t in R[t + d]
    R *= dt
    Qb = Qz[:, m0:m1]
    aq = dt * A[q]
    cE = (-1j * dt * aq) * Ecb[:, :, None, :]                      # a·g = P cE + Qa
    Qa = (-1j * aq) * Qb * Ecb[:, :, None, :]
    Pv = P.reshape(X, 2, B, 2)
    Kw2 = Kw
    for j in range(B):
        ag = Pv[:, :, j, :] * cE[:, j] + Qa[:, j]
        vt = np.matmul(vt_prev + R[:, j] + ag, invB[:, j])
        Ft = np.matmul(vt, G[:, j]) + ag * (1.0 / aq)
        F[:, m0 + j] = Ft
        v = vt * Eb[:, j, None, :]
        V[:, :, m0 + j, :] = v
        if j + 1 < B:
            P += v.reshape(2 * X, 2) @ Kw2[j]
        R[:, j + 1:j + q + 1] += Arev * Ft[:, None]
        vt_prev = vt
    I[:, m1 - 1] = dt * (Pv[:, :, B - 1, :] + Wd[B - 1] * (V[:, :, m1 - 1, :] @ kd[B - 1]))
    return vt_prev


def _bulk(V, w, K):
    """Σ_{l<m0} w_l v_l K(l, m) for the block columns m: one matrix product over all ξ.
    V (X, 2, ≥m0, 2), w (m0,), K (m0, mb, 2, 2) → (X, mb, 2, 2)."""
    X = V.shape[0]
    m0, mb = K.shape[0], K.shape[1]
    if m0 == 0:
        return np.zeros((X, mb, 2, 2), complex)
    Vw = np.ascontiguousarray(V[:, :, :m0, :] * w[None, None, :, None]).reshape(X * 2, m0 * 2)
    Kr = np.ascontiguousarray(K.transpose(0, 2, 1, 3)).reshape(m0 * 2, mb * 2)
    return (Vw @ Kr).reshape(X, 2, mb, 2).transpose(0, 2, 1, 3)
