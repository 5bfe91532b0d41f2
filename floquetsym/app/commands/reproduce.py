"""floquetsym reproduce [--out DIR] [--quick] [--only NAME ...]."""
from __future__ import annotations

HELP = ("run every paper panel into DIR and write report.md / report.html / claims.json; "
        "--only merges into the existing report")


def add_arguments(p):
    p.add_argument("--out", default="floquetsym-out", help="output folder (default: %(default)s)")
    p.add_argument("--quick", action="store_true", help="reduced grids: about 5 minutes on 2 cores")
    p.add_argument("--only", nargs="+", metavar="PANEL", help="run only these panels")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--fresh", action="store_true",
                   help="rerun every panel (default: reuse finished panels in DIR whose mode, "
                        "package version and panel source are unchanged)")


def run(args) -> int:
    from floquetsym.app.paths import output_folder
    from floquetsym.app.reproduce import reproduce, select_panels
    select_panels(args.only)            # an unknown panel name is refused before any folder is made
    out = output_folder(args.out)
    path = reproduce(out, quick=args.quick, only=args.only, progress=not args.no_progress,
                     reuse=not args.fresh)
    print(f"report: {path}")
    return 0
