"""Atomic folder writes: a folder of outputs appears whole or not at all.

Writers fill a staging folder next to the target (same file system), fsync
it, then :func:`swap_into_place` renames it over the target. An earlier
folder is moved aside first and removed only once the new one is in place,
so a crash at any point leaves either the old folder or the new one, whole.
Errors are ``OSError``; callers turn them into their own French messages.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


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


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` at ``out_dir``; an earlier ``out_dir`` is removed only after."""
    if out_dir.exists() and any(out_dir.iterdir()):
        _replace(staging, out_dir)
    else:
        os.replace(staging, out_dir)  # absent or empty: one atomic rename
    fsync_dir(out_dir.parent)


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
