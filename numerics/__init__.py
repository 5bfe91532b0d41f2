"""Time-domain side of floquetsym: pseudospins (uniform BdG, App. D), the self-consistent
disordered BdG ring (App. C), the Kadanoff–Baym quench (Eqs. 4–8: GKBA and two-time) with its
Matsubara equilibrium, parameter sweeps and checkpoints.

Every stepper follows one protocol (:mod:`numerics.stepping`): frozen parameter dataclasses,
``start(state=None, t0=None)``, ``step()``, ``run(times, *, checkpoint=None, progress=False)``.
The names below are loaded on first use (``import numerics`` itself is cheap); each also lives
in its module (``numerics.bdg1d.run`` is ``numerics.run_bdg1d``).

Imports only the floquetsym base (conventions, params, result, _io, version).
"""
from __future__ import annotations

import importlib

#: public name -> (module, attribute)
_ENTRY = {
    # pseudospins (App. D)
    "XiGrid": ("xi_grids", "XiGrid"), "xi_grid": ("xi_grids", "xi_grid"),
    "graded_grid": ("xi_grids", "graded_grid"),
    "DrivenDissipativeParams": ("pseudospin", "DrivenDissipativeParams"),
    "DrivenDissipative": ("pseudospin", "DrivenDissipative"),
    "ClosedBCSParams": ("pseudospin", "ClosedBCSParams"), "ClosedBCS": ("pseudospin", "ClosedBCS"),
    "PseudospinResult": ("pseudospin", "PseudospinResult"),
    # BdG ring (App. C)
    "BdG1DParams": ("bdg1d", "BdG1DParams"), "BdG1DStepper": ("bdg1d", "BdG1DStepper"),
    "BdG1DResult": ("bdg1d", "BdG1DResult"), "run_bdg1d": ("bdg1d", "run"),
    "RingEquilibrium": ("bdg1d_static", "RingEquilibrium"),
    # Kadanoff–Baym (Eqs. 4–8)
    "KBParams": ("kb_model", "KBParams"), "KBResult": ("kb_model", "KBResult"),
    "GKBAOptions": ("kadanoff_baym", "GKBAOptions"),
    "GKBAStepper": ("kadanoff_baym", "GKBAStepper"),
    "FullKBOptions": ("kb_full", "FullKBOptions"), "FullKBStepper": ("kb_full", "FullKBStepper"),
    "run_kb": ("kadanoff_baym", "run"),
    "MatsubaraEquilibrium": ("kb_equilibrium", "MatsubaraEquilibrium"),
    "matsubara_equilibrium": ("kb_equilibrium", "matsubara_equilibrium"),
    # infrastructure
    "drive": ("stepping", "drive"), "sweep": ("sweeps", "sweep"),
    "SweepResult": ("sweeps", "SweepResult"),
    "save_checkpoint": ("checkpoint", "save_checkpoint"),
    "load_checkpoint": ("checkpoint", "load_checkpoint"),
    "CheckpointError": ("checkpoint", "CheckpointError"),
}
_MODULES = ("pseudospin", "xi_grids", "bdg1d", "bdg1d_static", "bdg1d_run", "bdg1d_plots",
            "kadanoff_baym", "kb_model", "kb_full", "kb_equilibrium", "kb_checkpoint", "sweeps",
            "checkpoint", "stepping")

__all__ = sorted(_ENTRY) + list(_MODULES)


def __getattr__(name: str):
    if name in _ENTRY:
        mod, attr = _ENTRY[name]
        value = getattr(importlib.import_module(f"{__name__}.{mod}"), attr)
    elif name in _MODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
