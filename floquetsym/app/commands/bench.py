"""floquetsym bench [NAME ...] [--quick] [--json]: run benchmarks and print one table of ratios
(or, with ``--json``, one JSON list of rows for scripts that check goals)."""
from __future__ import annotations

import json
import math

from floquetsym.app.bench import BENCHMARKS, goal_met, load, row_json

HELP = "run the benchmarks (all, or those named) and print one table of ratios"


def add_arguments(p):
    p.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    p.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    p.add_argument("--json", action="store_true",
                   help="print one JSON list of rows {benchmark, quantity, value, unit, baseline, "
                        "baseline_value, ratio, goal, met} instead of the table")


def _fmt(x):
    if x is None:
        return ""
    if isinstance(x, float) and (x == 0 or 1e-3 <= abs(x) < 1e5):
        return f"{x:.4g}"
    return f"{x:.3e}" if isinstance(x, float) and math.isfinite(x) else str(x)


def run(args) -> int:
    names = args.names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise ValueError(f"unknown benchmark(s) {unknown}: choose from {list(BENCHMARKS)}")
    rows = []
    for name in names:
        rows.extend(load(name).run(quick=args.quick))
    if args.json:
        print(json.dumps([row_json(r) for r in rows], indent=1, ensure_ascii=False))
        return 0
    met = {True: "yes", False: "NO", None: ""}
    header = ("benchmark", "quantity", "value", "unit", "baseline", "baseline value", "ratio",
              "goal", "met")
    table = [header] + [(r.benchmark, r.quantity, _fmt(r.value), r.unit, r.baseline,
                         _fmt(r.baseline_value), _fmt(r.ratio), r.goal, met[goal_met(r)])
                        for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for k, row in enumerate(table):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    return 0
