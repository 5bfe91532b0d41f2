"""`floquetsym reproduce`: report, PNGs, a row per claim; Ctrl-C keeps finished panels."""
import json
import re
import subprocess
import sys

import pytest

from floquetsym.app import reproduce as rp
from floquetsym.app.panels import Claim, Panel, PanelOutput

PNG = b"\x89PNG\r\n\x1a\n"


def _fig_panel(name, claims, *, fail=None):
    def run(out, quick):
        if fail is not None:
            raise fail
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        fig.savefig(out / f"{name}.png")
        plt.close(fig)
        return PanelOutput(figures=[f"{name}.png"], claims=claims)
    return Panel(name=name, title=name, run=run, quick_seconds=0.1, full_seconds=0.1)


def _cells(row):
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def _table_rows(md):
    return [ln for ln in md.splitlines() if ln.startswith("| ") and not ln.startswith("| panel")]


def test_report_rows_and_interrupt(tmp_path, monkeypatch):
    c = [Claim("a holds", "1.0 ± 0.1", "1", True), Claim("b |x| holds", "3", "2", False)]
    panels = [_fig_panel("p1", c), _fig_panel("p2", [Claim("c", "x", "y", None)]),
              _fig_panel("p3", [], fail=RuntimeError("boom")),
              _fig_panel("p4", [], fail=KeyboardInterrupt())]
    monkeypatch.setattr(rp, "available_panels", lambda: (panels, ["missing_mod"]))
    with pytest.raises(KeyboardInterrupt):
        rp.reproduce(tmp_path, quick=True, progress=False)
    md = (tmp_path / "report.md").read_text()
    assert "Interrupted" in md and "missing_mod" in md
    rows = _table_rows(md)
    assert [_cells(r)[5] for r in rows] == ["PASS", "DIFFERS", "UNDECIDED: no decisive number", "ERROR"]
    for name in ("p1", "p2"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == PNG
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reproduce")
    proc = subprocess.run([sys.executable, "-m", "floquetsym", "reproduce", "--quick", "--out",
                           str(out), "--no-progress"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_quick_reproduce_outputs(quick_run):
    md = (quick_run / "report.md").read_text()
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert figures, "no figures listed"
    for f in figures:
        data = (quick_run / f).read_bytes()
        assert data[:8] == PNG and len(data) > 2000, f
    claims = json.loads((quick_run / "claims.json").read_text())["claims"]
    rows = _table_rows(md)
    assert len(rows) == len(claims) > 0
    assert all(len(_cells(r)) == 8 for r in rows), "a claim broke the table (unescaped pipe?)"
    assert "ERROR" not in md, md
    assert (quick_run / "report.html").stat().st_size > 1000
