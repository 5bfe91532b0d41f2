"""floquetsym: Floquet–Keldysh–Usadel analysis of Higgs-driven superconductors.

Public surface (see docs/architecture.md)::

    from floquetsym import DriveParams, hierarchy, superfluid_density, ldos, \
        pair_excitations, gap_correction, floquet_solve, quasienergies

Names are imported lazily so that ``import floquetsym`` stays cheap (no SymPy until a
symbolic object is asked for).
"""
from __future__ import annotations

import importlib

from .version import __version__  # noqa: E402

from .params import DriveParams  # noqa: E402  (cheap, always available)
from .result import ConvergenceWarning, PerturbativeWarning, Result  # noqa: E402

_LAZY = {
    "hierarchy": "floquetsym.hierarchy_solve",
    "superfluid_density": "floquetsym.observables",
    "ldos": "floquetsym.observables",
    "pair_excitations": "floquetsym.pairs",
    "gap_correction": "floquetsym.heating",
    "floquet_solve": "floquetsym.floquet",
    "quasienergies": "floquetsym.floquet",
}

__all__ = ["DriveParams", "Result", "ConvergenceWarning", "PerturbativeWarning", "__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'floquetsym' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
