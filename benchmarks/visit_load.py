"""Benchmark: the teachers' visit load (R12), CP-SAT against by hand.

Run: ``.venv/bin/python benchmarks/visit_load.py [--runs 5]``. Writes
``docs/visits.md``. Not a test. On the bundled scenarios' solved plans and
on three generated schools of 350 (``instances.generate(350, seed)``, ten
classes and one team of 60 teachers each), the visits are planned side by side in one
run:

* by CP-SAT (referents by sector, then each teacher's dates), as shipped:
  the referent model has 1 s per team, and the better of its choice and
  the greedy one (``planner/visits/greedy.py``) is kept;
* by CP-SAT as before the greedy choice: the referent model alone, up to
  10 s per team (the flags of ``planner.visits`` patched for the run);
* by hand: referents round the team in class-list order, each visit on the
  first date of its part when the referent visits and still has room that
  week, periods in order (the simple rule a team would use).

Figures: visits placed and missed, visits per teacher-week (max, mean over
weeks a teacher goes out), visits per teacher (min, max), trips (distinct
teacher, day and town), the referent model's objective and the visit
stage's time (median of runs).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import planner.visits as visits_stage
from models import Calendar, Plan, Scenario, load_scenario
from planner.calendar import build_calendar
from planner.kpis import visit_kpis
from planner.solve import SolveSettings, solve
from planner.visits import plan_visits, visit_tasks
from planner.visits.greedy import referent_cost

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instances import generate

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("default", "bloc-novembre-annee2", "missions-hebdo")
#: The generated schools: their size, instance seeds, and the solve's limit
#: (their periods only need to be a plan, not the best one).
SCHOOL_SIZE, SCHOOL_SEEDS, SCHOOL_LIMIT_S = 350, (0, 1, 2), 10.0
#: Method -> (by hand, greedy choice, referent limit per team).
METHODS: dict[str, tuple[bool, bool, float]] = {
    "cp-sat": (False, True, 1.0),
    "cp-sat, model alone": (False, False, 10.0),
    "à la main": (True, False, 0.0),
}


@contextlib.contextmanager
def _referent_flags(greedy: bool, limit: float) -> Iterator[None]:
    """The visit stage's greedy choice and referent limit, for one method's runs."""
    saved = visits_stage._GREEDY, visits_stage._TEAM_LIMIT_S
    visits_stage._GREEDY, visits_stage._TEAM_LIMIT_S = greedy, limit
    try:
        yield
    finally:
        visits_stage._GREEDY, visits_stage._TEAM_LIMIT_S = saved


def measure(
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    method: str,
    settings: SolveSettings,
    runs: int,
) -> dict[str, Any]:
    """KPIs of one method, with its median time over ``runs`` (called as
    ``planner.solve.finish_plan`` calls it)."""
    by_hand, greedy, limit = METHODS[method]
    times, outcome = [], None
    with _referent_flags(greedy, limit):
        for _ in range(runs):
            started = time.perf_counter()
            outcome = plan_visits(
                scenario,
                calendar,
                plan,
                time_limit_s=settings.time_limit_s,
                seed=settings.seed,
                threads=settings.workers,
                by_hand=by_hand,
            )
            times.append(time.perf_counter() - started)
    assert outcome is not None
    return {
        **visit_kpis(scenario, outcome.plan),
        "missed": len(outcome.assignment.unplaced),
        "status": outcome.assignment.status.value,
        "referent_cost": _referent_cost(scenario, calendar, plan, outcome.assignment.referents),
        "time_s": statistics.median(times),
    }


def _referent_cost(
    scenario: Scenario, calendar: Calendar, plan: Plan, referents: dict[str, str]
) -> int:
    """The referent model's objective for the referents of students with visits."""
    by_student: dict[str, list[Any]] = {}
    for task in visit_tasks(scenario, calendar, plan):
        by_student.setdefault(task.student_id, []).append(task)
    team = [t for t in scenario.teachers if t.max_visits_per_week > 0]
    chosen = {s: t for s, t in referents.items() if s in by_student}
    return referent_cost(chosen, team, by_student, scenario.weights)


def bench(name: str, scenario: Scenario, runs: int) -> dict[str, dict[str, Any]]:
    settings = SolveSettings.of(scenario)
    if name.startswith("école"):
        settings = SolveSettings.of(scenario, time_limit_s=SCHOOL_LIMIT_S)
    result = solve(scenario, settings)
    assert result.plan is not None, f"{name}: {result.status}"
    calendar = build_calendar(scenario)
    placed = Plan(days=result.plan.days, periods=result.plan.periods)  # without its visits
    # The visit stage runs under the scenario's own limit, as in a solve.
    stage = SolveSettings.of(scenario)
    return {m: measure(scenario, calendar, placed, m, stage, runs) for m in METHODS}


_ROWS = (
    ("visits", "visits placed"),
    ("missed", "visits missed (R12 broken)"),
    ("visits_max_per_teacher_week", "max visits per teacher-week"),
    ("visits_mean_per_teacher_week", "mean visits per teacher-week (weeks out)"),
    ("visits_max_per_teacher", "max visits per teacher"),
    ("visits_min_per_teacher", "min visits per teacher"),
    ("visit_trips", "trips (teacher, day, town)"),
    ("referent_cost", "referent model's objective (balance and towns)"),
    ("time_s", "visit stage time, s (median)"),
)


def report(results: dict[str, dict[str, dict[str, Any]]], runs: int) -> str:
    lines = [
        "# Teachers' visits (R12): CP-SAT against by hand",
        "",
        "Written by `benchmarks/visit_load.py` "
        f"({runs} runs, {os.cpu_count()} cores, Python {platform.python_version()}). "
        "Each scenario is solved once; its periods are then given visits by each "
        "method in the same run, as a solve does (the scenario's deterministic "
        "limit, seed and workers). *CP-SAT* is shipped: the referent model (started "
        "from the team's round) has 1 s per team, and the better of its choice and "
        "the greedy one (`planner/visits/greedy.py`) is kept. *CP-SAT, model alone* "
        "is as before the greedy choice: the referent model alone, up to 10 s per "
        "team. *By hand* = referents round "
        "the team in class-list order, each visit on the first date of its part "
        "that the referent visits and still has room that week, periods in order. "
        "The referent model's objective is `visit_balance` × the busiest teacher's "
        "visits + `visit_trips` × the towns teachers cover away from home.",
        "",
    ]
    for name, methods in results.items():
        lines += [
            f"## {name}",
            "",
            "| figure | CP-SAT | CP-SAT, model alone | by hand |",
            "|---|---:|---:|---:|",
        ]
        for key, label in _ROWS:
            cells = [methods[m][key] for m in METHODS]
            if key == "time_s":
                cells = [f"{c:.2f}" if c >= 0.1 else f"{c:.3f}" for c in cells]
            lines.append(f"| {label} | " + " | ".join(str(c) for c in cells) + " |")
        statuses = ", ".join(f"{m} {methods[m]['status']}" for m in METHODS if m != "à la main")
        lines += ["", f"Status: {statuses}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "visits.md")
    args = parser.parse_args()
    scenarios = {n: load_scenario(ROOT / "scenarios" / f"{n}.yaml") for n in SCENARIOS}
    for seed in SCHOOL_SEEDS:
        scenarios[f"école de {SCHOOL_SIZE} (générée, graine {seed})"] = generate(SCHOOL_SIZE, seed)
    results = {name: bench(name, scenario, args.runs) for name, scenario in scenarios.items()}
    args.out.write_text(report(results, args.runs), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
