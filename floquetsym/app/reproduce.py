"""``floquetsym reproduce``: every paper panel that exists, and a report of every claim.

The report (``report.md`` and ``report.html`` with the PNGs inline) is rewritten after each
panel, so an interrupted run (Ctrl-C) leaves the finished panels and a valid report behind.
Progress: tqdm (light, pure Python, already a dependency of the sweeps; it degrades to plain
lines when stdout is not a terminal).
"""
from __future__ import annotations

import base64
import html
import json
import logging
import re
import time
import traceback
from pathlib import Path

from floquetsym.app.panels import Claim, PanelOutput, available_panels
from floquetsym.result import provenance

__all__ = ["reproduce", "write_report"]

log = logging.getLogger(__name__)


def _cell(x) -> str:
    """A markdown table cell: pipes escaped, line breaks folded."""
    return str(x).replace("|", "\\|").replace("\n", " ")


def _inline_html(text) -> str:
    """Escape ``text`` for HTML and render the Markdown emphasis it may carry (``**bold**``,
    ```code```), so that no raw Markdown reaches report.html."""
    out = html.escape(str(text))
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", out)


def _verdict(c: Claim) -> str:
    return {True: "PASS", False: "DIFFERS", None: "SHOWN"}[c.passed]


def write_report(out: Path, done: list[tuple], missing: list[str], *, quick: bool,
                 elapsed: float, interrupted: bool = False) -> None:
    """Write report.md, report.html and claims.json from finished panels."""
    prov = provenance()
    lines = ["# floquetsym reproduce — report", "",
             f"Mode: {'--quick (reduced grids)' if quick else 'full'}; "
             f"version {prov['version']}, git {prov['git_revision'][:12]}; "
             f"wall time {elapsed:.0f} s." + (" **Interrupted: partial report.**" if interrupted else ""),
             "", "| panel | claim | measured | expected | verdict | source |",
             "|---|---|---|---|---|---|"]
    claims_json = []
    for panel, output, err, secs in done:
        if err:
            lines.append(f"| {panel.name} | (panel failed) | `{_cell(err)}` | | ERROR | |")
            continue
        for c in output.claims:
            lines.append(f"| {panel.name} | {_cell(c.claim)} | {_cell(c.measured)} | "
                         f"{_cell(c.expected)} | {_verdict(c)} | {_cell(c.source)} |")
            claims_json.append({"panel": panel.name, **c.__dict__, "verdict": _verdict(c)})
    if missing:
        lines += ["", "Panels not available in this version: " + ", ".join(missing) + "."]
    lines += ["", "## Figures", ""]
    for panel, output, err, secs in done:
        if err:
            continue
        lines.append(f"### {panel.name}: {panel.title} ({secs:.1f} s)")
        if output.notes:
            lines += ["", output.notes]
        lines.append("")
        lines += [f"![{f}]({f})" for f in output.figures]
        lines.append("")
    (out / "report.md").write_text("\n".join(lines) + "\n")
    (out / "claims.json").write_text(json.dumps({"provenance": prov, "claims": claims_json}, indent=1))

    body = [f"<h1>floquetsym reproduce — report</h1><p>{_inline_html(lines[2])}</p>",
            "<table border=1 cellspacing=0 cellpadding=4><tr><th>panel</th><th>claim</th>"
            "<th>measured</th><th>expected</th><th>verdict</th><th>source</th></tr>"]
    colors = {"PASS": "#cfc", "DIFFERS": "#fcc", "SHOWN": "#eee"}
    for panel, output, err, secs in done:
        if err:
            body.append(f"<tr><td>{panel.name}</td><td colspan=5>panel failed: {html.escape(err)}</td></tr>")
            continue
        for c in output.claims:
            v = _verdict(c)
            body.append("<tr>" + "".join(f"<td>{_inline_html(x)}</td>" for x in
                                         (panel.name, c.claim, c.measured, c.expected)) +
                        f"<td style='background:{colors[v]}'>{v}</td><td>{html.escape(c.source)}</td></tr>")
    body.append("</table>")
    for panel, output, err, secs in done:
        if err:
            continue
        body.append(f"<h2>{html.escape(panel.name)}: {html.escape(panel.title)}</h2>")
        if output.notes:
            body.append(f"<p>{_inline_html(output.notes)}</p>")
        for f in output.figures:
            data = base64.b64encode((out / f).read_bytes()).decode()
            body.append(f"<p><img alt='{html.escape(f)}' src='data:image/png;base64,{data}' "
                        f"style='max-width:100%'></p>")
    (out / "report.html").write_text("<!doctype html><meta charset=utf-8><title>floquetsym report"
                                     "</title><body>" + "\n".join(body) + "</body>")


def reproduce(out: str | Path = "floquetsym-out", *, quick: bool = False,
              only: list[str] | None = None, progress: bool = True) -> Path:
    """Run every available panel into ``out`` and write the report; returns the report path."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    from tqdm.auto import tqdm

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    panels, missing = available_panels()
    if only:
        unknown = sorted(set(only) - {p.name for p in panels})
        if unknown:
            raise ValueError(f"only={unknown}: no such panel; available: {[p.name for p in panels]}")
        panels = [p for p in panels if p.name in only]
    key = "quick_seconds" if quick else "full_seconds"
    expected = sum(getattr(p, key) for p in panels)
    log.warning("floquetsym reproduce: %d panels, expected about %.0f s on 2 cores", len(panels), expected)
    done: list[tuple] = []
    t_start = time.perf_counter()
    write_report(out, done, missing, quick=quick, elapsed=0.0)
    bar = tqdm(panels, desc="panels", unit="panel", disable=not progress)
    try:
        for panel in bar:
            bar.set_postfix_str(panel.name)
            t0 = time.perf_counter()
            try:
                output = panel.run(out, quick)
                err = ""
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # a failing panel is reported, the others still run
                log.error("panel %s failed:\n%s", panel.name, traceback.format_exc())
                output, err = PanelOutput(), f"{type(exc).__name__}: {exc}"
            done.append((panel, output, err, time.perf_counter() - t0))
            write_report(out, done, missing, quick=quick, elapsed=time.perf_counter() - t_start)
    except KeyboardInterrupt:
        write_report(out, done, missing, quick=quick, elapsed=time.perf_counter() - t_start,
                     interrupted=True)
        raise
    return out / "report.md"
