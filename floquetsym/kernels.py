r"""Symbolic blocks → vectorised NumPy kernels, generated once and cached on disk (docs/architecture.md).

A kernel is Python source written by SymPy's printer after common-subexpression
elimination (``sympy.cse``), stored as a readable ``.py`` file in a cache folder
(:mod:`floquetsym.kernel_cache`: ``$FLOQUETSYM_CACHE_DIR``, else the per-user
``$XDG_CACHE_HOME/floquetsym/<version>`` or ``~/.cache/floquetsym/<version>``, created 0700;
``FLOQUETSYM_NO_CACHE=1`` bypasses the disk).  Only files in a folder owned by the current
user and writable by nobody else are ever executed; see docs/validity.md.

The file is keyed by a sha256 of (package version, generator version, kernel key, and either
the ``srepr`` of the expressions or — for a *factory* — the source text of the modules that
build them).  The key and a checksum of the body are stored in the file and verified before it
is executed; a corrupt, undecodable or stale file is regenerated, never trusted.  Writes are
atomic (temporary file + ``os.replace``).  Functions are never pickled and ``hash()`` is never used.

The warm path (a cache hit for a factory kernel such as :func:`block_kernel`) imports neither
SymPy nor the hierarchy: the key is computed from module source text only.

Kernel arguments are named like the symbols of :mod:`floquetsym.keldysh`: ``omega``,
``omega0``, ``gamma``, ``Delta``, ``theta``, ``T`` and the zeroth-order values
``sR_n, sA_n, GR_n, FR_n, GA_n, FA_n, h_n`` at ω + nω0 (negative n spelled ``m``), which
:func:`shifted_values` computes numerically with the branch-correct roots of
:mod:`floquetsym.conventions` (no square root is ever taken inside a kernel).
"""
from __future__ import annotations

import functools
import importlib.util
import logging
import os
import re
from pathlib import Path

import numpy as np

from .version import __version__
from .conventions import distribution, parse_shift_symbol, reservoir_z, s_advanced, s_retarded
from . import kernel_cache
from .params import DriveParams, require, require_int

__all__ = ["compile_kernel", "block_kernel", "ns_kernel", "shifted_values", "Kernel", "cache_dir",
           "GENERATOR_VERSION", "DEFAULT_DEPENDS"]

log = logging.getLogger(__name__)

#: bump when the generated source format changes (invalidates every cached kernel)
GENERATOR_VERSION = "1"
#: modules whose source enters the key of a factory kernel
DEFAULT_DEPENDS = ("floquetsym.conventions", "floquetsym.keldysh", "floquetsym._sparse",
                   "floquetsym.hierarchy_solve", "floquetsym.order_by_order",
                   "floquetsym.kernels")

_PARAMS = {"omega0": "omega0", "gamma": "gamma", "Delta": "delta", "theta": "theta",
           "T": "temperature"}
_MEMO: dict = {}


_parse_shift = parse_shift_symbol


def shifted_values(omega, p: DriveParams, names, *, extended: bool = False) -> dict:
    """Numerical values of kernel arguments ``names`` at the real frequencies ``omega``.

    ``sR_n = s^R(ω+nω0)``, ``sA_n = s^A(ω+nω0)`` (conventions.s_retarded/s_advanced),
    ``GR_n = (ω+nω0+iγ)/sR_n``, ``FR_n = Δ/sR_n``, ``GA_n = (ω+nω0−iγ)/sA_n``,
    ``FA_n = Δ/sA_n``, ``h_n = tanh((ω+nω0)/2T)``; ``omega`` and the parameters by name.
    ``extended=True`` computes them in ``np.longdouble`` (80-bit where the platform has it).
    """
    if not isinstance(p, DriveParams):
        raise ValueError(f"p={p!r} is not allowed: need p a DriveParams")
    w = np.asarray(omega, dtype=float) if not np.iscomplexobj(omega) else None
    require(w is not None, "omega", "complex array", "real")
    require(bool(np.all(np.isfinite(w))), "omega", "array with NaN/inf", "finite")
    out, roots = {}, {}
    if extended:
        w = w.astype(np.longdouble)
    for name in names:
        if name == "omega":
            out[name] = w
        elif name in _PARAMS:
            out[name] = getattr(p, _PARAMS[name])
        else:
            kind = _parse_shift(name)
            if kind is None:
                raise ValueError(f"kernel argument {name!r} is not allowed: need omega, a "
                                 f"parameter {sorted(_PARAMS)} or a shift symbol like GR_1")
            k, n = kind
            wn = w + n * p.omega0
            if k == "h":
                out[name] = _distribution(wn, p.temperature) if extended else distribution(wn, p.temperature)
                continue
            side = k[-1]
            if (side, n) not in roots:
                if extended:   # same formulas as conventions.s_retarded/s_advanced, in longdouble
                    zr = reservoir_z(wn, p.gamma, "R")
                    s = np.sqrt(zr - p.delta) * np.sqrt(zr + p.delta)
                    s = s if side == "R" else -np.conj(s)
                else:
                    s = (s_retarded if side == "R" else s_advanced)(wn, p.delta, p.gamma)
                roots[side, n] = (reservoir_z(wn, p.gamma, side), s)
            z, s = roots[side, n]
            out[name] = {"s": s, "G": z / s, "F": p.delta / s}[k[0]]
    return out


def _distribution(w, T):
    return np.sign(w) if T == 0 else np.tanh(w / (2 * T))


class Kernel:
    """A compiled kernel: ``kern(omega, p) -> {name: complex ndarray}``; matrices (..., 2, 2).

    Attributes: ``key``, ``args`` (argument names), ``outputs`` ((name, shape) pairs),
    ``shifts`` (the ω-shifts n it reads), ``source`` (generated Python), ``path`` (cache
    file or ``None``), ``fn`` (the raw generated function of ``args``)."""

    def __init__(self, key, fn, args, outputs, source, path=None):
        self.key, self.fn, self.args, self.outputs = key, fn, tuple(args), tuple(outputs)
        self.source, self.path = source, path
        self.shifts = tuple(sorted({k[1] for a in self.args if (k := _parse_shift(a))}))

    def __call__(self, omega, p: DriveParams, *, extended: bool = False) -> dict:
        """Evaluate at real frequencies ``omega``.  ``extended=True`` evaluates inputs and the
        generated code in ``np.longdouble`` (slower; for the cancellation-prone K blocks at
        γ ≲ 1e-3, where double precision leaves ~1e-11 relative error), returning complex128."""
        vals = shifted_values(omega, p, self.args, extended=extended)
        shape = np.shape(vals["omega"]) if "omega" in vals else np.shape(omega)
        return self._pack(self.fn(*[vals[a] for a in self.args]), shape)

    def _pack(self, flat, shape):
        out, i = {}, 0
        for name, oshape in self.outputs:
            size = int(np.prod(oshape, dtype=int))
            arr = np.empty(tuple(shape) + tuple(oshape), dtype=complex)
            view = arr.reshape(tuple(shape) + (size,))
            for j in range(size):
                view[..., j] = flat[i + j]
            out[name] = arr
            i += size
        return out

    def __repr__(self):
        return f"Kernel({self.key!r}, args={self.args}, outputs={[n for n, _ in self.outputs]})"


class _ZeroKernel:
    """A block that vanishes by parity: returns zeros, needs no SymPy."""

    shifts = ()
    args = ("omega",)

    def __init__(self, key):
        self.key = key

    def __call__(self, omega, p, *, extended: bool = False):
        vals = shifted_values(omega, p, ("omega",))
        return np.zeros(np.shape(vals["omega"]) + (2, 2), dtype=complex)

    def __repr__(self):
        return f"ZeroKernel({self.key!r})"


class _BlockKernel:
    def __init__(self, kern):
        self.kernel, self.key, self.shifts, self.args = kern, kern.key, kern.shifts, kern.args

    def __call__(self, omega, p, *, extended: bool = False):
        return self.kernel(omega, p, extended=extended)["X"]

    def __repr__(self):
        return f"BlockKernel({self.key!r})"


def _module_source(name: str) -> str:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ValueError(f"depends={name!r} is not allowed: need an importable module")
    return Path(spec.origin).read_text(encoding="utf-8")


_sha = kernel_cache.sha
cache_dir = kernel_cache.cache_dir


def _load_source(body: str, key: str, path=None) -> Kernel:
    ns: dict = {}
    exec(compile(body, str(path or f"<kernel {key}>"), "exec"), ns)
    return Kernel(key, ns["kernel"], ns["ARGS"], ns["OUTPUTS"], body, path)


def _generate(exprs: dict, key: str, full_key: str) -> str:
    """Readable NumPy source for ``exprs`` after cse (this is the only SymPy-using step)."""
    import sympy as sp
    from sympy.printing.numpy import NumPyPrinter

    flat, outputs = [], []
    for name, e in exprs.items():
        if not re.match(r"^[A-Za-z_]\w*$", str(name)):
            raise ValueError(f"output name {name!r} is not allowed: need a Python identifier")
        if isinstance(e, sp.MatrixBase):
            outputs.append((name, tuple(e.shape)))
            flat.extend(list(e))
        else:
            outputs.append((name, ()))
            flat.append(sp.sympify(e))
    symbols = set().union(*[e.free_symbols for e in flat]) if flat else set()
    for s in symbols:
        if s.name != "omega" and s.name not in _PARAMS and _parse_shift(s.name) is None:
            raise ValueError(f"symbol {s.name!r} is not allowed in a kernel: need omega, "
                             f"{sorted(_PARAMS)} or shift symbols (keldysh.sym)")
    args = sorted((s.name for s in symbols), key=_arg_order)
    if "omega" not in args:
        args.insert(0, "omega")
    replacements, reduced = sp.cse(flat, symbols=sp.numbered_symbols("x"), order="none")
    pr = NumPyPrinter({"fully_qualified_modules": True, "inline": True})
    lines = [f'"""floquetsym kernel {key!r} (generated by floquetsym.kernels; do not edit)."""',
             "import numpy", "", f"ARGS = {tuple(args)!r}", f"OUTPUTS = {tuple(outputs)!r}", "", "",
             f"def kernel({', '.join(args)}):"]
    for sym_, sub in replacements:
        lines.append(f"    {sym_} = {pr.doprint(sub)}")
    lines.append("    return (")
    for e in reduced:
        lines.append(f"        {pr.doprint(e)},")
    lines.append("    )")
    body = "\n".join(lines) + "\n"
    return body


def _arg_order(name: str):
    if name == "omega":
        return (0, 0, "")
    if name in _PARAMS:
        return (1, 0, name)
    kind, n = _parse_shift(name)
    return (2, n, kind)


def compile_kernel(exprs, *, key: str, depends=(), use_cache: bool = True) -> Kernel:
    """Compile SymPy expressions to a cached, vectorised NumPy kernel.

    Parameters
    ----------
    exprs : dict name -> expression or 2x2 (any shape) Matrix, **or** a zero-argument
        callable returning such a dict (a *factory*).  With a factory the cache key is built
        from the source text of ``DEFAULT_DEPENDS + depends`` and the factory is called only
        on a cache miss, so a warm call never imports SymPy.  With a dict the key includes
        ``srepr`` of the expressions.
    key : a stable name for the kernel (also the cache file name).
    depends : extra module names whose source determines a factory's expressions.

    Returns
    -------
    Kernel
        ``kern(omega, p)`` gives ``{name: complex ndarray}`` with matrices of shape
        ``omega.shape + (2, 2)``.
    """
    require(isinstance(key, str) and key != "", "key", key, "a non-empty string")
    factory = callable(exprs) and not isinstance(exprs, dict)
    if factory:
        ident = "\n".join(_module_source(m) for m in (*DEFAULT_DEPENDS, *depends))
    else:
        require(isinstance(exprs, dict) and len(exprs) > 0, "exprs", type(exprs).__name__,
                "a non-empty dict name -> expression (or a factory)")
        import sympy as sp
        ident = "\n".join(f"{n}={sp.srepr(exprs[n])}" for n in sorted(exprs))
    full_key = _sha(__version__, GENERATOR_VERSION, key, ident)
    if full_key in _MEMO:
        return _MEMO[full_key]
    body, path = kernel_cache.read_body(key, full_key) if use_cache else (None, None)
    kern = None
    if body is not None:     # verified by kernel_cache: trusted folder and file, key, checksum
        try:
            kern = _load_source(body, key, path)
        except Exception:  # noqa: BLE001 - any failure of a cached file means: regenerate
            log.debug("kernel cache %s failed to load; regenerating", path)
    if kern is None:
        body = _generate(exprs() if factory else exprs, key, full_key)
        if path is not None:
            kernel_cache.write_body(path, full_key, body)
        kern = _load_source(body, key, path)
    _MEMO[full_key] = kern
    return kern


def block_kernel(k: int, m: int, comp: str):
    """Kernel of the coefficient of θ^k of g^(k)_{ω+mω0, ω}, component ``comp`` ∈ R, A, K.

    ``block_kernel(k, m, comp)(omega, p)`` returns a complex array of shape
    ``omega.shape + (2, 2)`` (zeros for blocks that vanish by parity).  ``p.theta`` is not
    used: multiply by θ^k yourself."""
    k = require_int("k", k, lo=0)
    m = require_int("m", m)
    require(comp in ("R", "A", "K"), "comp", comp, "in 'R', 'A', 'K'")
    key = f"block-k{k}-m{m}-{comp}"
    if abs(m) > k or (m - k) % 2:
        return _ZeroKernel(key)

    def factory():
        from .hierarchy_solve import hierarchy
        return {"X": hierarchy(order=k).graph(k, m).component(comp)}

    return _BlockKernel(compile_kernel(factory, key=key))


@functools.lru_cache(maxsize=None)
def ns_kernel(order: int, harmonic: int):
    """Lambdified F_{k,n}: ``ns_kernel(k, n)(omega, p)`` → complex array (cached per process).

    Uses :func:`compile_kernel` with a factory building :func:`floquetsym.traces.ns_trace` (content-hashed disk cache:
    a warm call neither builds the trace nor imports SymPy).
    """
    from .traces import _validate, ns_trace
    order, harmonic = _validate(order, harmonic)
    kern = compile_kernel(lambda: {"F": ns_trace(order, harmonic)},
                          key=f"ns_trace_k{order}_n{harmonic}".replace("-", "m"),
                          depends=("floquetsym.traces",))

    def call(omega, p):
        w = np.asarray(omega, dtype=float)
        return np.broadcast_to(np.asarray(kern(w, p)["F"], dtype=complex), w.shape)
    call.kernel = kern
    return call
