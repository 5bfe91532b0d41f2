"""The import graph runs one way (docs/architecture.md): base → symbolic → kernels → integrals →
observables → application; ``numerics`` sits on the base, and only the application layer
imports it.  Every import statement is read with ``ast`` (function-level imports included), so
a lazy import cannot hide a dependency that runs back up."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: rank of each layer; a module may import modules of its own rank or lower
RANKS = {"base": 0, "symbolic": 1, "kernels": 2, "integrals": 3, "observables": 4, "app": 5}
LAYER_OF = {
    "floquetsym": "base", "floquetsym.conventions": "base", "floquetsym.params": "base",
    "floquetsym.result": "base", "floquetsym._io": "base", "floquetsym.version": "base",
    "floquetsym.kernel_cache": "base", "floquetsym.validity": "base",
    "floquetsym.keldysh": "symbolic", "floquetsym._sparse": "symbolic",
    "floquetsym.hierarchy_solve": "symbolic", "floquetsym.traces": "symbolic",
    "floquetsym.order_by_order": "symbolic", "floquetsym.identities": "symbolic",
    "floquetsym.pairs_symbolic": "symbolic",
    "floquetsym.kernels": "kernels", "floquetsym.recursion": "kernels",
    "floquetsym.zone_kernels": "kernels",
    "floquetsym.integrate": "integrals",
    "floquetsym.observables": "observables", "floquetsym.pairs": "observables",
    "floquetsym.heating": "observables", "floquetsym.floquet": "observables",
    "floquetsym.floquet_bands": "observables", "floquetsym.floquet_fit": "observables",
    "floquetsym.scaling": "observables", "floquetsym.series": "observables",
    "floquetsym.floquet_zone": "observables", "floquetsym.exact_map": "observables",
    "floquetsym.floquet_chiral": "observables",
    "floquetsym.__main__": "app",
}
#: modules a new file may be placed in without editing this table: by package prefix
PREFIX_LAYERS = (("floquetsym.app", "app"), ("numerics", "numerics"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer(mod: str) -> str | None:
    """Layer of a project module (None for third-party modules)."""
    for prefix, name in PREFIX_LAYERS:
        if mod == prefix or mod.startswith(prefix + "."):
            return name
    if mod == "floquetsym" or mod.startswith("floquetsym."):
        # a submodule counts with its top module (floquetsym.x.y → floquetsym.x)
        top = ".".join(mod.split(".")[:2])
        if top not in LAYER_OF:
            raise KeyError(f"module {top} has no layer: add it to LAYER_OF in tests/test_layers.py")
        return LAYER_OF[top]
    return None


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (ROOT / rel).with_suffix(".py").exists() or (ROOT / rel / "__init__.py").exists()


def imports_of(path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file, relative ones resolved;
    ``from pkg import x`` counts as an import of ``pkg.x`` where that is a module."""
    mod = module_name(path)
    pkg = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
    tree = ast.parse(path.read_text() if text is None else text, filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = pkg[: len(pkg) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            for a in node.names:
                sub = f"{name}.{a.name}"
                out.append((node.lineno, sub if _is_module(sub) else name))
    return out


def allowed(src: str, dst: str) -> bool:
    """May a module of layer ``src`` import one of layer ``dst``?"""
    if dst == "numerics":
        return src in ("numerics", "app")
    if src == "numerics":
        return dst in ("base", "numerics")
    return RANKS[dst] <= RANKS[src]


def violations(path: Path, text: str | None = None) -> list[str]:
    src = layer(module_name(path))
    bad = []
    for line, target in imports_of(path, text):
        dst = layer(target)
        if dst is not None and not allowed(src, dst):
            bad.append(f"{path.relative_to(ROOT)}:{line}: {src} imports {dst} ({target})")
    return bad


def project_files():
    return sorted([*ROOT.joinpath("floquetsym").rglob("*.py"), *ROOT.joinpath("numerics").rglob("*.py")])


def test_every_module_has_a_layer():
    for path in project_files():
        assert layer(module_name(path)) is not None, path


def test_imports_run_one_way():
    bad = [v for path in project_files() for v in violations(path)]
    assert bad == []


@pytest.mark.parametrize("where, line", [
    ("floquetsym/kernels.py", "from floquetsym.observables import superfluid_density"),
    ("floquetsym/hierarchy_solve.py", "from . import recursion"),
    ("numerics/kb_model.py", "from floquetsym.kernels import compile_kernel"),
    ("floquetsym/observables.py", "import numerics.sweeps"),
    ("floquetsym/params.py", "from .app import cli"),
])
def test_a_forbidden_import_is_caught(where, line):
    """The check fails when an import running back up (or into numerics) is planted,
    even inside a function."""
    path = ROOT / where
    text = path.read_text() + "\n\ndef _planted():\n    " + line + "\n"
    assert violations(path) == []
    assert violations(path, text), f"planted import in {where} was not flagged"
