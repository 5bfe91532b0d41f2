"""``floquetsym reproduce``: every paper panel that exists, and a report of every claim.

The report (``report.md``, ``report.html`` with the PNGs inline, and ``claims.json``) is
rewritten after each panel, so an interrupted run (Ctrl-C) leaves the finished panels and a
valid report behind.  Finished panels are remembered in ``reproduce-state.json``: a rerun into
the same folder reuses every panel whose inputs — mode (quick/full), package version and a
hash of the panel module's source — are unchanged, and ``only=[...]`` reruns the named panels
and merges them into the existing report.  Verdicts come from
:func:`floquetsym.app.panels.verdict` (rules: ``docs/verdicts.md``).
Progress: tqdm (light, pure Python; it degrades to plain lines when stdout is not a terminal).
"""
from __future__ import annotations

import base64
import hashlib
import html
import inspect
import json
import logging
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from floquetsym.app.panels import (VERDICTS, Claim, Panel, PanelOutput, available_panels,
                                   claim_from_json, claim_to_json, outcome, verdict)
from floquetsym.result import provenance

__all__ = ["reproduce", "write_report", "panel_key", "select_panels", "STATE_FILE"]

log = logging.getLogger(__name__)

STATE_FILE = "reproduce-state.json"
SECTIONS = (("paper", "Claims of the paper"),
            ("numerics", "Checks of the numerics"),
            ("beyond", "Beyond the paper (our readings and extensions; not counted)"))
_COLORS = {"PASS": "#cfc", "DIFFERS": "#fcc", "UNDECIDED": "#ffd", "SHOWN": "#eee",
           "ERROR": "#f99"}


@dataclass
class Done:
    """A finished (or failed) panel as the report sees it."""

    panel: Panel
    output: PanelOutput
    error: str = ""
    seconds: float = 0.0
    mode: str = "quick"
    reused: bool = False
    stale: str = ""                       # why a merged panel's inputs differ from now
    key: dict = field(default_factory=dict)


def panel_key(panel: Panel, quick: bool) -> dict:
    """The inputs that decide whether a finished panel can be reused."""
    try:
        src = inspect.getsource(inspect.getmodule(panel.run))
    except (OSError, TypeError):
        src = ""
    return {"panel": panel.name, "mode": "quick" if quick else "full",
            "version": provenance()["version"],
            "source_sha256": hashlib.sha256(src.encode()).hexdigest()}


def _cell(x) -> str:
    """A markdown table cell: pipes escaped, line breaks folded."""
    return str(x).replace("|", "\\|").replace("\n", " ")


def _verdict_text(c: Claim) -> tuple[str, str]:
    v, reason = verdict(c)
    o = outcome(c)
    if v != "UNDECIDED" or o is None:
        return v, reason
    return v, reason + ("; on this run the criterion is met" if o else
                        "; on this run the criterion is missed")


def _measured(c: Claim) -> str:
    return c.measured + (f" — approximate route: {c.approximate}" if c.approximate else "")


def _rows(done: list[Done]):
    """(section, panel name, claim, verdict, reason) for every claim; errors as ERROR rows."""
    out = []
    for d in done:
        if d.error:
            out.append(("paper", d.panel.name, None, "ERROR", d.error))
            continue
        for c in d.output.claims:
            v, reason = _verdict_text(c)
            out.append((c.section, d.panel.name, c, v, reason))
    return out


def _summary(rows) -> dict:
    counts = {s: Counter() for s, _ in SECTIONS}
    for sec, _, _, v, _ in rows:
        counts[sec][v] += 1
    return {s: {v: counts[s][v] for v in (*VERDICTS, "ERROR") if counts[s][v]} for s in counts}


def _counts_text(c: dict) -> str:
    return ", ".join(f"{n} {v}" for v, n in c.items()) or "none"


def _mode(done: list[Done], quick: bool) -> str:
    modes = {d.mode for d in done} or {"quick" if quick else "full"}
    if len(modes) > 1:
        return "mixed (" + ", ".join(f"{d.panel.name}: {d.mode}" for d in done) + ")"
    return "quick (reduced grids)" if modes == {"quick"} else "full"


def _caveats(done: list[Done], missing: list[str], quick: bool, interrupted: bool) -> list[str]:
    cav = []
    if interrupted:
        cav.append("The run was interrupted: only the panels listed below finished.")
    if any(d.mode == "quick" for d in done):
        cav.append("Quick mode: reduced grids and shorter times; claims that need the full "
                   "grids are UNDECIDED with the reason given, whichever way the number falls.")
    if missing:
        cav.append("Panels not available in this version: " + ", ".join(missing) + ".")
    for d in done:
        if d.reused:
            cav.append(f"{d.panel.name}: reused from an earlier run into this folder "
                       "(same mode, version and panel source).")
        if d.stale:
            cav.append(f"{d.panel.name}: kept from an earlier run whose inputs differ ({d.stale}); "
                       "rerun it to refresh.")
        if d.error:
            cav.append(f"{d.panel.name}: the panel failed ({d.error}); its claims are missing.")
        cav += [f"{d.panel.name}: {x}" for x in d.output.caveats]
    return cav


def _table_md(rows) -> list[str]:
    lines = ["| panel | claim | measured | criterion | verdict | source |",
             "|---|---|---|---|---|---|"]
    for _, name, c, v, reason in rows:
        if c is None:
            lines.append(f"| {name} | (panel failed) | {_cell(reason)} | | ERROR | |")
            continue
        vt = v + (f": {reason}" if reason else "")
        lines.append(f"| {name} | {_cell(c.claim)} | {_cell(_measured(c))} | "
                     f"{_cell(c.criterion)} | {_cell(vt)} | {_cell(c.source)} |")
    return lines


def write_report(out: Path, done: list[Done], missing: list[str], *, quick: bool,
                 elapsed: float, interrupted: bool = False) -> dict:
    """Write report.md, report.html and claims.json from finished panels; returns the summary."""
    out = Path(out)
    prov = provenance()
    rows = _rows(done)
    summary = _summary(rows)
    mode = _mode(done, quick)
    head = [f"Paper claims: {_counts_text(summary['paper'])}.",
            f"Checks of the numerics: {_counts_text(summary['numerics'])}.",
            f"Beyond the paper (not counted): {_counts_text(summary['beyond'])}.",
            f"Mode: {mode}. floquetsym {prov['version']}, git revision "
            f"`{prov['git_revision'][:12]}`. Wall time {elapsed:.0f} s"
            f" ({sum(d.reused for d in done)} of {len(done)} panels reused)."
            + (" **Interrupted: partial report.**" if interrupted else "")]
    lines = ["# floquetsym reproduce — report", "", "## Summary", ""]
    lines += [f"- {h}" for h in head]
    lines += ["", "Verdicts: PASS / DIFFERS when a number is measured against the criterion "
              "declared before the run; UNDECIDED when this run cannot decide (reason given); "
              "SHOWN for figure-only items. Where an exact route exists it decides and the "
              "approximate value is quoted beside it. The rules are in the documentation "
              "(page 'Verdicts')."]
    for sec, title in SECTIONS:
        sec_rows = [r for r in rows if r[0] == sec]
        if sec_rows:
            lines += ["", f"## {title}", ""] + _table_md(sec_rows)
    cav = _caveats(done, missing, quick, interrupted)
    lines += ["", "## Caveats", ""] + ([f"- {c}" for c in cav] or ["- none"])
    lines += ["", "## Figures", ""]
    for d in done:
        if d.error:
            continue
        lines.append(f"### {d.panel.name}: {d.panel.title} ({d.seconds:.1f} s)")
        if d.output.notes:
            lines += ["", d.output.notes]
        lines.append("")
        lines += [f"![{f}]({f})" for f in d.output.figures]
        lines.append("")
    (out / "report.md").write_text("\n".join(lines) + "\n")

    claims_json = []
    for sec, name, c, v, reason in rows:
        mode_p = next(d.mode for d in done if d.panel.name == name)
        if c is None:
            claims_json.append({"panel": name, "mode": mode_p, "verdict": "ERROR",
                                "reason": reason, "section": sec})
            continue
        claims_json.append({"panel": name, "mode": mode_p, **claim_to_json(c)})
    doc = {"provenance": prov, "mode": "quick" if quick else "full", "wall_time_s": elapsed,
           "interrupted": interrupted, "summary": summary, "caveats": cav,
           "claims": claims_json}
    (out / "claims.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False))
    _write_html(out, done, rows, head, cav)
    return summary


def _inline_html(text: str) -> str:
    """Escape ``text`` for HTML and render the Markdown emphasis it may carry (``**bold**``,
    ```code```), so that no raw Markdown reaches report.html."""
    out = html.escape(str(text))
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", out)


def _write_html(out: Path, done, rows, head, cav) -> None:
    e = _inline_html
    body = ["<h1>floquetsym reproduce — report</h1>", "<h2>Summary</h2><ul>"]
    body += [f"<li>{e(h)}</li>" for h in head] + ["</ul>"]
    for sec, title in SECTIONS:
        sec_rows = [r for r in rows if r[0] == sec]
        if not sec_rows:
            continue
        body.append(f"<h2>{e(title)}</h2><table border=1 cellspacing=0 cellpadding=4><tr>"
                    "<th>panel</th><th>claim</th><th>measured</th><th>criterion</th>"
                    "<th>verdict</th><th>source</th></tr>")
        for _, name, c, v, reason in sec_rows:
            vt = v + (f": {reason}" if reason else "")
            if c is None:
                body.append(f"<tr><td>{e(name)}</td><td colspan=3>panel failed: {e(reason)}</td>"
                            f"<td style='background:{_COLORS[v]}'>ERROR</td><td></td></tr>")
                continue
            body.append("<tr>" + "".join(f"<td>{e(str(x))}</td>" for x in
                                         (name, c.claim, _measured(c), c.criterion)) +
                        f"<td style='background:{_COLORS[v]}'>{e(vt)}</td>"
                        f"<td>{e(c.source)}</td></tr>")
        body.append("</table>")
    body.append("<h2>Caveats</h2><ul>" + "".join(f"<li>{e(c)}</li>" for c in cav) + "</ul>")
    body.append("<h2>Figures</h2>")
    for d in done:
        if d.error:
            continue
        body.append(f"<h3>{e(d.panel.name)}: {e(d.panel.title)}</h3>")
        if d.output.notes:
            body.append(f"<p>{e(d.output.notes)}</p>")
        for f in d.output.figures:
            p = out / f
            if not p.exists():
                continue
            data = base64.b64encode(p.read_bytes()).decode()
            body.append(f"<p><img alt='{e(f)}' src='data:image/png;base64,{data}' "
                        f"style='max-width:100%'></p>")
    (out / "report.html").write_text("<!doctype html><meta charset=utf-8><title>floquetsym report"
                                     "</title><body>" + "\n".join(body) + "</body>")


def select_panels(only: list[str] | None = None) -> tuple[list, list[str]]:
    """The panels to run (all, or those named in ``only``) and the missing modules; an unknown
    name is a ``ValueError`` listing the available ones (raised before any folder is made)."""
    panels, missing = available_panels()
    if only:
        names = [p.name for p in panels]
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise ValueError(f"--only={unknown}: no such panel; available: {names}")
        panels = [p for p in panels if p.name in only]
    return panels, missing


# ----------------------------------------------------------------------------- resume / merge

def _load_state(out: Path) -> dict:
    try:
        return json.loads((out / STATE_FILE).read_text())["panels"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _save_state(out: Path, done: list[Done]) -> None:
    state = {d.panel.name: {"key": d.key, "seconds": d.seconds, "mode": d.mode,
                            "figures": d.output.figures, "notes": d.output.notes,
                            "caveats": d.output.caveats,
                            "claims": [claim_to_json(c) for c in d.output.claims]}
             for d in done if not d.error}
    tmp = out / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps({"panels": state}, indent=1, ensure_ascii=False))
    tmp.replace(out / STATE_FILE)


def _restore(out: Path, panel: Panel, entry: dict) -> Done | None:
    """A finished panel from the state file, or None if it cannot be restored."""
    try:
        output = PanelOutput(figures=list(entry["figures"]), notes=entry["notes"],
                             caveats=list(entry.get("caveats", [])),
                             claims=[claim_from_json(c) for c in entry["claims"]])
    except (KeyError, TypeError, ValueError):
        return None
    if not all((out / f).exists() for f in output.figures):
        return None
    return Done(panel, output, seconds=float(entry.get("seconds", 0.0)),
                mode=entry.get("mode", entry.get("key", {}).get("mode", "quick")), reused=True,
                key=entry.get("key", {}))


def _differences(old: dict, new: dict) -> str:
    names = {"mode": "mode", "version": "package version", "source_sha256": "panel source"}
    return ", ".join(v for k, v in names.items() if old.get(k) != new.get(k))


def reproduce(out: str | Path = "floquetsym-out", *, quick: bool = False,
              only: list[str] | None = None, progress: bool = True,
              reuse: bool = True) -> Path:
    """Run every available panel into ``out`` and write the report; returns the report path.

    ``reuse``: take finished panels with unchanged inputs from an earlier run into ``out``.
    ``only``: run just these panels (always rerun) and merge them into the existing report.
    """
    import matplotlib
    matplotlib.use("Agg", force=False)
    from tqdm.auto import tqdm

    from floquetsym.app.plot_style import apply_style

    panels, missing = available_panels()
    select_panels(only)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = _load_state(out) if (reuse or only) else {}
    plan: list[tuple[Panel, Done | None]] = []
    for p in panels:
        key = panel_key(p, quick)
        old = state.get(p.name)
        restored = _restore(out, p, old) if old else None
        if only and p.name not in only:
            if restored is not None:
                diff = _differences(restored.key, key)
                restored.reused, restored.stale = not diff, diff
                plan.append((p, restored))
            continue
        if not only and reuse and restored is not None and restored.key == key:
            plan.append((p, restored))
            continue
        plan.append((p, None))
    todo = [p for p, d in plan if d is None]
    sec_key = "quick_seconds" if quick else "full_seconds"
    log.warning("floquetsym reproduce: %d panels to run (%d reused), expected about %.0f s on "
                "2 cores", len(todo), len(plan) - len(todo), sum(getattr(p, sec_key) for p in todo))
    results: dict[str, Done] = {p.name: d for p, d in plan if d is not None}
    t_start = time.perf_counter()

    def current():
        return [results[p.name] for p, _ in plan if p.name in results]

    def report(interrupted=False):
        write_report(out, current(), missing, quick=quick,
                     elapsed=time.perf_counter() - t_start, interrupted=interrupted)
        _save_state(out, current())

    report()
    bar = tqdm(todo, desc="panels", unit="panel", disable=not progress)
    try:
        with apply_style():
            for panel in bar:
                bar.set_postfix_str(panel.name)
                t0 = time.perf_counter()
                try:
                    output, err = panel.run(out, quick), ""
                except KeyboardInterrupt:
                    raise
                except Exception as exc:  # a failing panel is reported, the others still run
                    log.error("panel %s failed:\n%s", panel.name, traceback.format_exc())
                    output, err = PanelOutput(), f"{type(exc).__name__}: {exc}"
                results[panel.name] = Done(panel, output, err, time.perf_counter() - t0,
                                           "quick" if quick else "full",
                                           key=panel_key(panel, quick))
                report()
    except KeyboardInterrupt:
        report(interrupted=True)
        raise
    return out / "report.md"
