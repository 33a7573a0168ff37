"""The scenario files a team shares: saved atomically, with a version check
and a copy of every version replaced, so that no save loses data.

- **Atomic**: a save writes a temporary file next to the target, syncs it
  to disk and renames it over the target (:mod:`planner.atomic`). A process
  killed in the middle leaves the earlier file whole.
- **Version check**: :func:`version_of` gives a file's :class:`Version`
  (SHA-256 of its bytes, size, modification time), taken when a teacher
  loads the file. :func:`save` replaces the file only if its content is
  still that version; otherwise it raises :class:`VersionConflictError` (with
  the date of the other change), unless the caller forces it.
- **Lock**: the check and the rename happen under an exclusive
  ``fcntl.flock`` on ``.stageplan.lock`` in the folder, so two processes or
  two threads saving at once cannot both pass the check.
- **Backups**: before a file is replaced, its bytes are copied (atomically)
  to ``.versions/<name>/<UTC time of that version>-<hash>.yaml`` next to
  it; the :data:`KEEP_VERSIONS` latest are kept per file.
- **New names**: :func:`save_new` never overwrites (the temporary is
  hard-linked under the new name, which fails if the name is taken).

Pure file I/O, no UI; messages are French. Without ``fcntl`` (not POSIX),
the lock only serialises the saves of one process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NamedTuple

from .atomic import clear_temporaries, create_file, fsync_dir, replace_file

try:
    import fcntl
except ImportError:  # not POSIX: saves are serialised within this process only
    fcntl = None  # type: ignore[assignment]

#: The lock file taken by every save in a folder.
LOCK_FILE: Final = ".stageplan.lock"
#: The folder, next to the scenarios, holding the versions replaced.
VERSIONS_DIR: Final = ".versions"
#: How many replaced versions are kept per file (the oldest go first).
KEEP_VERSIONS: Final = 50
SUFFIX: Final = ".yaml"
_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Version:
    """What a file held when it was read: the token a save checks against.

    Two versions are the same content when their ``digest`` is equal; the
    size and the modification time say when it changed, for the teacher.
    """

    digest: str
    size: int
    mtime_ns: int

    @property
    def modified(self) -> dt.datetime:
        """When this version was written (server's local time)."""
        return dt.datetime.fromtimestamp(self.mtime_ns / 1e9)

    def same_content(self, other: Version | None) -> bool:
        """Whether ``other`` holds the same bytes (``None``: no file)."""
        return other is not None and other.digest == self.digest


#: A version no file ever has: a save expecting it always meets a conflict
#: (for a file that changed while it was being loaded).
UNCONFIRMED: Final = Version(digest="", size=-1, mtime_ns=0)


class Saved(NamedTuple):
    """Where a scenario was saved and the version it has now."""

    path: Path
    version: Version


class VersionConflictError(Exception):
    """The file changed (or vanished) since the version the caller read.

    Attributes
    ----------
    path
        The file.
    expected
        The version the caller read (``None``: no file then).
    found
        The version on disk now (``None``: the file was removed).
    """

    def __init__(self, path: Path, expected: Version | None, found: Version | None) -> None:
        self.path = path
        self.expected = expected
        self.found = found
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The conflict in French, naming the file and when it changed."""
        name = self.path.name
        if self.found is None:
            return f"« {name} » a été supprimé depuis que vous l'avez chargé."
        when = self.found.modified
        return (
            f"« {name} » a été modifié le {when:%d/%m/%Y} à {when:%H:%M:%S}, après que "
            "vous l'avez chargé (par une autre session ou un autre enseignant)."
        )


def version_of(path: Path) -> Version | None:
    """The version of the file at ``path`` now; ``None`` when there is none."""
    found = _read(path)
    return None if found is None else found[1]


def _read(path: Path) -> tuple[bytes, Version] | None:
    try:
        with Path(path).open("rb") as handle:
            data = handle.read()
            stat = os.fstat(handle.fileno())
    except FileNotFoundError:
        return None
    version = Version(hashlib.sha256(data).hexdigest(), len(data), stat.st_mtime_ns)
    return data, version


def checked_name(name: str) -> str:
    """A scenario's file stem, checked: letters without accents, digits,
    ``-`` and ``_`` (64 characters at most); a ``.yaml`` suffix is dropped.

    Raises
    ------
    ValueError
        A French message (no path separator, hidden name or accent gets through).
    """
    stem = name.strip().removesuffix(".yaml").removesuffix(".yml")
    if not _NAME.match(stem):
        raise ValueError(
            "nom invalide : lettres sans accent, chiffres, « - » et « _ » seulement "
            "(64 caractères au plus)"
        )
    return stem


def scenario_path(directory: Path, name: str) -> Path:
    """``directory/<name>.yaml`` for a checked ``name`` (see :func:`checked_name`)."""
    return Path(directory) / f"{checked_name(name)}{SUFFIX}"


_PROCESS_LOCK = threading.Lock()  # where there is no flock


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the folder's save lock (exclusive ``flock``; released on exit,
    and by the system if the process dies)."""
    if fcntl is None:
        with _PROCESS_LOCK:
            yield
        return
    descriptor = os.open(Path(directory) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def save(path: Path, text: str, expected: Version | None, *, force: bool = False) -> Version:
    """Replace the file at ``path`` with ``text``, if no one changed it since ``expected``.

    Parameters
    ----------
    path
        The scenario file.
    text
        Its new content (written as UTF-8).
    expected
        The version the caller read (``None``: it saw no file there).
    force
        Replace it whatever it holds now (the version replaced is still kept).

    Returns
    -------
    Version
        The version just written: the next save's ``expected``.

    Raises
    ------
    VersionConflictError
        The file holds another content than ``expected`` (or was removed).
    OSError
        The file cannot be written; the earlier file is then untouched.
    """
    path = Path(path)
    with locked(path.parent):
        clear_temporaries(path.parent)  # killed writers'; none at work under the lock
        current = _read(path)
        found = None if current is None else current[1]
        if not force and not _matches(expected, found):
            raise VersionConflictError(path, expected, found)
        if current is not None:
            _keep(path, *current)
        replace_file(path, text.encode("utf-8"))
        written = version_of(path)
    assert written is not None
    return written


def save_new(path: Path, text: str) -> Version:
    """Write a new file at ``path``; never overwrites one.

    Raises
    ------
    FileExistsError
        ``path`` exists already.
    OSError
        The file cannot be written.
    """
    path = Path(path)
    with locked(path.parent):
        clear_temporaries(path.parent)
        if path.exists():
            raise FileExistsError(errno.EEXIST, "le fichier existe déjà", str(path))
        create_file(path, text.encode("utf-8"))
        written = version_of(path)
    assert written is not None
    return written


def _matches(expected: Version | None, found: Version | None) -> bool:
    if expected is None:
        return found is None
    return expected.same_content(found)


def versions_dir(path: Path) -> Path:
    """The folder holding the replaced versions of the file at ``path``."""
    path = Path(path)
    return path.parent / VERSIONS_DIR / path.stem


def backups(path: Path) -> list[Path]:
    """The replaced versions of the file at ``path`` kept on disk, oldest first."""
    folder = versions_dir(path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"*{Path(path).suffix}") if not p.name.startswith("."))


def _keep(path: Path, data: bytes, version: Version) -> None:
    """Copy the version about to be replaced into the versions folder."""
    folder = versions_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    when = dt.datetime.fromtimestamp(version.mtime_ns / 1e9, tz=dt.UTC)
    target = folder / f"{when:%Y%m%dT%H%M%S%fZ}-{version.digest[:12]}{path.suffix}"
    clear_temporaries(folder)
    if not target.exists():
        replace_file(target, data)
        fsync_dir(folder.parent)
    for old in backups(path)[:-KEEP_VERSIONS]:
        old.unlink(missing_ok=True)
