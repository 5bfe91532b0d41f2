r"""One parameter object for the quasi-1D problem of Figs. 3a and 3b (ring and uniform calculation).

Units: ħ = 1, energies in units of the paper's J.

**Band.**  The paper states the band twice, and the two statements differ by a factor 2:

* main text ('Quasi-one-dimensional case', where Figs. 3a and 3b are discussed):
  ξ_k = −J cos k, bandwidth 2J (``band="main_text"``, the default);
* Appendix C, H_BdG = J Σ_i (|i⟩⟨i+1| + h.c.) ⊗ τ3: ξ_k = 2J cos k, bandwidth 4J
  (``band="appendix_c"``).

On a ring of even N the sign of the hopping is a gauge choice (c_i → (−1)^i c_i), so both bands
are the ring of Appendix C with nearest-neighbour hopping amplitude ``hopping`` = J/2
(main text) or J (Appendix C): :attr:`RingModel.hopping`.  The figures are described in the main
text with ξ_k = −J cos k and Fig. 3b's uniform calculation is a "tight-binding model" with that
band, so the main-text band is the one the figures imply; the Appendix C band is run beside it.
At λ_i = 1.2J the two give very different initial states: Δ_i = 0.283J (coherence length
v_F/Δ ≈ 3.5 sites) for the main-text band, 0.043J (≈ 47 sites) for the Appendix C band.

**Disorder ↔ γ_el.**  Box disorder u_i ∈ [−W/2, W/2], Born rate at the band centre
γ_el = 2πν0⟨u²⟩ with ν0 = 1/(2π·hopping) per site and spin:  W = √(12·hopping·γ_el).

**Hartree term, sign from the attractive-U decoupling.**  The pairing Δ_i = −λ⟨ψ_i↓ψ_i↑⟩ of
Appendix C is the mean field of the on-site attraction H_int = −λ Σ_i n_i↑ n_i↓.  Its full
decoupling, −λ n_i↑n_i↓ ≈ −λ(⟨n_i↓⟩n_i↑ + ⟨n_i↑⟩n_i↓) + (Δ_i ψ†_i↑ψ†_i↓ + h.c.) + const,
shifts each spin by −λ n_i (n_i = ⟨n_i↑⟩ = ⟨n_i↓⟩); measured from half filling (the −λ/2
shift is the chemical potential that keeps n = ½ in the clean ring) the τ3 potential is

    δu_i = −λ (n_i − ½)        (``hartree="attractive"``, sign s = −1).

The diagonal of (C1) as printed, Σ_i = (λ/2) τ3 (2ρ_ii − 1) τ3 with G^K = i(1 − 2ρ), gives
δu_i = +λ(n_i − ½) (``hartree="printed"``, s = +1): the sign of a *repulsive* interaction, not
the one that produces the attractive Δ_i.  ``hartree="off"`` (s = 0) drops the normal part, as
the paper's main text does ("slightly renormalize the disorder").

:meth:`RingModel.bdg1d_params` gives the ring (``numerics.bdg1d``), :meth:`RingModel.kb_params`
the uniform disorder-averaged calculation (``numerics.kadanoff_baym``, band ``tb1d`` with
KB ``hopping`` = 2·hopping so that ξ = −2·hopping·cos k; the same λ convention
Δ = −λ N⁻¹Σ_k ρ_k,12 and the same γ_el).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from floquetsym.params import require, require_finite, require_int

__all__ = ["RingModel", "BANDS", "HARTREE_SIGNS", "PAPER_POINT"]

BANDS = {"main_text": 0.5, "appendix_c": 1.0}          # hopping amplitude in units of J
HARTREE_SIGNS = {"off": 0, "attractive": -1, "printed": 1}


@dataclass(frozen=True, kw_only=True)
class RingModel:
    """The 1D quench λ_i → λ_f (paper Fig. 3): band, couplings, disorder, size, T, Hartree.

    ``lambda_i``, ``lambda_f``: on-site attraction in units of J; ``gamma_el``: Born elastic
    rate (J); ``n_sites``: ring length (even); ``temperature``: initial temperature (J);
    ``hartree``: "off" | "attractive" | "printed" (module docstring).
    """

    band: str = "main_text"
    lambda_i: float = 1.2
    lambda_f: float = 2.0
    gamma_el: float = 0.1
    n_sites: int = 512
    temperature: float = 0.0
    hartree: str = "off"

    def __post_init__(self):
        require(self.band in BANDS, "band", self.band, f"in {tuple(BANDS)}")
        require(self.hartree in HARTREE_SIGNS, "hartree", self.hartree, f"in {tuple(HARTREE_SIGNS)}")
        for name in ("lambda_i", "lambda_f", "gamma_el", "temperature"):
            v = require_finite(name, getattr(self, name))
            require(v >= 0, name, v, ">= 0")
            object.__setattr__(self, name, v)
        n = require_int("n_sites", self.n_sites, lo=4)
        require(n % 2 == 0, "n_sites", n, "even (the hopping sign is a gauge choice only then)")
        object.__setattr__(self, "n_sites", n)

    # -- derived ------------------------------------------------------------------------
    @property
    def hopping(self) -> float:
        """Nearest-neighbour hopping amplitude of the ring (J/2 main text, J Appendix C)."""
        return BANDS[self.band]

    @property
    def hartree_sign(self) -> int:
        return HARTREE_SIGNS[self.hartree]

    @property
    def disorder_width(self) -> float:
        """Box width W with Born rate γ_el: W = √(12·hopping·γ_el)."""
        return math.sqrt(12.0 * self.hopping * self.gamma_el)

    @property
    def nu0(self) -> float:
        """Band-centre DOS per site and spin, 1/(2π·hopping)."""
        return 1.0 / (2.0 * math.pi * self.hopping)

    def initial_gap(self) -> float:
        """Clean-ring mean-field gap at λ_i (Hartree drops out at half filling)."""
        from .bdg1d_static import uniform_gap
        return uniform_gap(self.n_sites, self.hopping, self.lambda_i, self.temperature)

    def final_gap(self) -> float:
        """Clean-ring equilibrium gap at λ_f (a reference scale, not the post-quench gap)."""
        from .bdg1d_static import uniform_gap
        return uniform_gap(self.n_sites, self.hopping, self.lambda_f, self.temperature)

    def with_(self, **changes) -> "RingModel":
        return replace(self, **changes)

    def as_dict(self) -> dict:
        return asdict(self)

    # -- the two calculations -----------------------------------------------------------
    def bdg1d_params(self, *, seed: int = 0, **numerics):
        """:class:`numerics.bdg1d.BdG1DParams` of this model (``numerics``: dt, t_max, order, ...)."""
        from .bdg1d import BdG1DParams
        kw = dict(n_sites=self.n_sites, hopping=self.hopping, lambda_i=self.lambda_i,
                  lambda_f=self.lambda_f, temperature=self.temperature,
                  disorder_width=self.disorder_width, seed=seed, hartree=self.hartree_sign)
        return BdG1DParams(**{**kw, **numerics})

    def kb_params(self, **numerics):
        """:class:`numerics.kadanoff_baym.KBParams` of the uniform calculation (Eqs. 4, 6).

        Band ``tb1d`` (ξ = −hopping_KB cos k) with hopping_KB = 2·hopping, the same λ_i, λ_f,
        γ_el; the uniform calculation has no Hartree term (``hartree`` must be "off") and needs
        T > 0 (default 0.005J when this model has T = 0).
        """
        from .kb_model import KBParams
        require(self.hartree == "off", "hartree", self.hartree,
                "'off' for the uniform calculation (it has no Hartree term)")
        t = self.temperature if self.temperature > 0 else 0.005
        return KBParams(band="tb1d", hopping=2.0 * self.hopping, lam_i=self.lambda_i,
                        lam_f=self.lambda_f, gamma_el=self.gamma_el, temperature=t, **numerics)


PAPER_POINT = RingModel()             # Fig. 3a: λ 1.2J → 2J, γ_el = 0.1J, N = 512
