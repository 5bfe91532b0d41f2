"""The ``floquetsym`` command.

Each sub-command lives in ``floquetsym/app/commands/<name>.py`` and defines
``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.  Bad arguments
give a one-line error and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

# Batched small-matrix LAPACK (Floquet, BdG, KB) is 3-10x slower with OpenBLAS threads on
# small machines; parallelism comes from processes (sweeps) instead.  Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__all__ = ["main", "COMMANDS"]

COMMANDS = ("reproduce", "show", "ns", "scan", "bench")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse default prints usage too)
        self.exit(2, f"floquetsym: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="floquetsym", description=__doc__.splitlines()[0])
    from floquetsym.version import __version__
    parser.add_argument("--version", action="version", version=f"floquetsym {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        mod = importlib.import_module(f"floquetsym.app.commands.{name}")
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except ValueError as exc:  # invalid physical parameters: one line, exit 2
        print(f"floquetsym: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("floquetsym: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
