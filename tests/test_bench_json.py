"""`floquetsym bench --json`: one JSON list of typed rows; `met` read from the goal."""
import json
import types

import pytest

from floquetsym.app import cli
from floquetsym.app.bench import Row, goal_met
from floquetsym.app.commands import bench as bench_cmd

KEYS = {"benchmark", "quantity", "value", "unit", "baseline", "baseline_value", "ratio", "goal",
        "met"}


@pytest.mark.parametrize("row, met", [
    (Row("b", "q", 0.012, "s", ratio=150.0, goal="<= 20 ms, >= 100x"), True),
    (Row("b", "q", 0.030, "s", ratio=150.0, goal="<= 20 ms, >= 100x"), False),
    (Row("b", "q", 0.012, "s", ratio=50.0, goal="<= 20 ms, >= 100x"), False),
    (Row("b", "q", 3e-7, "rel", goal="< 1e-6"), True),
    (Row("b", "q", 9.0, "GiB", goal="<= 8 GiB"), False),
    (Row("b", "q", 100.0, "s", goal="<= 120 s on 2 cores"), True),
    # "×" is a ratio too (not a word character: "> 1×" once read as "value > 1")
    (Row("b", "q", 0.26, "GiB", ratio=4.2, goal="> 1×"), True),
    (Row("b", "q", 3.9, "MiB", ratio=0.5, goal="> 1× (growing with N_t)"), False),
    (Row("b", "q", 2.1, "", goal="2 (O(N^2))"), None),          # not a comparison: unknown
    (Row("b", "q", 1.0, "s", goal=""), None),
    (Row("b", "q", 1.0, "s", goal="anything", met=False), False),  # explicit met wins
])
def test_goal_met(row, met):
    assert goal_met(row) is met


def test_bench_json_output(monkeypatch, capsys):
    rows = [Row("fake", "time per point", 0.01, "s", "old method", 1.5, 150.0, ">= 100x"),
            Row("fake", "deviation", 2e-9, "rel", goal="< 1e-8"),
            Row("fake", "exponent", 2.03, "", goal="2 (O(N^2))")]
    monkeypatch.setattr(bench_cmd, "BENCHMARKS", ("fake",))
    monkeypatch.setattr(bench_cmd, "load", lambda name: types.SimpleNamespace(run=lambda quick: rows))
    assert cli.main(["bench", "fake", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and len(out) == 3
    assert all(set(r) == KEYS for r in out)
    assert out[0]["value"] == 0.01 and out[0]["ratio"] == 150.0 and out[0]["met"] is True
    assert out[1]["baseline_value"] is None and out[1]["met"] is True
    assert out[2]["met"] is None
    assert cli.main(["bench", "fake"]) == 0                  # the table for people stays
    table = capsys.readouterr().out
    assert "time per point" in table and "met" in table.splitlines()[0]
