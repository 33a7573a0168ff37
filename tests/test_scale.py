"""The scale benchmark's bookkeeping (``benchmarks/scale.py``): which code
each run uses and in what order (no solve here)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmark_support import load_benchmark

scale = load_benchmark("scale")


def test_against_a_commit_runs_both_sides_in_turn_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--against``: each (size, seed) on the old commit and on HEAD, the
    side that goes first alternating, every record of the same run."""
    ran: list[tuple[int, int, str | None]] = []

    @contextlib.contextmanager
    def fake_snapshot(revision: str = "HEAD") -> Iterator[tuple[Path, str]]:
        yield tmp_path / revision, revision

    def fake_run(
        students: int, seed: int, instance: int, limit: float, clock: str, code: Path | None
    ) -> dict[str, Any]:
        ran.append((students, seed, code.name if code else None))
        return {"students": students, "solver_seed": seed}

    monkeypatch.setattr(scale, "snapshot", fake_snapshot)
    monkeypatch.setattr(scale, "run_one", fake_run)
    monkeypatch.setattr(scale, "machine", lambda code, commit: {"commit": commit})
    monkeypatch.setattr(scale, "RUNS_FILE", tmp_path / "runs.jsonl")
    args = scale.parse(
        ["--sizes", "35", "350", "--seeds", "0", "1", "--against", "abc123", "--label", "new"]
    )
    records = scale.benchmark(args)
    assert ran == [
        (35, 0, "abc123"),
        (35, 0, "HEAD"),
        (35, 1, "HEAD"),
        (35, 1, "abc123"),
        (350, 0, "abc123"),
        (350, 0, "HEAD"),
        (350, 1, "HEAD"),
        (350, 1, "abc123"),
    ]
    labels = {r["commit"]: r["label"] for r in records}
    assert labels == {"abc123": "before", "HEAD": "new"}
    assert len({r["run_id"] for r in records}) == 1
    assert len((tmp_path / "runs.jsonl").read_text().splitlines()) == 8
