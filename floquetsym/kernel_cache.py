r"""The on-disk cache of generated kernel source: where it lives, and when a file may be run.

A cached kernel is Python source that :mod:`floquetsym.kernels` executes, so a file in the
cache is code.  This module decides which files may be read, and hands the kernel module only
text that passed every check:

* **Location.** ``$FLOQUETSYM_CACHE_DIR`` if set; else ``$XDG_CACHE_HOME/floquetsym/<version>``
  (an absolute ``XDG_CACHE_HOME`` only, as the XDG specification says), else
  ``~/.cache/floquetsym/<version>``.  ``FLOQUETSYM_NO_CACHE=1`` turns the disk off.
  Folders this module creates are created with mode 0700.
* **Trusted folder.** The cache folder must be a real directory (not a symbolic link), owned
  by the current user, and neither group- nor world-writable; every folder above it must be
  owned by the current user or by root and must not be writable by others unless it has the
  sticky bit (like ``/tmp``).  A folder that fails is not used at all: kernels are built in
  memory, with one :class:`KernelCacheWarning` per folder and process.
* **Trusted file.** A cache file is opened without following symbolic links and checked on
  the open descriptor (regular file, owned by the current user, not group/world-writable)
  before a byte of it is read; a file that fails is never executed and never overwritten (one
  warning, then an in-memory build).
* **Valid file.** A trusted file that is not UTF-8, has no valid header, was made for other
  sources (key) or fails its body checksum is regenerated in place; the debug log names it.

The checksum guards against truncation and accidental edits, not against a malicious writer:
that is what the ownership and mode checks are for.  New files are written atomically with
mode 0600.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import warnings
from pathlib import Path

from ._io import atomic_write
from .version import __version__

__all__ = ["cache_dir", "default_cache_dir", "usable_cache_dir", "read_body", "write_body",
           "KernelCacheWarning", "ENV_CACHE_DIR", "ENV_NO_CACHE"]

log = logging.getLogger("floquetsym.kernels")

ENV_CACHE_DIR = "FLOQUETSYM_CACHE_DIR"
ENV_NO_CACHE = "FLOQUETSYM_NO_CACHE"
_WARNED: set = set()


class KernelCacheWarning(UserWarning):
    """The kernel cache folder or a file in it cannot be trusted or used; kernels are built in
    memory instead (correct numbers, only slower)."""


def sha(*parts: str) -> str:
    """sha256 of text parts separated by NUL bytes."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/floquetsym/<version>`` (absolute XDG_CACHE_HOME), else ``~/.cache/...``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "floquetsym" / __version__


def cache_dir() -> Path | None:
    """The configured kernel cache folder (not yet checked), or ``None`` when disabled."""
    if os.environ.get(ENV_NO_CACHE, "") not in ("", "0"):
        return None
    d = os.environ.get(ENV_CACHE_DIR)
    return Path(d) if d else default_cache_dir()


def _warn_once(tag, message: str) -> None:
    if tag in _WARNED:
        return
    _WARNED.add(tag)
    warnings.warn(message, KernelCacheWarning, stacklevel=4)


def _folder_problem(folder: Path) -> str | None:
    """Why ``folder`` may not hold executable cache files, or None if it may."""
    uid = os.geteuid()
    try:
        st = os.lstat(folder)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a directory"
    if st.st_uid != uid:
        return f"is owned by uid {st.st_uid}, not by the current user (uid {uid})"
    if st.st_mode & 0o022:
        return f"is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})"
    for parent in folder.resolve().parents:
        try:
            pst = os.stat(parent)
        except OSError as exc:
            return f"has an unreadable parent {parent} ({exc.strerror})"
        if pst.st_uid not in (uid, 0):
            return f"has a parent {parent} owned by uid {pst.st_uid}"
        if pst.st_mode & 0o022 and not pst.st_mode & stat.S_ISVTX:
            return (f"has a parent {parent} writable by group or others without the sticky bit "
                    f"(mode {stat.S_IMODE(pst.st_mode):04o})")
    return None


def usable_cache_dir() -> Path | None:
    """The cache folder, created (0700) if missing, if it passes the trust checks; else None.

    A folder that cannot be created or fails a check gives one :class:`KernelCacheWarning`
    (per folder and process) and ``None``: the caller builds kernels in memory."""
    folder = cache_dir()
    if folder is None:
        return None
    folder = Path(os.path.abspath(folder))
    try:
        _makedirs_private(folder)
    except OSError as exc:
        _warn_once(folder, f"kernel cache folder {folder} cannot be created ({exc.strerror or exc}); "
                           f"building kernels in memory (set {ENV_CACHE_DIR} to a private folder)")
        return None
    problem = _folder_problem(folder)
    if problem is not None:
        _warn_once(folder, f"kernel cache folder {folder} {problem}; not using it, building "
                           f"kernels in memory (set {ENV_CACHE_DIR} to a private folder)")
        return None
    return folder


def _makedirs_private(folder: Path) -> None:
    missing = []
    p = folder
    while not os.path.lexists(p):
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, 0o700)
        except FileExistsError:
            pass
        else:
            os.chmod(d, 0o700)          # the umask may have removed bits; never added any


def file_name(key: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)[:80]
    return f"{safe}-{sha(key)[:8]}.py"


def _split(text: str):
    """(key, body_sha, body) of a generated file, or None if malformed."""
    lines = text.split("\n", 2)
    if len(lines) < 3 or not lines[0].startswith("# KEY: ") or not lines[1].startswith("# BODY_SHA256: "):
        return None
    return lines[0][7:].strip(), lines[1][15:].strip(), lines[2]


def _read_trusted(path: Path) -> tuple[bytes | None, str | None]:
    """(bytes, None) for a trusted file, (None, None) if absent, (None, reason) if untrusted."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot be opened safely ({exc.strerror})"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, "is not a regular file"
        if st.st_uid != os.geteuid():
            return None, f"is owned by uid {st.st_uid}, not by the current user"
        if st.st_mode & 0o022:
            return None, f"is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})"
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks), None
    finally:
        os.close(fd)


def read_body(key: str, full_key: str) -> tuple[str | None, Path | None]:
    """Look up a kernel: ``(body, path)``.

    ``body`` is the verified generated source (None on a miss or an invalid file); ``path`` is
    where a regenerated body may be stored (None: do not touch the disk — no cache, an untrusted
    folder, or an untrusted file)."""
    folder = usable_cache_dir()
    if folder is None:
        return None, None
    path = folder / file_name(key)
    data, problem = _read_trusted(path)
    if problem is not None:
        _warn_once(path, f"kernel cache file {path} {problem}; not executing it, building the "
                         "kernel in memory")
        return None, None
    if data is None:
        return None, path
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        log.debug("kernel cache %s is not UTF-8 text; regenerating", path)
        return None, path
    parts = _split(text)
    if parts is None:
        log.debug("kernel cache %s is corrupt (header); regenerating", path)
        return None, path
    fkey, bsha, body = parts
    if fkey != full_key:
        log.debug("kernel cache %s is stale (key); regenerating", path)
        return None, path
    if sha(body) != bsha:
        log.debug("kernel cache %s is corrupt (checksum); regenerating", path)
        return None, path
    return body, path


def write_body(path: Path, full_key: str, body: str) -> None:
    """Store ``body`` at ``path`` (atomic, mode 0600); a failing write only warns."""
    try:
        atomic_write(path, f"# KEY: {full_key}\n# BODY_SHA256: {sha(body)}\n{body}", mode=0o600)
    except OSError as exc:
        _warn_once(("write", path.parent), f"kernel cache folder {path.parent} is not writable "
                                           f"({exc.strerror or exc}); kernels are kept in memory")
