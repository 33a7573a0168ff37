"""The scenario store (planner.store): atomic saves, version check, lock,
backups of the versions replaced, names checked; and the atomic helpers
it uses (planner.atomic)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from planner import atomic, store
from planner.store import VersionConflictError


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_save_replaces_atomically_and_returns_the_new_version(tmp_path: Path) -> None:
    path = tmp_path / "classe.yaml"
    first = store.save_new(path, "name: v1\n")
    assert path.read_text(encoding="utf-8") == "name: v1\n"
    assert first == store.version_of(path)
    assert first.size == len(b"name: v1\n") and len(first.digest) == 64
    assert (path.stat().st_mode & 0o777) == 0o644  # not the 0600 of a temporary

    second = store.save(path, "name: v2 é\n", first)
    assert path.read_text(encoding="utf-8") == "name: v2 é\n"
    assert second == store.version_of(path) and not second.same_content(first)
    # nothing half-written left next to it: the file, the lock, the versions
    assert _listing(tmp_path) == [store.LOCK_FILE, store.VERSIONS_DIR, "classe.yaml"]


def test_a_save_after_another_writer_is_refused_with_when(tmp_path: Path) -> None:
    path = tmp_path / "classe.yaml"
    loaded = store.save_new(path, "name: v1\n")  # both teachers load this version
    theirs = store.save(path, "name: la leur\n", loaded)  # the other teacher saves first
    with pytest.raises(VersionConflictError) as caught:
        store.save(path, "name: la mienne\n", loaded)
    conflict = caught.value
    assert path.read_text(encoding="utf-8") == "name: la leur\n"  # untouched
    assert conflict.path == path and conflict.expected == loaded and conflict.found == theirs
    when = theirs.modified
    assert f"« classe.yaml » a été modifié le {when:%d/%m/%Y} à {when:%H:%M:%S}" in str(conflict)

    path.unlink()  # removed meanwhile: a conflict too
    with pytest.raises(VersionConflictError, match="a été supprimé"):
        store.save(path, "name: la mienne\n", theirs)
    assert not path.exists()


def test_same_content_saved_again_is_no_conflict(tmp_path: Path) -> None:
    path = tmp_path / "classe.yaml"
    loaded = store.save_new(path, "name: v1\n")
    os.utime(path, ns=(1, 1))  # touched (copied back...), same bytes
    assert store.save(path, "name: v2\n", loaded).same_content(store.version_of(path))


def test_forced_overwrite_keeps_the_version_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "classe.yaml"
    loaded = store.save_new(path, "name: v1\n")
    store.save(path, "name: la leur\n", loaded)
    with pytest.raises(VersionConflictError):
        store.save(path, "name: la mienne\n", loaded)
    store.save(path, "name: la mienne\n", loaded, force=True)
    assert path.read_text(encoding="utf-8") == "name: la mienne\n"
    kept = store.backups(path)
    assert [p.read_text(encoding="utf-8") for p in kept] == ["name: v1\n", "name: la leur\n"]
    assert all(p.parent == tmp_path / ".versions" / "classe" for p in kept)
    # a backup is a file of its own, not a second name of the file replaced
    assert all(p.stat().st_nlink == 1 for p in kept)
    # the scenarios folder lists no backup as a scenario
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == ["classe.yaml"]


def test_only_the_latest_versions_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "KEEP_VERSIONS", 3)
    path = tmp_path / "classe.yaml"
    version = store.save_new(path, "n: 0\n")
    for number in range(1, 7):
        os.utime(path, ns=(number * 10**9, number * 10**9))  # distinct times
        version = store.save(path, f"n: {number}\n", store.version_of(path))
    assert [p.read_text(encoding="utf-8") for p in store.backups(path)] == [
        "n: 3\n",
        "n: 4\n",
        "n: 5\n",
    ]
    assert version.same_content(store.version_of(path))


def test_save_as_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "copie.yaml"
    path.write_text("# à garder\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        store.save_new(path, "name: autre\n")
    assert path.read_text(encoding="utf-8") == "# à garder\n"
    assert _listing(tmp_path) == [store.LOCK_FILE, "copie.yaml"]  # no temporary left


def test_a_name_taken_while_writing_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The existence check and the creation are one step (a hard link)."""
    path = tmp_path / "copie.yaml"
    real_exists = Path.exists

    def exists_then_taken(self: Path) -> bool:
        found = real_exists(self)
        if self == path and not found:
            path.write_text("# arrivé entre-temps\n", encoding="utf-8")
        return found

    monkeypatch.setattr(Path, "exists", exists_then_taken)
    with pytest.raises(FileExistsError):
        store.save_new(path, "name: autre\n")
    assert path.read_text(encoding="utf-8") == "# arrivé entre-temps\n"


@pytest.mark.parametrize(
    ("name", "stem"),
    [("variante-1", "variante-1"), ("  classe_B.yaml ", "classe_B"), ("x.yml", "x")],
)
def test_good_names(tmp_path: Path, name: str, stem: str) -> None:
    assert store.scenario_path(tmp_path, name) == tmp_path / f"{stem}.yaml"


@pytest.mark.parametrize(
    "name", ["", "../ailleurs", "a/b", ".cache", "-x", "élève", "a b", "x" * 65, "nul\0"]
)
def test_bad_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="nom invalide"):
        store.scenario_path(tmp_path, name)


def test_the_check_and_the_replace_are_one_step_between_writers(tmp_path: Path) -> None:
    """Eight threads save against the same version at once, five rounds: the
    lock lets exactly one pass each time, the others get a conflict; every
    version replaced is kept."""
    path = tmp_path / "classe.yaml"
    loaded = store.save_new(path, "name: r0\n")
    for round_ in range(1, 6):
        barrier = threading.Barrier(8)
        outcomes: list[str] = []

        def teacher(
            text: str,
            expected: store.Version,
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
        ) -> None:
            barrier.wait()
            try:
                store.save(path, text, expected)
            except VersionConflictError:
                outcomes.append("conflict")
            else:
                outcomes.append(text)

        texts = [f"name: r{round_}-{n}\n" for n in range(8)]
        threads = [threading.Thread(target=teacher, args=(text, loaded)) for text in texts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [o for o in outcomes if o != "conflict"]
        assert len(outcomes) == 8 and len(winners) == 1, outcomes
        assert path.read_text(encoding="utf-8") == winners[0]
        loaded = store.version_of(path)
        assert loaded is not None
    kept = [p.read_text(encoding="utf-8") for p in store.backups(path)]
    assert len(kept) == 5 and kept[0] == "name: r0\n"


def test_a_temporary_left_by_a_killed_writer_is_removed_at_the_next_save(
    tmp_path: Path,
) -> None:
    path = tmp_path / "classe.yaml"
    loaded = store.save_new(path, "name: v1\n")
    junk = tmp_path / ".classe.yaml.tmp-abc123"
    junk.write_text("name: v2 (à moit", encoding="utf-8")
    store.save(path, "name: v2\n", loaded)
    assert not junk.exists()


def test_replace_file_failure_leaves_the_earlier_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "classe.yaml"
    loaded = store.save_new(path, "name: v1\n")

    def failing(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="No space left"):
        store.save(path, "name: v2\n", loaded)
    assert path.read_text(encoding="utf-8") == "name: v1\n"
    assert not list(tmp_path.glob(".classe.yaml.tmp-*"))


def _folder(path: Path, text: str) -> Path:
    path.mkdir()
    for name in ("a.csv", "b.csv"):
        (path / name).write_text(f"{name} {text}\n", encoding="utf-8")
    return path


def test_folder_swap_by_exchange_and_by_two_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _folder(tmp_path / "plan", "v1")
    atomic.swap_into_place(_folder(tmp_path / ".plan.tmp-1", "v2"), out)
    assert (out / "a.csv").read_text(encoding="utf-8") == "a.csv v2\n"
    assert _listing(tmp_path) == ["plan"]
    monkeypatch.setattr(atomic, "_renameat2", None)  # no exchange: move aside, then in
    atomic.swap_into_place(_folder(tmp_path / ".plan.tmp-2", "v3"), out)
    assert (out / "b.csv").read_text(encoding="utf-8") == "b.csv v3\n"
    assert _listing(tmp_path) == ["plan"]


def test_exchange_is_used_on_linux() -> None:
    if os.uname().sysname != "Linux":
        pytest.skip("renameat2 is Linux only")
    assert atomic._renameat2 is not None


def test_a_crash_between_the_two_renames_is_recovered(tmp_path: Path) -> None:
    """Without the exchange, a kill after the earlier folder was moved aside
    leaves no ``plan``: the next swap (or recover_folder) puts it back."""
    aside = tmp_path / ".plan.old-xyz"
    aside.mkdir()
    _folder(aside / "old", "v1")
    staging = _folder(tmp_path / ".plan.tmp-abc", "v2")
    out = tmp_path / "plan"
    assert atomic.recover_folder(out)
    assert (out / "a.csv").read_text(encoding="utf-8") == "a.csv v1\n"
    assert not aside.exists()
    assert atomic.remove_leftovers(out, older_than_s=0) == 1  # the staging folder
    assert not staging.exists()
    assert _listing(tmp_path) == ["plan"]
