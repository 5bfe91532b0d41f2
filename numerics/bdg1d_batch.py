r"""Several disordered BdG rings (Appendix C) advanced together, optionally threaded by a flux.

A batch holds S *members*: rings of the same :class:`numerics.bdg1d.BdG1DParams` that differ
in their disorder u_i (seed) and in the flux Φ through the ring.  The model and the splitting
are those of :mod:`numerics.bdg1d` (its docstring has the derivation); this module vectorises
the orbital update over members: the orbitals of all members are one array
``X[member, site, (Re a, Im a, Re b, Im b), orbital]`` and every sub-flow is one batched
matrix product (8×8 pair rotations applied to all members and all site pairs at once).

**Flux.**  A static vector potential A on every bond, J e^{iA} c†_{i}c_{i+1} + h.c. (both
spins), is gauged by c_j → e^{−ijA}c_j onto the closing bond (N−1, 0) alone, which then carries
e^{iΦ}, Φ = N A (pairs: Δ_j → e^{2ijA}Δ_j).  In Nambu form its bond Hamiltonian is
[[0, B], [B†, 0]] with B = τ3 e^{iΦτ3} = diag(e^{iΦ}, −e^{−iΦ}) (rows: site N−1), so, since
B is unitary, exp(−iφ H_bond/J) = cos φ − i sin φ H_bond/J exactly: the flux only changes the
two off-diagonal 4×4 blocks of the closing bond's rotation.  Φ = 0 is :mod:`numerics.bdg1d`
step for step (agreement to 1e-12, tested).

**Currents.**  With χ_i = Σ_σ⟨c†_{iσ}c_{i+1,σ}⟩ = Σ_m (a_{i+1}a_i* − b_i b*_{i+1}) (orbital
components a, b; derived from ρ = ½ + ½Σ_m(|x⟩⟨x| − τ2|x*⟩⟨x*|τ2)), the bond current is
j_i = −⟨∂H/∂A_i⟩ = 2J Im(e^{iA_i}χ_i) and the bond energy 2J Re(e^{iA_i}χ_i), with A_i = Φ on
the closing bond and 0 elsewhere (gauge invariant).  :meth:`BatchStepper.mean_current` returns
j̄ = N⁻¹Σ_i j_i, the uniform current density; London: j̄ = −n_s A (``numerics.ring_stiffness``).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from floquetsym.params import require, require_finite

from .bdg1d import BdG1DParams, BdG1DStepper, _bond, _fold, _local_rotation, _realify
from .bdg1d_static import (box_disorder, composition_coefficients, fields_from_gram,
                           local_fields, orbitals_from_eig)

__all__ = ["BatchStepper", "twisted_bond", "twisted_hamiltonian", "twisted_equilibrium",
           "start_diagnostics", "rotate_phases", "InhomogeneousStartWarning"]


class InhomogeneousStartWarning(UserWarning):
    """The thermal start already has near-zero |Δ_i| (defects before the quench)."""


def start_diagnostics(delta, threshold: float) -> dict:
    """Homogeneity of a start Δ_i: min|Δ|/mean|Δ|, relative spread, winding; broken if
    min|Δ_i| < threshold·mean|Δ| (a site where the phase is already ill defined).  A normal
    start (Δ ≡ 0 to round-off) is broken and has no winding number (``None``)."""
    from .bdg1d_static import phase_defined, winding_number
    a = np.abs(np.asarray(delta))
    mean = float(a.mean())
    if not phase_defined(delta):
        return {"min_rel": 0.0, "std_rel": float("inf"), "winding": None, "broken": True}
    rel = float(a.min() / mean)
    return {"min_rel": rel, "std_rel": float(a.std() / mean),
            "winding": winding_number(delta), "broken": bool(rel < threshold)}


def rotate_phases(x: np.ndarray, theta) -> np.ndarray:
    """Orbitals of the state with Ψ_i → e^{iθ_iτ3/2}Ψ_i (Δ_i → e^{iθ_i}Δ_i), x (N, 4, M)."""
    z = (x[:, 0::2] + 1j * x[:, 1::2]) * np.exp(0.5j * np.outer(theta, [1.0, -1.0]))[:, :, None]
    out = np.empty_like(x)
    out[:, 0::2], out[:, 1::2] = z.real, z.imag
    return out


def twisted_bond(phi: float, flux: float) -> np.ndarray:
    """Real 8×8 exp(−iφ H_bond/J) of the closing bond (N−1, 0) threaded by ``flux``."""
    c, s = math.cos(phi), math.sin(phi)
    e = np.exp(1j * flux)
    m = np.zeros((4, 4), complex)
    m[:2, :2] = m[2:, 2:] = c * np.eye(2)
    m[:2, 2:] = s * np.diag([-1j * e, 1j * e.conjugate()])            # −iB
    m[2:, :2] = s * np.diag([-1j * e.conjugate(), 1j * e])            # −iB†
    return _realify(m)


def twisted_hamiltonian(delta, potential, hopping: float, flux: float) -> np.ndarray:
    """Dense 2N×2N H_BdG (index 2i + ν) with the flux on the closing bond (complex)."""
    from .bdg1d_static import bdg_hamiltonian
    h = bdg_hamiltonian(np.asarray(delta, dtype=complex), potential, hopping)
    n = h.shape[0] // 2
    a, b = 2 * (n - 1), 0
    e = np.exp(1j * flux)
    h[a, b], h[b, a] = hopping * e, hopping * e.conjugate()
    h[a + 1, b + 1], h[b + 1, a + 1] = -hopping * e.conjugate(), -hopping * e
    return h


def twisted_equilibrium(disorder, *, hopping: float, lam: float, temperature: float = 0.0,
                        hartree: int = 0, flux: float = 0.0, delta_guess=None,
                        tol: float = 1e-13, max_iter: int = 300, memory: int = 30,
                        _trace=None):
    """Self-consistent thermal state (C3) of the ring threaded by ``flux`` (complex Δ_i).

    Same fixed point as :func:`numerics.bdg1d_static.equilibrium` (Anderson mixing on
    (Re Δ, Im Δ, δu)); a good guess is the untwisted Δ_j times e^{2ijΦ/N}.  The global phase
    of Δ (a zero mode of the fixed point) is pinned to that of the guess at every iteration.  Returns
    ``(delta, hartree_shift, orbitals, residual, n_iter)``.
    """
    import scipy.linalg as sla

    from .bdg1d_static import uniform_gap
    u = np.asarray(disorder, dtype=float)
    n = u.size
    s = int(hartree)
    if delta_guess is None:
        d0 = uniform_gap(n, hopping, lam, temperature)
        delta_guess = d0 * np.exp(2j * flux * np.arange(n) / n)
    dg = np.asarray(delta_guess, dtype=complex)
    ref = dg / max(float(np.max(np.abs(dg))), 1e-300)   # phase reference (global U(1) mode)
    x = np.concatenate([dg.real, dg.imag, np.zeros(n)])

    def fixed_point(x):
        dl = x[:n] + 1j * x[n:2 * n]
        e, v = sla.eigh(twisted_hamiltonian(dl, u + s * x[2 * n:], hopping, flux), driver="evd")
        X = orbitals_from_eig(v, e, temperature)
        dd, ff = local_fields(X)
        new = -lam * ff
        new *= np.exp(-1j * np.angle(np.vdot(ref, new)))     # fix the global U(1) phase
        return np.concatenate([new.real, new.imag, s * lam * dd / 2]), X

    hist_x, hist_g = [], []
    scale = max(hopping, float(np.max(np.abs(dg), initial=0.0)))
    for it in range(1, max_iter + 1):
        gx, X = fixed_point(x)
        r = gx - x
        if _trace is not None:
            _trace.append(float(np.max(np.abs(r))))
        if float(np.max(np.abs(r))) < tol * scale:
            x = gx
            break
        hist_x, hist_g = (hist_x + [x.copy()])[-memory:], (hist_g + [gx.copy()])[-memory:]
        if len(hist_x) > 1:
            R = np.array([g - xx for g, xx in zip(hist_g, hist_x)]).T
            coef, *_ = np.linalg.lstsq(np.diff(R, axis=1), r, rcond=None)
            x = gx - np.diff(np.array(hist_g).T, axis=1) @ coef
        else:
            x = gx
    gx, X = fixed_point(x)
    res = float(np.max(np.abs(gx - x)))
    if not res < 1e3 * tol * scale:
        import warnings

        from floquetsym.result import ConvergenceWarning
        warnings.warn(f"twisted_equilibrium: residual {res:.2e} after {it} iterations",
                      ConvergenceWarning, stacklevel=2)
    return x[:n] + 1j * x[n:2 * n], x[2 * n:], X, res, it


class BatchStepper:
    """S rings of one :class:`BdG1DParams`, differing in disorder and flux, stepped together.

    ``disorders``: (S, N) on-site potentials (default: ``box_disorder`` of ``seeds``);
    ``fluxes``: (S,) flux Φ per member (default 0).  Even N only.  The thermal start of each
    member is its own self-consistent (twisted) equilibrium at λ_i; a twisted one is converged
    to ``twist_rtol``·|Φ|·max|Δ| (its O(Φ) part to that relative accuracy: the slow phase
    modes of a disordered ring make the last digits expensive), and the −Φ state is the
    complex conjugate (time reverse) of the +Φ one.  Interface:
    ``start(state=None, t0=0)``, ``advance(n)``, ``step(t)``, observables on the flushed state.
    """

    def __init__(self, params: BdG1DParams, *, seeds=None, disorders=None, fluxes=None,
                 lambda_f=None, coupling=None, phase_noise: float = 0.0, noise_seeds=None,
                 strict_start: bool = False, twist_rtol: float = 1e-4):
        self.params = p = params
        n = p.n_sites
        require(n % 2 == 0, "params.n_sites", n, "even for the batched stepper")
        if disorders is None:
            require(seeds is not None and len(seeds) > 0, "seeds", seeds, "a non-empty list")
            disorders = np.array([box_disorder(n, p.disorder_width, rng=int(s)) for s in seeds])
        u = np.asarray(disorders, dtype=float)
        require(u.ndim == 2 and u.shape[1] == n, "disorders", f"shape {u.shape}", f"(S, {n})")
        require(bool(np.all(np.isfinite(u))), "disorders", "non-finite", "finite")
        self.disorder = u
        self.n_members = S = u.shape[0]
        f = np.zeros(S) if fluxes is None else np.asarray(fluxes, dtype=float).reshape(-1)
        require(f.shape == (S,), "fluxes", f"shape {f.shape}", f"({S},)")
        require(bool(np.all(np.abs(f) < math.pi / 2)), "fluxes", f"max |Φ| {np.abs(f).max():g}",
                "|Φ| < π/2 (the ground state must stay in the winding-0 sector)")
        self.fluxes = f
        lf = np.full(S, p.lambda_f) if lambda_f is None else np.asarray(lambda_f, float).reshape(-1)
        require(lf.shape == (S,) and bool(np.all(np.isfinite(lf) & (lf >= 0))), "lambda_f",
                lf, f"(S={S},) finite values >= 0")
        require(coupling is None or lambda_f is None, "coupling", "given with lambda_f",
                "either a common λ(t) or per-member λ_f")
        self.lambda_f = lf
        self.coupling = coupling
        self.phase_noise = require_finite("phase_noise", phase_noise)
        require(self.phase_noise >= 0, "phase_noise", phase_noise, ">= 0")
        self.noise_seeds = (np.arange(S) if noise_seeds is None
                            else np.asarray(noise_seeds, dtype=int).reshape(-1))
        require(self.noise_seeds.shape == (S,), "noise_seeds", self.noise_seeds.shape, f"({S},)")
        self.strict_start = bool(strict_start)
        self.twist_rtol = require_finite("twist_rtol", twist_rtol)
        require(self.twist_rtol > 0, "twist_rtol", twist_rtol, "> 0")
        self._coef = composition_coefficients(p.order)
        half = np.arange(1, n - 1, 2)
        self._left, self._right = np.append(half, n - 1), np.append(half + 1, 0)
        self.X = self.Y = None
        self.t, self.n_step, self._pending, self._t0 = 0.0, 0, 0.0, 0.0
        self.last_mid = None
        self.start_info: list[dict] = []

    def lam(self, t: float) -> np.ndarray:
        """λ(t > 0) per member (S,)."""
        if self.coupling is None:
            return self.lambda_f
        v = require_finite("coupling(t)", self.coupling(t))
        require(v >= 0, "coupling(t)", v, ">= 0")
        return np.full(self.n_members, v)

    # -- state ----------------------------------------------------------------------------
    def start(self, state: dict | None = None, t0: float = 0.0) -> None:
        """Thermal self-consistent start at λ_i of every member (twisted where Φ ≠ 0)."""
        from .bdg1d_static import equilibrium
        p = self.params
        if state is not None:
            x = np.asarray(state["orbitals"], dtype=float)
            require(x.shape == (self.n_members, p.n_sites, 4, p.n_sites), "state['orbitals']",
                    f"shape {x.shape}", "(S, N, 4, N)")
        else:
            xs, self.start_info = [], []
            cache = {}
            for u, f in zip(self.disorder, self.fluxes):
                key = u.tobytes()
                if key not in cache:
                    cache[key] = equilibrium(u, hopping=p.hopping, lam=p.lambda_i,
                                             temperature=p.temperature, hartree=p.hartree)
                eq = cache[key]
                if f == 0.0:
                    xs.append(eq.orbitals)
                    self.start_info.append({"delta": eq.delta.astype(complex),
                                            "hartree_shift": eq.hartree_shift,
                                            "residual": eq.residual, "n_iter": eq.n_iter})
                    continue
                tw = cache.get((key, abs(f)))
                if tw is None:
                    a = abs(f)
                    guess = eq.delta * np.exp(2j * a * np.arange(p.n_sites) / p.n_sites)
                    scale = max(p.hopping, float(np.max(np.abs(eq.delta), initial=0.0)))
                    tol = max(self.twist_rtol * a * float(np.max(np.abs(eq.delta))) / scale, 1e-13)
                    tw = twisted_equilibrium(u, hopping=p.hopping, lam=p.lambda_i,
                                             temperature=p.temperature, hartree=p.hartree,
                                             flux=a, delta_guess=guess, tol=tol, max_iter=60)
                    cache[(key, a)] = tw
                dl, du, X, res, it = tw
                if f < 0:                 # −Φ: the time-reversed (complex-conjugate) state
                    dl, X = dl.conj(), X * np.array([1.0, -1.0, 1.0, -1.0])[None, :, None]
                xs.append(X)
                self.start_info.append({"delta": dl, "hartree_shift": du, "residual": res,
                                        "n_iter": it})
            x = np.array(xs)
            for info in self.start_info:
                info.update(start_diagnostics(info["delta"], p.slip_threshold))
                if info["broken"]:
                    msg = (f"the thermal start at λ_i={p.lambda_i} is already broken up: "
                           f"min|Δ_i|/mean|Δ| = {info['min_rel']:.3g} < {p.slip_threshold} "
                           f"(hartree={p.hartree}); the quench would start from defects")
                    require(not self.strict_start, "params", "this model", "a homogeneous-on-"
                            "average start (" + msg + ")")
                    warnings.warn(msg, InhomogeneousStartWarning, stacklevel=2)
            if self.phase_noise > 0:
                x = x.copy()
                for k, sd in enumerate(self.noise_seeds):
                    th = self.phase_noise * np.random.default_rng(int(sd)).standard_normal(p.n_sites)
                    x[k] = rotate_phases(x[k], th)
        self.X = np.array(x, dtype=float, order="C")
        self.Y = np.empty_like(self.X)
        self.t, self.n_step, self._pending, self._t0 = float(t0), 0, 0.0, float(t0)

    def _swap(self):
        self.X, self.Y = self.Y, self.X

    def flush(self):
        """Apply the pending even-bond half step."""
        if self._pending:
            self._even_pass(self.params.hopping * self._pending)
            self._pending = 0.0

    def _even_pass(self, phi):
        S, n = self.n_members, self.params.n_sites
        np.matmul(_bond(phi), self.X.reshape(S, n // 2, 8, n),
                  out=self.Y.reshape(S, n // 2, 8, n))
        self._swap()

    def _strang(self, h, t0, record):
        """E(h/2)·O(h/2)·L(h)·O(h/2)·E(h/2) as in :mod:`numerics.bdg1d` (even N), all members."""
        p, n, S = self.params, self.params.n_sites, self.n_members
        J = p.hopping
        self._even_pass(J * (h / 2 + self._pending))
        self._pending = 0.0
        half = J * h / 2
        lam = self.lam(t0 + h / 2)
        X, Y, m = self.X, self.Y, n // 2 - 1
        xo = X[:, 1:n - 1].reshape(S, m, 8, n)
        xw = np.concatenate([X[:, -1], X[:, 0]], axis=1)                   # (S, 8, n)
        bh = _bond(half)
        bw = np.array([twisted_bond(half, f) for f in self.fluxes])        # (S, 8, 8)
        g8 = np.empty((S, m + 1, 8, 8))
        np.matmul(xo, xo.transpose(0, 1, 3, 2), out=g8[:, :m])
        g8[:, m] = xw @ xw.transpose(0, 2, 1)
        g8[:, :m] = bh @ g8[:, :m] @ bh.T
        g8[:, m] = bw @ g8[:, m] @ bw.transpose(0, 2, 1)
        g4 = np.empty((S, n, 4, 4))
        g4[:, self._left], g4[:, self._right] = g8[:, :, :4, :4], g8[:, :, 4:, 4:]
        d, f = fields_from_gram(g4.reshape(S * n, 4, 4))
        r, omega = _local_rotation(d, f, self.disorder.reshape(-1), np.repeat(lam, n),
                                   p.hartree, h)
        r = r.reshape(S, n, 4, 4)
        P = np.empty((S, m + 1, 8, 8))
        for s in range(S):
            P[s] = _fold(half, r[s], self._left, self._right)
            P[s, m] = self._fold_wrap(half, r[s, n - 1], r[s, 0], self.fluxes[s])
        P[:, :m] = P[:, :m] @ bh
        P[:, m] = P[:, m] @ bw
        np.matmul(P[:, :m], xo, out=Y[:, 1:n - 1].reshape(S, m, 8, n))
        w = P[:, m] @ xw
        Y[:, -1], Y[:, 0] = w[:, :4], w[:, 4:]
        self._swap()
        if record:
            self.last_mid = (t0 + h / 2, d.reshape(S, n),
                             (f * np.exp(-0.5j * omega * h)).reshape(S, n), lam[:, None])
        self._pending = h / 2

    @staticmethod
    def _fold_wrap(phi, r_left, r_right, flux):
        """twisted_bond(φ, Φ) · blockdiag(r_{N−1}, r_0)."""
        b = twisted_bond(phi, flux)
        out = np.empty((8, 8))
        out[:, :4] = b[:, :4] @ r_left
        out[:, 4:] = b[:, 4:] @ r_right
        return out

    #: the same composition of Strang sub-steps as the single-seed ring (one definition)
    advance = BdG1DStepper.advance

    def step(self) -> dict:
        """One time step (the stepper protocol of :mod:`numerics.stepping`); returns the time and
        the per-member gap profiles Δ_i (S, N) at the new time."""
        self.advance(1)
        return {"t": self.t, "delta": self.delta()}

    def advance_to(self, t: float) -> None:
        """Advance to ``t`` (a whole number of steps ahead)."""
        k = (t - self.t) / self.params.dt
        require(k >= -1e-9 and abs(k - round(k)) < 1e-6, "t", t,
                f"= current t ({self.t}) + a non-negative multiple of dt ({self.params.dt})")
        self.advance(int(round(k)))

    # -- observables (flushed state) ------------------------------------------------------
    def fields(self):
        """(D, F): (S, N) arrays of (ρ11 − ρ22)_i and ρ_ii,12."""
        self.flush()
        S, n = self.n_members, self.params.n_sites
        d, f = local_fields(self.X.reshape(S * n, 4, n))
        return d.reshape(S, n), f.reshape(S, n)

    def delta(self) -> np.ndarray:
        """Δ_i = −λ F_i per member (S, N)."""
        return -self.lam(self.t)[:, None] * self.fields()[1]

    def bond_expectations(self) -> np.ndarray:
        """χ_i = Σ_σ⟨c†_iσ c_{i+1,σ}⟩ per member and bond (S, N); bond N−1 closes the ring."""
        self.flush()
        X = self.X
        a = X[:, :, 0] + 1j * X[:, :, 1]
        b = X[:, :, 2] + 1j * X[:, :, 3]
        a1, b1 = np.roll(a, -1, axis=1), np.roll(b, -1, axis=1)
        return np.einsum("snm,snm->sn", a1, a.conj()) - np.einsum("snm,snm->sn", b, b1.conj())

    def bond_currents(self) -> np.ndarray:
        """j_i = 2J Im(e^{iA_i}χ_i) (both spins), A_i = Φ on the closing bond; (S, N)."""
        chi = self.bond_expectations()
        chi[:, -1] *= np.exp(1j * self.fluxes)
        return 2 * self.params.hopping * chi.imag

    def mean_current(self) -> np.ndarray:
        """j̄ = N⁻¹ Σ_i j_i per member (S,)."""
        return self.bond_currents().mean(axis=1)

    def kinetic_energy(self) -> np.ndarray:
        """Σ_i 2J Re(e^{iA_i}χ_i) per member (S,)."""
        chi = self.bond_expectations()
        chi[:, -1] *= np.exp(1j * self.fluxes)
        return 2 * self.params.hopping * chi.real.sum(axis=1)

    def energy(self) -> np.ndarray:
        """Mean-field energy per member (as :meth:`numerics.bdg1d.BdG1DStepper.energy`)."""
        d, f = self.fields()
        lam, s = self.lam(self.t), self.params.hartree
        return (self.kinetic_energy() + np.sum(self.disorder * d, axis=1)
                - lam * np.sum(np.abs(f) ** 2, axis=1) + s * lam * np.sum(d * d, axis=1) / 4)

    def particle_number(self) -> np.ndarray:
        """N_e = N + Σ_i (ρ11 − ρ22)_i per member."""
        return self.params.n_sites + self.fields()[0].sum(axis=1)
