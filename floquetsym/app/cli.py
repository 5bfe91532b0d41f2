"""The ``floquetsym`` command.

Each sub-command lives in ``floquetsym/app/commands/<name>.py`` and defines
``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.

One error path: every user error — a bad or out-of-range argument (``ValueError``, which names
the argument), a path that cannot be created, read or written (``OSError`` with a file name) —
prints one line ``floquetsym: error: ...`` and exits with status 2, never a traceback.
Anything else is an internal error: its traceback is printed, followed by one line asking to
report it, and the exit status is 1.  Warnings print as one line ``floquetsym: warning: ...``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
import warnings

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


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    print(f"floquetsym: warning: {message}", file=file or sys.stderr)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    shown = warnings.showwarning
    warnings.showwarning = _one_line_warning
    try:
        return int(args._run(args) or 0)
    except ValueError as exc:  # invalid arguments (named in the message): one line, exit 2
        print(f"floquetsym: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except OSError as exc:
        if exc.filename is None:
            return _internal_error()
        name = exc.filename + (f" -> {exc.filename2}" if exc.filename2 else "")
        print(f"floquetsym: error: {name}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("floquetsym: interrupted", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - a bug: keep the traceback, ask for a report
        return _internal_error()
    finally:
        warnings.showwarning = shown


def _internal_error() -> int:
    traceback.print_exc()
    from floquetsym.version import __version__
    print(f"floquetsym: internal error (floquetsym {__version__}); please report it with the "
          "command line and the traceback above", file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
