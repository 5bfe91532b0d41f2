"""Sphinx configuration of the floquetsym documentation.

Sphinx + MyST: the pages are Markdown (myst-parser, through myst-nb), math is MathJax
($...$ and $$...$$), API pages come from the docstrings (autodoc + napoleon, autosummary
walks every module of ``floquetsym`` and ``numerics``), and the tutorials are MyST notebooks
that myst-nb executes on every build, so their code cannot rot.  ``tests/test_docs.py`` builds
the site with warnings as errors.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")
# the tutorials' kernels (and processes they start) import the package from this checkout
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT)] + [x for x in os.environ.get("PYTHONPATH", "").split(os.pathsep) if x])
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from floquetsym.version import __version__  # noqa: E402

project = "floquetsym"
author = "the floquetsym authors"
copyright = "the floquetsym authors"
version = release = __version__

extensions = [
    "myst_nb",                      # Markdown (MyST) pages and executed MyST notebooks
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}   # .rst first: autosummary stubs
root_doc = "index"
exclude_patterns = ["_build", "_templates", "**.ipynb_checkpoints", "jupyter_execute"]
templates_path = ["_templates"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

nb_execution_mode = "force"         # every build runs every tutorial
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True

autosummary_generate = True
autosummary_ignore_module_all = True     # list every submodule (packages export names)
autodoc_default_options = {"show-inheritance": False}   # members: per module (template)
autodoc_typehints = "none"
autodoc_member_order = "bysource"
napoleon_numpy_docstring = True
napoleon_google_docstring = False

html_theme = "alabaster"
html_title = f"floquetsym {version}"
html_static_path = []


# --------------------------------------------------------------------------- docstrings
# The docstrings write |x| for absolute values and Dirac brackets; in reStructuredText a
# |word| is a substitution reference.  Escape every "|" outside math, inline literals and
# roles, so the text reads as written (math keeps its bars).
import re  # noqa: E402

_SPAN = re.compile(r"(:\w+:`[^`]*`|``[^`]*``|`[^`]*`)")
_MATH_DIRECTIVE = re.compile(r"^(\s*)\.\. math::")


def _escape_bars(app, what, name, obj, options, lines):
    math_indent = None
    for i, line in enumerate(lines):
        m = _MATH_DIRECTIVE.match(line)
        if m:
            math_indent = len(m.group(1))
            continue
        if math_indent is not None:
            if not line.strip() or len(line) - len(line.lstrip()) > math_indent:
                continue
            math_indent = None
        st = line.strip()
        if "|" not in line or (st.startswith("|") and st.endswith("|")) or st.startswith(("+-", "+=")):
            continue
        parts = _SPAN.split(line)
        lines[i] = "".join(p if k % 2 else re.sub(r"(?<!\\)\|", r"\\|", p)
                           for k, p in enumerate(parts))


_NOT_PROSE = re.compile(r"^\s*(:|\.\. |[-*+] |>>>|\.\.\.|\d+[.)] |[=~^\-]{3,}\s*$)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _display_blocks(app, what, name, obj, options, lines):
    """Plain-text displays (an equation or a table indented under a prose line, without a blank
    line) become block quotes: a blank line goes before and after them.  A field list (as
    napoleon writes it) followed directly by text gets its closing blank line too."""
    out, opened, prev, in_field, ticks = [], [], "", False, 0
    for line in lines:
        if not line.strip():
            opened, in_field, ticks = [], False, 0
        elif prev.strip() and ticks % 2 == 0:          # never inside an open `...` span
            ind, pind = _indent(line), _indent(prev)
            if in_field and ind == 0 and not line.startswith(":"):
                out.append("")
                in_field = False
            elif ind > pind and not _NOT_PROSE.match(prev) and not prev.rstrip().endswith("::") \
                    and not in_field:
                out.append("")
                opened.append(pind)
            elif opened and ind <= opened[-1]:
                out.append("")
                while opened and ind <= opened[-1]:
                    opened.pop()
        if line.startswith(":"):
            in_field = True
        ticks += line.count("`")
        out.append(line)
        prev = line
    lines[:] = out


def setup(app):
    app.connect("autodoc-process-docstring", _escape_bars)
    app.connect("autodoc-process-docstring", _display_blocks)
