"""Paper panels and claims for ``floquetsym reproduce``.

Each module ``floquetsym/app/panels/<name>.py`` defines ``PANELS``: a list of :class:`Panel`.
A panel's ``run(out_dir, quick)`` writes its PNG(s) into ``out_dir`` and returns a
:class:`PanelOutput` (figures written + claims checked).  Panels sit at the edge of the
package: they may import both ``floquetsym`` and ``numerics``.

Verdicts are decided here, in :func:`verdict`, and nowhere else (the rules are written out in
``docs/verdicts.md``):

* ``SHOWN`` — a figure-only item (``figure_only=True``): the paper shows a curve and states no
  number or sign that could be checked;
* ``UNDECIDED`` — ``undecided`` names why the run cannot decide (e.g. ``"quick grid"``); it
  applies whichever way the number falls, and the report says which;
* ``PASS`` / ``DIFFERS`` — otherwise: from the :class:`Check` list when there is one (every
  check must hold), else from ``passed``.  A row with neither is ``UNDECIDED``.
"""
from __future__ import annotations

import importlib
import math
import operator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable

__all__ = ["Check", "Claim", "Panel", "PanelOutput", "PANEL_MODULES", "available_panels",
           "verdict", "outcome", "VERDICTS", "claim_to_json", "claim_from_json", "fmt"]

# Order = order in the report.
PANEL_MODULES = ("fig2a", "ns", "floquet", "series", "exact_map", "pairs", "kb", "kb_check", "kb_map", "bdg1d", "ring")
VERDICTS = ("PASS", "DIFFERS", "UNDECIDED", "SHOWN")
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
        "==": operator.eq, "!=": operator.ne}
_SYMBOL = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠", "within": "within"}


def fmt(x, digits: int = 4) -> str:
    """A number for people: ``digits`` significant digits, no float repr, '—' for None."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    x = float(x)
    if not math.isfinite(x):
        return "∞" if x > 0 else ("−∞" if x < 0 else "not a number")
    s = f"{x:.{digits}g}"
    if "e" in s:
        m, e = s.split("e")
        s = f"{m}e{int(e)}"
    return s.replace("-", "−")


@dataclass(frozen=True)
class Check:
    """One part of a claim's criterion, declared before the run: ``value op bound``.

    ``op`` is one of ``<, <=, >, >=, ==, !=`` or ``"within"`` (``|value − bound| ≤ tol``).
    ``value`` is the measured number (or boolean); ``quantity`` names it for people.
    """

    quantity: str
    value: float | bool | int
    op: str
    bound: float | bool | int
    tol: float | None = None

    def __post_init__(self):
        if self.op not in _OPS and self.op != "within":
            raise ValueError(f"op={self.op!r}: allowed {sorted(_OPS) + ['within']}")
        if self.op == "within" and (self.tol is None or self.tol < 0):
            raise ValueError(f"tol={self.tol!r}: 'within' needs tol >= 0")

    def holds(self) -> bool:
        v = self.value
        if isinstance(v, float) and not math.isfinite(v) and self.op == "within":
            return False
        if self.op == "within":
            return bool(abs(v - self.bound) <= self.tol)
        return bool(_OPS[self.op](v, self.bound))

    def criterion(self) -> str:
        if self.op == "within":
            return f"{self.quantity} within {fmt(self.tol, 3)} of {fmt(self.bound)}"
        return f"{self.quantity} {_SYMBOL[self.op]} {fmt(self.bound)}"


@dataclass(frozen=True)
class Claim:
    """One claim of the paper, the number we measured for it, and the verdict.

    The first five fields are positional: ``claim`` (the paper's words, with figure/equation),
    ``measured`` (number ± uncertainty, as text), ``expected`` (the criterion, as text),
    ``passed`` (True/False, or None when not decided) and ``source`` (where in the paper).
    The rest are keyword-only extras read by :func:`verdict` and the report:

    ``checks``      the criterion as :class:`Check` s (then the verdict follows them and
                    ``passed`` is set from them: None while undecided);
    ``value``, ``uncertainty``, ``unit``  the deciding number, typed;
    ``undecided``   why the run cannot decide (UNDECIDED, whichever way the number falls);
    ``figure_only`` the paper only shows a figure (SHOWN);
    ``approximate`` the approximate route's value, quoted beside the exact one that decides;
    ``beyond_paper`` not a claim of the paper (our reading or an extension): listed apart,
                    not counted;
    ``numerics``    a check of our own numerics (conservation, two routes to one number):
                    listed apart, counted apart.
    """

    claim: str
    measured: str
    expected: str
    passed: bool | None
    source: str = ""
    checks: tuple = ()
    value: float | None = None
    uncertainty: float | None = None
    unit: str = ""
    undecided: str = ""
    figure_only: bool = False
    approximate: str = ""
    beyond_paper: bool = False
    numerics: bool = False

    def __post_init__(self):
        # with checks, `passed` follows them (None while undecided); a contradiction is an error
        if not self.checks:
            return
        if self.figure_only:
            raise ValueError("figure_only=True with checks: a figure-only row has no criterion")
        ok = all(k.holds() for k in self.checks)
        if self.passed is not None and bool(self.passed) != ok:
            raise ValueError(f"passed={self.passed!r} contradicts the checks of {self.claim!r} "
                             f"(they give {ok}); leave passed=None")
        object.__setattr__(self, "passed", None if self.undecided else ok)

    @property
    def criterion(self) -> str:
        """The declared criterion: the checks if any, else the ``expected`` text."""
        if self.checks:
            return " and ".join(c.criterion() for c in self.checks)
        return self.expected

    @property
    def section(self) -> str:
        return "beyond" if self.beyond_paper else ("numerics" if self.numerics else "paper")


def outcome(c: Claim) -> bool | None:
    """What the numbers say, before any 'undecided' reason: all checks hold, else ``passed``."""
    if c.checks:
        return all(k.holds() for k in c.checks)
    return None if c.passed is None else bool(c.passed)


def verdict(c: Claim) -> tuple[str, str]:
    """(verdict, reason): the one place where a claim row gets its verdict (module docstring)."""
    if c.figure_only:
        return "SHOWN", ""
    if c.undecided:
        return "UNDECIDED", c.undecided
    o = outcome(c)
    if o is None:
        return "UNDECIDED", "no decisive number"
    return ("PASS" if o else "DIFFERS"), ""


def _jsonable(x):
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    if isinstance(x, int):
        return int(x)
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    return f if math.isfinite(f) else str(f)


def claim_to_json(c: Claim) -> dict:
    """A claim as typed JSON: numbers as numbers, booleans as booleans, the criterion and
    the verdict (with its reason) included."""
    d = {f.name: getattr(c, f.name) for f in fields(c) if f.name != "checks"}
    for k in ("value", "uncertainty"):
        d[k] = _jsonable(d[k])
    d["passed"] = None if c.passed is None else bool(c.passed)
    d["checks"] = [{**asdict(k), "value": _jsonable(k.value), "bound": _jsonable(k.bound),
                    "tol": _jsonable(k.tol), "holds": k.holds()} for k in c.checks]
    d["criterion"] = c.criterion
    d["section"] = c.section
    d["outcome"] = outcome(c)
    d["verdict"], d["reason"] = verdict(c)
    return d


def claim_from_json(d: dict) -> Claim:
    """Inverse of :func:`claim_to_json` (used to reuse finished panels)."""
    names = {f.name for f in fields(Claim)}
    kw = {k: v for k, v in d.items() if k in names and k != "checks"}
    def num(x):          # non-finite floats are stored as "inf", "-inf", "nan"
        return float(x) if x in ("inf", "-inf", "nan") else x
    checks = tuple(Check(k["quantity"], num(k["value"]), k["op"], num(k["bound"]), k.get("tol"))
                   for k in d.get("checks", ()))
    for k in ("value", "uncertainty"):
        if k in kw:
            kw[k] = num(kw[k])
    return Claim(**kw, checks=checks)


@dataclass
class PanelOutput:
    figures: list[str] = field(default_factory=list)   # file names relative to out_dir
    claims: list[Claim] = field(default_factory=list)
    notes: str = ""
    caveats: list[str] = field(default_factory=list)   # go to the report's Caveats section


@dataclass(frozen=True)
class Panel:
    name: str                                   # e.g. "fig2c"
    title: str
    run: Callable[[Path, bool], PanelOutput]
    quick_seconds: float = 10.0                 # rough expected wall time with --quick (2 cores)
    full_seconds: float = 60.0                  # rough expected wall time of the full run


def available_panels() -> tuple[list[Panel], list[str]]:
    """All panels whose modules import, and the names of modules that are missing."""
    panels, missing = [], []
    for name in PANEL_MODULES:
        try:
            mod = importlib.import_module(f"floquetsym.app.panels.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"floquetsym.app.panels.{name}":
                raise
            missing.append(name)
            continue
        panels.extend(mod.PANELS)
    return panels, missing
