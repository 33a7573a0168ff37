"""Determinism (issue 7): the same scenario, seed and workers give the same
plan byte for byte, also when the machine is loaded.

CP-SAT with a wall-clock limit and several workers is not reproducible:
stageplan limits deterministic time and runs its workers interleaved (one
worker per class model, a fixed batch order), so load changes how long a
solve takes, never what it finds. Here two solves of the bundled class run
at the same time as two busy processes, on a 2-core machine.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from factories import host, raw_scenario, student

from models import scenario_from_dict
from planner.plan_io import PLAN_FILES, SUMMARY_FILE
from planner.solve import SolveSettings, solve

ROOT = Path(__file__).resolve().parent.parent
#: summary.json keys that measure the run (times), not the plan.
TIMINGS = {"wall_time_s", "build_time_s", "solve_time_s", "visits"}


def _burn() -> None:  # pragma: no cover - runs in a child process
    while True:
        sum(i * i for i in range(10_000))


@contextmanager
def machine_under_load(processes: int = 2) -> Iterator[None]:
    """Busy processes on every core while the body runs."""
    burners = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(processes)]
    for burner in burners:
        burner.start()
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.join()


def _solve_command(out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "planner",
        "solve",
        str(ROOT / "scenarios" / "default.yaml"),
        "--out",
        str(out),
    ]


def test_two_solves_of_the_class_under_load_write_the_same_plan_byte_for_byte(
    tmp_path: Path,
) -> None:
    outs = [tmp_path / "a", tmp_path / "b"]
    with machine_under_load():
        runs = [subprocess.Popen(_solve_command(out), cwd=ROOT) for out in outs]
        codes = [run.wait(timeout=600) for run in runs]
    assert codes == [0, 0]
    for name in PLAN_FILES:
        if name == SUMMARY_FILE:
            continue
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    first, second = (json.loads((out / SUMMARY_FILE).read_text("utf-8")) for out in outs)
    for key in TIMINGS:
        first.pop(key), second.pop(key)
    assert first == second
    replay = first["replay"]
    assert replay["seed"] == 0 and replay["workers"] == first["workers"]
    assert len(replay["scenario_sha256"]) == 64 and replay["ortools"][0].isdigit()


def _coupled_classes() -> dict[str, object]:
    """Two classes of three, sharing a host with fewer places than interns:
    the class-by-class search with its two lanes (planner.by_class)."""
    students = [
        student(f"{cohort.lower()}{i}", cohort=cohort, host=f"h{cohort}{i}")
        for cohort in ("A", "B")
        for i in range(1, 3)
    ]
    students += [
        student("a3", cohort="A", host="shared"),
        student("b3", cohort="B", host="shared"),
    ]
    hosts = [host(f"h{c}{i}") for c in ("A", "B") for i in range(1, 3)]
    hosts.append(host("shared", capacity=1))
    raw = raw_scenario(students, hosts=hosts, rules={"required_weeks": 6, "min_reduced_weeks": 6})
    raw["weights"] = {"sync": 50}
    return raw


def test_class_by_class_under_load_gives_the_same_plan_twice() -> None:
    scenario = scenario_from_dict(_coupled_classes())
    settings = SolveSettings(time_limit_s=3, seed=0, workers=2)
    with machine_under_load():
        first, second = solve(scenario, settings), solve(scenario, settings)
    assert first.model_size.get("classes") == 2  # the two-lane search ran
    assert first.plan is not None and second.plan is not None
    assert first.plan.days == second.plan.days and first.plan.visits == second.plan.visits
    assert (first.objective, first.best_bound) == (second.objective, second.best_bound)
