"""Paper panels and claims for ``floquetsym reproduce``.

Each module ``floquetsym/app/panels/<name>.py`` defines ``PANELS``: a list of :class:`Panel`.
A panel's ``run(out_dir, quick)`` writes its PNG(s) into ``out_dir`` and returns a
:class:`PanelOutput` (figures written + claims checked).  Panels sit at the edge of the
package: they may import both ``floquetsym`` and ``numerics``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

__all__ = ["Claim", "Panel", "PanelOutput", "PANEL_MODULES", "available_panels"]

# Order = order in the report.
PANEL_MODULES = ("fig2a", "ns", "floquet", "pairs", "kb", "kb_check", "kb_map", "bdg1d")


@dataclass(frozen=True)
class Claim:
    """One claim of the paper, the number we measured for it, and the verdict.

    ``passed`` is True (PASS), False (DIFFERS) or None (figure-only / not decidable).
    """

    claim: str
    measured: str
    expected: str
    passed: bool | None
    source: str = ""          # paper location, e.g. "Fig. 2c, text after Eq. (10)"


@dataclass
class PanelOutput:
    figures: list[str] = field(default_factory=list)   # file names relative to out_dir
    claims: list[Claim] = field(default_factory=list)
    notes: str = ""


@dataclass(frozen=True)
class Panel:
    name: str                                   # e.g. "fig2c"
    title: str
    run: Callable[[Path, bool], PanelOutput]
    quick_seconds: float = 10.0                 # rough expected wall time with --quick (2 cores)
    full_seconds: float = 60.0                  # rough expected wall time of the full run


def available_panels() -> tuple[list[Panel], list[str]]:
    """All panels, in report order, and an (empty) list of missing panel modules.

    The second element is kept for the report's interface; every module in ``PANEL_MODULES``
    is part of the package, so a failing import is an error, not a missing panel.
    """
    panels = []
    for name in PANEL_MODULES:
        panels.extend(importlib.import_module(f"floquetsym.app.panels.{name}").PANELS)
    return panels, []
