"""Benchmark: the teachers' visit load (R12), CP-SAT against by hand.

Run: ``.venv/bin/python benchmarks/visit_load.py [--runs 5]``. Writes
``docs/visits.md``. Not a test. On the bundled scenarios' solved plans, the
visits are planned twice, side by side in one run:

* by CP-SAT (referents by sector, then each teacher's dates), as shipped;
* by hand: referents round the team in class-list order, each visit on the
  first date of its part when the referent visits and still has room that
  week, periods in order (the simple rule a team would use).

Figures: visits placed and missed, visits per teacher-week (max, mean over
weeks a teacher goes out), visits per teacher (min, max), trips (distinct
teacher, day and town) and the visit stage's time (median of runs).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from models import Calendar, Plan, Scenario, load_scenario
from planner.calendar import build_calendar
from planner.kpis import visit_kpis
from planner.solve import SolveSettings, solve
from planner.visits import plan_visits

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("default", "bloc-novembre-annee2", "missions-hebdo")


def measure(
    scenario: Scenario, calendar: Calendar, plan: Plan, by_hand: bool, runs: int
) -> dict[str, Any]:
    """KPIs of one method, with its median time over ``runs``."""
    times, outcome = [], None
    for _ in range(runs):
        started = time.perf_counter()
        outcome = plan_visits(scenario, calendar, plan, by_hand=by_hand)
        times.append(time.perf_counter() - started)
    assert outcome is not None
    return {
        **visit_kpis(scenario, outcome.plan),
        "missed": len(outcome.assignment.unplaced),
        "status": outcome.assignment.status.value,
        "time_s": statistics.median(times),
    }


def bench(name: str, runs: int) -> dict[str, dict[str, Any]]:
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    settings = SolveSettings.of(scenario)
    result = solve(scenario, settings)
    assert result.plan is not None, f"{name}: {result.status}"
    calendar = build_calendar(scenario)
    placed = Plan(days=result.plan.days, periods=result.plan.periods)  # without its visits
    return {
        "cp-sat": measure(scenario, calendar, placed, False, runs),
        "à la main": measure(scenario, calendar, placed, True, runs),
    }


_ROWS = (
    ("visits", "visits placed"),
    ("missed", "visits missed (R12 broken)"),
    ("visits_max_per_teacher_week", "max visits per teacher-week"),
    ("visits_mean_per_teacher_week", "mean visits per teacher-week (weeks out)"),
    ("visits_max_per_teacher", "max visits per teacher"),
    ("visits_min_per_teacher", "min visits per teacher"),
    ("visit_trips", "trips (teacher, day, town)"),
    ("time_s", "visit stage time, s (median)"),
)


def report(results: dict[str, dict[str, dict[str, Any]]], runs: int) -> str:
    lines = [
        "# Teachers' visits (R12): CP-SAT against by hand",
        "",
        "Written by `benchmarks/visit_load.py` "
        f"({runs} runs, {os.cpu_count()} cores, Python {platform.python_version()}). "
        "Each scenario is solved once; its periods are then given visits by both "
        "methods in the same run. By hand = referents round the team in class-list "
        "order, each visit on the first date of its part that the referent visits "
        "and still has room that week, periods in order.",
        "",
    ]
    for name, methods in results.items():
        lines += [f"## {name}", "", "| figure | CP-SAT | by hand |", "|---|---:|---:|"]
        for key, label in _ROWS:
            cp, hand = methods["cp-sat"][key], methods["à la main"][key]
            if key == "time_s":
                cp, hand = f"{cp:.2f}", f"{hand:.3f}"
            lines.append(f"| {label} | {cp} | {hand} |")
        lines += ["", f"CP-SAT status: {methods['cp-sat']['status']}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "visits.md")
    args = parser.parse_args()
    results = {name: bench(name, args.runs) for name in SCENARIOS}
    args.out.write_text(report(results, args.runs), encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
