"""Atomic file writes shared by the kernel cache, checkpoints and sweeps (docs/architecture.md).

A reader never sees a half-written file: data go to a temporary file in the same folder,
are flushed and fsync'ed, then ``os.replace``-d over the target; on any failure the
temporary file is removed.  The file gets the mode an ordinary ``open(path, "w")`` would
give it (0666 minus the umask, e.g. 0644 under umask 022), not the 0600 of the temporary
file, unless ``mode`` asks for a stricter one (the kernel cache writes 0600).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

__all__ = ["atomic_write", "current_umask"]


def current_umask() -> int:
    """The process umask, read without changing it where the platform allows (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)   # portable fallback (not thread-safe for an instant)
    os.umask(mask)
    return mask


def atomic_write(path, data: bytes | str | Callable[[BinaryIO], None], *,
                 mode: int | None = None) -> Path:
    """Write ``data`` (bytes, text as UTF-8, or a ``writer(fh)`` callback) to ``path`` atomically.

    ``mode``: permission bits of the result (default ``0o666 & ~umask``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, (0o666 & ~current_umask()) if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path
