"""Output paths given on the command line, checked before any work starts.

Every problem (an empty name, a parent that is a file, a folder that cannot be created or
written, such as one under ``/proc`` or on a read-only file system) becomes a ``ValueError``
naming the argument, which the command line prints as one line with exit status 2.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["output_folder", "output_stem"]


def _reason(exc: OSError) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "a part of the path is a file, not a folder"
    return exc.strerror or type(exc).__name__


def output_folder(value, arg: str = "--out") -> Path:
    """Create folder ``value`` if needed and check that a file can be written in it.

    Nothing is left behind by the check; a folder that did not exist before is created (it
    will be written into), so call this only once the other arguments are known to be valid."""
    text = os.fspath(value) if value is not None else ""
    if not str(text).strip():
        raise ValueError(f"{arg}={text!r} is not allowed: need a folder path")
    folder = Path(text)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{arg}={text!r}: cannot create the folder ({_reason(exc)})") from None
    if not folder.is_dir():
        raise ValueError(f"{arg}={text!r}: exists and is not a folder")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".floquetsym-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValueError(f"{arg}={text!r}: cannot write into the folder ({_reason(exc)})") from None
    return folder


def output_stem(value, default_name: str, arg: str = "--out") -> Path:
    """A path stem for ``<stem>.csv``, ``<stem>.png``, ...: ``DIR/`` (trailing slash) or an
    existing folder means ``DIR/<default_name>``; the stem's folder is checked as above."""
    text = os.fspath(value) if value is not None else ""
    if not str(text).strip():
        raise ValueError(f"{arg}={text!r} is not allowed: need an output path stem such as scan/out")
    if text.endswith(("/", os.sep)) or Path(text).is_dir():
        stem = Path(text) / default_name
    else:
        stem = Path(text)
    if stem.name in ("", ".", ".."):
        raise ValueError(f"{arg}={text!r} is not allowed: need a file name stem, e.g. {text}/out")
    output_folder(stem.parent if str(stem.parent) else ".", arg)
    return stem
