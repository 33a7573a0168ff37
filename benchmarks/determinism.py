"""Determinism runs (issue 7): the same scenario, seed and workers must give
the same plan byte for byte, on an idle machine and under load.

For each case, ``stageplan solve`` runs once on an idle machine, then
twice at the same time while busy processes hold every core. The plan
files (everything but ``summary.json``, whose times differ) are hashed;
a case passes when the three runs give one hash. Writes
``docs/reliability-determinism.md``.

Run ``.venv/bin/python benchmarks/determinism.py`` (a few minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instances import generate, write_instance

from planner.plan_io import PLAN_FILES, SUMMARY_FILE

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "reliability-determinism.md"


@dataclass(frozen=True)
class Case:
    label: str
    scenario: Path
    workers: int
    time_limit_s: float


def _burn() -> None:  # runs in a child process until killed
    while True:
        sum(i * i for i in range(10_000))


def plan_digest(out: Path) -> str:
    """sha-256 of the plan files (not summary.json: it holds run times)."""
    digest = hashlib.sha256()
    for name in PLAN_FILES:
        if name != SUMMARY_FILE:
            digest.update(name.encode())
            digest.update((out / name).read_bytes())
    return digest.hexdigest()[:16]


def _command(case: Case, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "planner",
        "solve",
        str(case.scenario),
        "--out",
        str(out),
        "--quiet",
        "--workers",
        str(case.workers),
        "--time-limit",
        str(case.time_limit_s),
    ]


def run_case(case: Case, scratch: Path) -> dict[str, object]:
    """One idle run, then two at once under load; their digests."""
    started = time.perf_counter()
    idle = scratch / f"{case.label}-idle"
    subprocess.run(_command(case, idle), cwd=ROOT, check=True)
    idle_s = time.perf_counter() - started
    burners = [
        multiprocessing.Process(target=_burn, daemon=True) for _ in range(os.cpu_count() or 2)
    ]
    for burner in burners:
        burner.start()
    try:
        outs = [scratch / f"{case.label}-load-{i}" for i in (1, 2)]
        started = time.perf_counter()
        runs = [subprocess.Popen(_command(case, out), cwd=ROOT) for out in outs]
        codes = [run.wait() for run in runs]
        loaded_s = time.perf_counter() - started
    finally:
        for burner in burners:
            burner.kill()
    if codes != [0, 0]:
        raise SystemExit(f"{case.label}: exit codes {codes}")
    digests = [plan_digest(idle), *(plan_digest(out) for out in outs)]
    return {
        "case": case,
        "digests": digests,
        "same": len(set(digests)) == 1,
        "idle_s": idle_s,
        "loaded_s": loaded_s,
    }


def cases(scratch: Path) -> list[Case]:
    school = scratch / "deux-classes.yaml"
    write_instance(generate(70, 0), school)
    scenarios = ROOT / "scenarios"
    return [
        Case("classe (default)", scenarios / "default.yaml", 1, 60),
        Case("classe, 2 workers", scenarios / "default.yaml", 2, 60),
        Case("bloc-novembre-annee2", scenarios / "bloc-novembre-annee2.yaml", 1, 60),
        Case("2 classes, hôtes partagés", school, 2, 20),
    ]


def report(results: Sequence[dict[str, object]]) -> str:
    cores = os.cpu_count()
    lines = [
        "# Determinism runs",
        "",
        f"Written by `benchmarks/determinism.py` on {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{cores} cores. Each case: one `stageplan solve` on an idle machine, then two at "
        f"once while {cores} busy processes hold every core; the digest is the sha-256 "
        "of the plan files (`summary.json` aside: it holds run times).",
        "",
        "| case | workers | limit (s) | idle run (s) | two runs under load (s) "
        "| digests | same plan |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        case = result["case"]
        assert isinstance(case, Case)
        digests = result["digests"]
        assert isinstance(digests, list)
        lines.append(
            f"| {case.label} | {case.workers} | {case.time_limit_s:g} | "
            f"{result['idle_s']:.1f} | {result['loaded_s']:.1f} | "
            f"{' '.join(f'`{d}`' for d in digests)} | {'yes' if result['same'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        results = [run_case(case, Path(scratch)) for case in cases(Path(scratch))]
    OUT.write_text(report(results), encoding="utf-8")
    print(report(results))
    if not all(r["same"] for r in results):
        raise SystemExit("a case gave different plans")


if __name__ == "__main__":
    main()
