"""Atomic writes: a file or a folder of outputs appears whole or not at all.

Files
    :func:`replace_file` writes a temporary sibling, syncs it to disk, then
    renames it over the target; :func:`create_file` links the synced
    temporary under the target name, which fails if the name exists, so it
    never overwrites. A crash at any point leaves the earlier file whole
    (or no file); the temporary may be left behind under a hidden name
    (``.<name>.tmp-…``) that no loader reads.
Folders
    Writers fill a staging folder next to the target (same file system),
    sync it, then :func:`swap_into_place` exchanges it with the target in
    one step (Linux ``renameat2(RENAME_EXCHANGE)``); elsewhere the earlier
    folder is moved aside first and removed only once the new one is in
    place, and :func:`recover_folder` (run before every swap) puts it back
    if a crash fell between the two renames. Either way the target holds
    the old folder or the new one, whole.

Errors are ``OSError``; callers turn them into their own French messages.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

#: Staging and retired folders left by a crash are removed after this long
#: (a writer still filling its staging folder is never that slow).
STALE_AFTER_S = 3600.0


def write_synced(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) and flush it to disk before returning."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def fsync_dir(directory: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- files ---


def temporary_prefix(path: Path) -> str:
    """The name prefix of the temporaries written next to ``path``."""
    return f".{path.name}.tmp-"


def _synced_temporary(path: Path, data: bytes, mode: int) -> Path:
    descriptor, name = tempfile.mkstemp(prefix=temporary_prefix(path), dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _mode_of(path: Path, default: int = 0o644) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return default


def replace_file(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` in one rename; an earlier file is replaced whole.

    The file keeps the permissions of the one it replaces (``0o644`` when new).
    """
    temporary = _synced_temporary(path, data, _mode_of(path))
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def create_file(path: Path, data: bytes) -> None:
    """Write a new file at ``path``, whole or not at all; never overwrites.

    Raises
    ------
    FileExistsError
        ``path`` exists (even if it appeared while writing).
    """
    temporary = _synced_temporary(path, data, 0o644)
    try:
        os.link(temporary, path)  # fails if the name is taken: no overwrite
    finally:
        temporary.unlink(missing_ok=True)
    fsync_dir(path.parent)


def remove_temporaries(path: Path) -> int:
    """Remove the temporaries of ``path`` that a killed writer left; how many.

    Only call it while no other writer of ``path`` can be at work (under the
    caller's lock): a temporary being written would be removed too.
    """
    return _remove_files(path.parent.glob(f"{temporary_prefix(path)}*"))


def clear_temporaries(folder: Path) -> int:
    """Remove every file temporary (``.<name>.tmp-…``) that killed writers
    left in ``folder``; how many. Same caution as :func:`remove_temporaries`:
    only while no writer can be at work in ``folder``."""
    return _remove_files(Path(folder).glob(".*.tmp-*"))


def _remove_files(candidates: Iterable[Path]) -> int:
    removed = 0
    for leftover in candidates:
        if not leftover.is_file():
            continue  # a staging folder: see remove_leftovers
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            removed += 1
    return removed


# --- folders ---


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` at ``out_dir``; an earlier ``out_dir`` is removed only after."""
    recover_folder(out_dir)
    try:
        os.replace(staging, out_dir)  # absent or empty: one atomic rename
    except OSError as error:
        if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        if _exchange(staging, out_dir):  # staging now holds the earlier folder
            fsync_dir(out_dir.parent)
            shutil.rmtree(staging, ignore_errors=True)
        else:
            _replace(staging, out_dir)
    fsync_dir(out_dir.parent)
    remove_leftovers(out_dir)


def _replace(staging: Path, out_dir: Path) -> None:
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    try:
        os.replace(out_dir, retired / "old")
    except OSError:
        retired.rmdir()
        raise
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(retired / "old", out_dir)  # the old folder back, whole
        retired.rmdir()
        raise
    shutil.rmtree(retired, ignore_errors=True)


def recover_folder(out_dir: Path) -> bool:
    """Put back the earlier ``out_dir`` if a crash fell between the two
    renames of a swap (only possible without ``renameat2``); True if it did.
    """
    if out_dir.exists():
        return False
    retired = sorted(
        (p for p in out_dir.parent.glob(f".{out_dir.name}.old-*") if (p / "old").is_dir()),
        key=lambda p: p.stat().st_mtime_ns,
    )
    if not retired:
        return False
    os.replace(retired[-1] / "old", out_dir)  # the latest folder moved aside
    fsync_dir(out_dir.parent)
    with contextlib.suppress(OSError):
        retired[-1].rmdir()
    return True


def remove_leftovers(out_dir: Path, older_than_s: float = STALE_AFTER_S) -> int:
    """Remove the staging and retired folders of ``out_dir`` that crashed
    writers left (those older than ``older_than_s``); how many."""
    limit = time.time() - older_than_s
    removed = 0
    for pattern in (f".{out_dir.name}.tmp-*", f".{out_dir.name}.old-*"):
        for leftover in out_dir.parent.glob(pattern):
            try:
                if leftover.stat().st_mtime > limit:
                    continue
            except FileNotFoundError:
                continue
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed += 1
    return removed


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: errno values meaning "no exchange here": fall back to two renames.
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV}


def _load_renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # libc without renameat2 (glibc < 2.28, musl...)
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    found: Callable[..., int] = function
    return found


_renameat2 = _load_renameat2()


def _exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step; False where the system cannot."""
    global _renameat2
    if _renameat2 is None:
        return False
    paths = (_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second))
    if _renameat2(*paths, _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        _renameat2 = None  # this file system or kernel: two renames from now on
        return False
    raise OSError(code, os.strerror(code), str(second))
