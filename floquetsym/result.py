"""Result objects and diagnostics shared by every observable (docs/architecture.md)."""
from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Result", "ConvergenceWarning", "PerturbativeWarning", "provenance"]


class ConvergenceWarning(UserWarning):
    """A requested tolerance was not met (quadrature, Floquet truncation, time grid)."""


class PerturbativeWarning(UserWarning):
    """θ is not small compared with Δ: a perturbative (order-θ²) result is outside its range."""


@functools.lru_cache(maxsize=1)
def _git_revision() -> str:
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                             text=True, timeout=5, check=False)
        rev = out.stdout.strip()
        return rev if out.returncode == 0 and rev else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance() -> dict:
    """Package version and git revision, recorded in every Result and saved file."""
    from .version import __version__
    return {"version": __version__, "git_revision": _git_revision()}


@dataclass(frozen=True)
class Result:
    """A number with its error estimate, the parameters that made it, and diagnostics.

    ``value`` may be real or complex (harmonics are complex amplitudes); ``error`` is an
    absolute error estimate (quadrature + truncation), always >= 0.
    """

    value: Any
    error: float
    params: Any = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if "provenance" not in self.meta:
            self.meta["provenance"] = provenance()

    @property
    def rel_error(self) -> float:
        v = abs(self.value)
        return float(self.error / v) if v else float("inf")

    def __format__(self, spec: str) -> str:
        spec = spec or ".10g"
        v = self.value
        if isinstance(v, complex):
            return f"({v.real:{spec}}{v.imag:+{spec}}j) ± {self.error:.2g}"
        return f"{v:{spec}} ± {self.error:.2g}"

    def __str__(self) -> str:
        return format(self)
