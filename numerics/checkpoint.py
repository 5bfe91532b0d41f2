"""Atomic save/load of simulation state to ``.npz`` with a JSON header (docs/architecture.md).

A checkpoint is a dict of NumPy arrays (the state: orbitals, histories, counters) plus a
JSON-serialisable header (parameters, step index, format tag, provenance).  Files are written
to a temporary name in the target folder and moved into place with :func:`os.replace`, so a
run killed while writing leaves the previous checkpoint intact.  No pickle is used anywhere:
the header travels as UTF-8 bytes in a ``uint8`` array, and each array's SHA-256 is recorded
in the header and verified on load, so a truncated or corrupted file raises instead of
silently resuming from garbage.

>>> import tempfile, pathlib, numpy as np
>>> p = pathlib.Path(tempfile.mkdtemp()) / "state.npz"
>>> _ = save_checkpoint(p, {"x": np.arange(3.0)}, {"step": 7})
>>> arrays, header = load_checkpoint(p)
>>> header["step"], arrays["x"].tolist()
(7, [0.0, 1.0, 2.0])
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from floquetsym._io import atomic_write

__all__ = ["save_checkpoint", "load_checkpoint", "CheckpointError", "FORMAT"]

FORMAT = "floquetsym-checkpoint/1"
_HEADER_KEY = "__header__"


class CheckpointError(ValueError):
    """The file is not a valid checkpoint (wrong format, corrupted, or checksum mismatch)."""


def _digest(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a)
    h = hashlib.sha256()
    h.update(str(a.dtype.str).encode())
    h.update(repr(a.shape).encode())
    h.update(a.tobytes())
    return h.hexdigest()


def save_checkpoint(path, arrays: dict, header: dict | None = None) -> Path:
    """Write ``arrays`` (name -> ndarray) and ``header`` (JSON-serialisable) atomically.

    Array names must be strings and must not start with ``__``.  Object arrays are refused
    (they would need pickle).  Returns the final path.
    """
    path = Path(path)
    header = dict(header or {})
    clean = {}
    for name, value in arrays.items():
        if not isinstance(name, str) or name.startswith("__"):
            raise ValueError(f"array name {name!r} is not allowed: need a str not starting with '__'")
        a = np.asarray(value)
        if a.dtype == object:
            raise ValueError(f"array {name!r} has dtype object: need a numeric or string dtype")
        clean[name] = a
    header["format"] = FORMAT
    header["sha256"] = {k: _digest(a) for k, a in clean.items()}
    blob = json.dumps(header, sort_keys=True, allow_nan=True).encode("utf-8")
    clean[_HEADER_KEY] = np.frombuffer(blob, dtype=np.uint8)
    atomic_write(path, lambda fh: np.savez(fh, **clean))
    return path


def load_checkpoint(path) -> tuple[dict, dict]:
    """Read a checkpoint written by :func:`save_checkpoint`; return ``(arrays, header)``.

    Raises :class:`CheckpointError` (a ``ValueError``) if the file is not a checkpoint of
    this format or an array's checksum does not match, ``FileNotFoundError`` if it is absent.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, ValueError, EOFError, ...
        raise CheckpointError(f"{path}: not a readable checkpoint ({exc})") from exc
    if _HEADER_KEY not in data:
        raise CheckpointError(f"{path}: no JSON header; not a {FORMAT} file")
    try:
        header = json.loads(data.pop(_HEADER_KEY).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: corrupted header ({exc})") from exc
    if header.get("format") != FORMAT:
        raise CheckpointError(f"{path}: format {header.get('format')!r}, need {FORMAT!r}")
    sums = header.get("sha256", {})
    if set(sums) != set(data):
        raise CheckpointError(f"{path}: arrays {sorted(data)} do not match header {sorted(sums)}")
    for k, a in data.items():
        if _digest(a) != sums[k]:
            raise CheckpointError(f"{path}: checksum mismatch for array {k!r}")
    return data, header
