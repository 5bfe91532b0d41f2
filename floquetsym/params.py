"""Validated, frozen parameter objects (docs/architecture.md)."""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields

__all__ = ["DriveParams", "require", "require_finite", "require_int"]


def require(ok: bool, name: str, value, allowed: str) -> None:
    """Raise ``ValueError`` naming the parameter and its allowed range unless ``ok``."""
    if not ok:
        raise ValueError(f"{name}={value!r} is not allowed: need {name} {allowed}")


def require_finite(name: str, value) -> float:
    """Return ``value`` as float, or raise ``ValueError`` if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={value!r} is not allowed: need a finite real number")
    v = float(value)
    require(math.isfinite(v), name, value, "finite (not NaN or inf)")
    return v


def require_int(name: str, value, lo: int | None = None, hi: int | None = None) -> int:
    """Return ``value`` as int, or raise ``ValueError`` if it is not an integer in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}={value!r} is not allowed: need an integer")
    v = int(value)
    if lo is not None:
        require(v >= lo, name, value, f">= {lo}")
    if hi is not None:
        require(v <= hi, name, value, f"<= {hi}")
    return v


@dataclass(frozen=True, kw_only=True)
class DriveParams:
    """Δ(t) = delta + theta·cos(omega0·t), reservoir rate gamma (Eq. 10), temperature T.

    All energies in one unit (usually Δ = 1). Validates on construction: delta > 0,
    gamma > 0, omega0 > 0, theta >= 0, temperature >= 0, all finite; a ``ValueError`` names
    the offending field.

    >>> DriveParams(delta=1.0, theta=0.05, omega0=2.0, gamma=1e-2).omega0
    2.0
    """

    delta: float = 1.0
    theta: float = 0.0
    omega0: float = 2.0
    gamma: float = 1e-2
    temperature: float = 0.0

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, require_finite(f.name, getattr(self, f.name)))
        require(self.delta > 0, "delta", self.delta, "> 0")
        require(self.gamma > 0, "gamma", self.gamma, "> 0")
        require(self.omega0 > 0, "omega0", self.omega0, "> 0")
        require(self.theta >= 0, "theta", self.theta, ">= 0")
        require(self.temperature >= 0, "temperature", self.temperature, ">= 0")

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}
