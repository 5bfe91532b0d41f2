"""`floquetsym reproduce`: report, PNGs, a row per claim; Ctrl-C keeps finished panels."""
import json
import re
import subprocess
import sys

import pytest

from floquetsym.app import reproduce as rp
from floquetsym.app.panels import Check, Claim, Panel, PanelOutput

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


# --------------------------------------------------------------------------- rules of the report

#: internal parameter / variable names that must not leak into the report's text
INTERNAL = re.compile(r"\b(hartree\s*=|gamma_el|lam_[ifp]h?|omega_?d\b|omega0\b|n_xi|n_sites|"
                      r"t_prep|t_ramp|t_max|slip_threshold|mean\|Delta\||Delta\b|None\b|nan\b)")
ISSUE = re.compile(r"\bissues?\b", re.I)
NUMBER = re.compile(r"(?<![\w.])[-+−]?\d+(?:\.\d+)?(?:[eE][-+−]?\d+)?")


def _sig_digits(tok: str) -> int:
    mant = re.split(r"[eE]", tok.lstrip("+-−"))[0].replace(".", "").lstrip("0")
    return len(mant)


def _prose(md: str) -> str:
    """The report's text without image links, file names and code spans (git revision)."""
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", md)
    md = re.sub(r"`[^`]*`", "", md)
    return re.sub(r"\b[\w-]+\.(png|npz|json|md|html)\b", "", md)


def report_text_problems(md: str) -> list[str]:
    """Every 'None', raw float repr (> 6 significant digits), 'issue' and internal name."""
    text = _prose(md)
    bad = [f"internal name {m.group(0)!r}" for m in INTERNAL.finditer(text)]
    bad += [f"word {m.group(0)!r}" for m in ISSUE.finditer(text)]
    bad += [f"raw number {t!r}" for t in NUMBER.findall(text) if _sig_digits(t) > 6]
    return bad


def test_report_text_checker_catches_defects():
    bad = ("first n_s<0 at None; 30.400000000000002; hartree=-1; gamma_el=0.109J; "
           "mean|Delta| -> 0.5; see issue 7; N_xi = 24 and n_xi=24")
    found = report_text_problems(bad)
    for frag in ("None", "30.400000000000002", "hartree", "gamma_el", "mean|Delta|", "issue",
                 "n_xi"):
        assert any(frag in f for f in found), (frag, found)
    assert report_text_problems("n_s/n_s^(0) = −0.331 at ω0 = 2.02Δ; git `9a016b4123456`; "
                                "![x](fig2c_ns_vs_omega0.png) 1e−11 0.123456") == []


def test_report_has_no_raw_numbers_or_internal_names(quick_run):
    md = (quick_run / "report.md").read_text()
    assert report_text_problems(md) == []


def _num(x):
    """JSON numbers as they are; non-finite floats are written as "inf", "-inf", "nan"."""
    return float(x) if x in ("inf", "-inf", "nan") else x


def _expected_verdict(c: dict) -> str:
    """The verdict rules (docs/verdicts.md), re-implemented from the JSON alone."""
    ops = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
           ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
    if c["figure_only"]:
        return "SHOWN"
    if c["undecided"]:
        return "UNDECIDED"
    if c["checks"]:
        ok = []
        for k in c["checks"]:
            v = _num(k["value"])
            if k["op"] == "within":
                ok.append(abs(v - k["bound"]) <= k["tol"])      # NaN compares False
            else:
                ok.append(ops[k["op"]](v, _num(k["bound"])))
        return "PASS" if all(ok) else "DIFFERS"
    if c["passed"] is None:
        return "UNDECIDED"
    return "PASS" if c["passed"] else "DIFFERS"


def test_claims_json_follows_the_rules(quick_run):
    doc = json.loads((quick_run / "claims.json").read_text())
    assert doc["mode"] == "quick"
    assert isinstance(doc["wall_time_s"], float)
    counts = {}
    for c in doc["claims"]:
        assert c["verdict"] != "ERROR", c
        assert c["verdict"] == _expected_verdict(c), c
        assert c["mode"] == "quick"
        assert c["value"] is None or isinstance(_num(c["value"]), (int, float)), c
        assert c["uncertainty"] is None or isinstance(_num(c["uncertainty"]), (int, float)), c
        assert isinstance(c["passed"], (bool, type(None)))
        for k in c["checks"]:
            assert isinstance(_num(k["value"]), (int, float, bool)), k
            assert isinstance(k["holds"], bool), k
        if c["verdict"] == "SHOWN":
            assert c["figure_only"] and not c["checks"], c
        if c["verdict"] == "UNDECIDED":
            assert c["reason"], c
        if c["verdict"] in ("PASS", "DIFFERS"):
            assert c["checks"] or isinstance(c["passed"], bool), c
        assert c["criterion"], c
        counts.setdefault(c["section"], {}).setdefault(c["verdict"], 0)
        counts[c["section"]][c["verdict"]] += 1
    assert counts["paper"] == doc["summary"]["paper"]
    md = (quick_run / "report.md").read_text()
    assert "## Summary" in md and "## Caveats" in md and "## Beyond the paper" in md
    beyond = md.split("## Beyond the paper")[1].split("## Caveats")[0]
    assert "Hartree" in beyond


def test_verdict_rules_on_legacy_and_typed_rows():
    from floquetsym.app.panels import verdict
    assert verdict(Claim("a", "1", "1", True))[0] == "PASS"
    assert verdict(Claim("a", "1", "1", False, "src"))[0] == "DIFFERS"
    v, why = verdict(Claim("a", "x", "y", None))
    assert v == "UNDECIDED" and why
    # checks decide, not `passed`; an undecided reason holds whichever way the number falls
    k_ok, k_bad = Check("x", 0.5, "<", 1.0), Check("x", 1.5, "<", 1.0)
    assert verdict(Claim("a", "", "", None, checks=(k_bad,)))[0] == "DIFFERS"
    assert Claim("a", "", "", None, checks=(k_bad,)).passed is False
    assert verdict(Claim("a", "", "", None, checks=(k_ok,)))[0] == "PASS"
    with pytest.raises(ValueError, match="contradicts"):
        Claim("a", "", "", True, checks=(k_bad,))
    for k in (k_ok, k_bad):
        c = Claim("a", "", "", None, checks=(k,), undecided="quick grid")
        assert verdict(c) == ("UNDECIDED", "quick grid") and c.passed is None
    assert verdict(Claim("a", "f.png", "", None, figure_only=True))[0] == "SHOWN"
    assert Check("e", -0.98, "within", -1.0, 0.05).holds()
    assert not Check("e", float("nan"), "within", -1.0, 0.05).holds()
    with pytest.raises(ValueError, match="op"):
        Check("e", 1.0, "~", 1.0)


def test_reuse_and_merge(tmp_path, monkeypatch):
    calls = []

    def panel(name, ok):
        def run(out, quick):
            calls.append(name)
            (out / f"{name}.png").write_bytes(PNG + b"0" * 100)
            return PanelOutput(figures=[f"{name}.png"],
                               claims=[Claim(f"{name} claim", "1", "", None,
                                             checks=(Check("x", 1.0, "<" if ok else ">", 2.0),))])
        return Panel(name=name, title=name, run=run, quick_seconds=0.1, full_seconds=0.1)

    panels = [panel("p1", True), panel("p2", False)]
    monkeypatch.setattr(rp, "available_panels", lambda: (panels, []))
    rp.reproduce(tmp_path, quick=True, progress=False)
    assert calls == ["p1", "p2"]
    rp.reproduce(tmp_path, quick=True, progress=False)          # nothing changed: all reused
    assert calls == ["p1", "p2"]
    md = (tmp_path / "report.md").read_text()
    assert "2 of 2 panels reused" in md
    verdicts = [c["verdict"] for c in json.loads((tmp_path / "claims.json").read_text())["claims"]]
    assert verdicts == ["PASS", "DIFFERS"]
    rp.reproduce(tmp_path, quick=False, progress=False)         # mode changed: rerun
    assert calls == ["p1", "p2", "p1", "p2"]
    rp.reproduce(tmp_path, quick=False, progress=False, only=["p2"])   # --only: merge
    assert calls[-1] == "p2" and len(calls) == 5
    claims = json.loads((tmp_path / "claims.json").read_text())["claims"]
    assert [c["panel"] for c in claims] == ["p1", "p2"]
    real_key = rp.panel_key
    monkeypatch.setattr(rp, "panel_key", lambda p, q: {**real_key(p, q), "source_sha256": "new"})
    rp.reproduce(tmp_path, quick=False, progress=False)         # panel source changed: rerun
    assert calls[-2:] == ["p1", "p2"]
    rp.reproduce(tmp_path, quick=False, progress=False, reuse=False)
    assert len(calls) == 9
