"""Benchmark: solving the bundled class scenarios end to end.

Run: ``.venv/bin/python benchmarks/solve_class.py [--runs 5]``. Writes
``docs/performance.md``. Not a test: figures are medians of several runs
measured in one session on this machine, and the CP-SAT configurations are
compared side by side in the same run, as ratios.

Two measures:

* end to end: ``stageplan solve`` as a fresh process, from its start to
  the plan files written (what a teacher waits for);
* solver configurations on the default class, through the model API:
  the shipped one (one ``max_lp`` worker), two interleaved workers, and
  CP-SAT's default portfolio on two free-running workers (not reproducible).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ortools.sat.python import cp_model

from models import load_scenario
from planner.calendar import build_calendar
from planner.formulation import ModelData, StagePlanModel, configure_solver

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("default", "bloc-novembre-annee2", "missions-hebdo")
TIME_LIMIT_S = 60.0


def end_to_end(scenario: str, runs: int) -> dict[str, object]:
    """Median wall time of ``stageplan solve`` in a fresh process."""
    walls, builds, solves, statuses, hashes = [], [], [], set(), set()
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "plan"
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "planner",
                    "solve",
                    f"scenarios/{scenario}.yaml",
                    "--out",
                    str(out),
                    "--quiet",
                ],
                cwd=ROOT,
                check=True,
            )
            walls.append(time.perf_counter() - started)
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            builds.append(summary["build_time_s"])
            solves.append(summary["solve_time_s"])
            statuses.add(summary["status"])
            hashes.add(hash((out / "days.csv").read_bytes()))
    return {
        "scenario": scenario,
        "end_to_end_s": statistics.median(walls),
        "build_s": statistics.median(builds),
        "solve_s": statistics.median(solves),
        "status": "/".join(sorted(statuses)),
        "objective": summary["objective"],
        "identical_plans": len(hashes) == 1,
        "variables": summary["model"]["variables"],
        "constraints": summary["model"]["constraints"],
    }


def _shipped(solver: cp_model.CpSolver) -> None:
    configure_solver(solver, TIME_LIMIT_S, seed=0, workers=1)


def _interleaved_two(solver: cp_model.CpSolver) -> None:
    configure_solver(solver, TIME_LIMIT_S, seed=0, workers=2)


def _default_portfolio_two(solver: cp_model.CpSolver) -> None:
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = TIME_LIMIT_S


CONFIGURATIONS: dict[str, Callable[[cp_model.CpSolver], None]] = {
    "1 worker max_lp (shipped)": _shipped,
    "2 workers interleaved (max_lp, default_lp)": _interleaved_two,
    "2 workers, CP-SAT default portfolio": _default_portfolio_two,
}


def configurations(runs: int) -> list[dict[str, object]]:
    scenario = load_scenario(ROOT / "scenarios/default.yaml")
    calendar = build_calendar(scenario)
    rows = []
    for name, configure in CONFIGURATIONS.items():
        times, gaps, statuses = [], [], set()
        for _ in range(runs):
            model = StagePlanModel(ModelData(scenario, calendar))
            solver = cp_model.CpSolver()
            configure(solver)
            status = solver.solve(model.model)
            times.append(solver.wall_time)
            gaps.append(_gap(solver.objective_value, solver.best_objective_bound))
            statuses.add(solver.status_name(status))
        rows.append(
            {
                "configuration": name,
                "solve_s": statistics.median(times),
                "gap": statistics.median(gaps),
                "status": "/".join(sorted(statuses)),
            }
        )
    return rows


def _gap(objective: float, bound: float) -> float:
    return abs(objective - bound) / max(1.0, abs(objective))


def render(e2e: list[dict[str, object]], configs: list[dict[str, object]], runs: int) -> str:
    shipped = _number(configs[0]["solve_s"])
    lines = [
        "# Performance",
        "",
        f"Measured by `benchmarks/solve_class.py` on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), Python "
        f"{platform.python_version()}, median of {runs} runs, all in one session. "
        "Re-run the script to refresh this page.",
        "",
        "## End to end: `stageplan solve` (process start to plan files written)",
        "",
        "| scenario | end to end (s) | model build (s) | CP-SAT solve (s) | status | "
        "objective | same plan every run | variables | constraints |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in e2e:
        lines.append(
            f"| {r['scenario']} | {r['end_to_end_s']:.2f} | {r['build_s']:.2f} | "
            f"{r['solve_s']:.2f} | {r['status']} | {r['objective']:g} | "
            f"{'yes' if r['identical_plans'] else 'NO'} | {r['variables']} | {r['constraints']} |"
        )
    lines += [
        "",
        "The target of issue 2 is the default class proven optimal in under 5 s end to end.",
        "End to end includes the Python start-up and imports (about 0.6 s), the calendar, "
        "the model build, the solve, the teachers' visits (R12, a second CP-SAT stage: "
        "see docs/visits.md), the independent validation and the writing of the files.",
        "",
        f"## CP-SAT configurations on the default class ({TIME_LIMIT_S:g} s limit)",
        "",
        "| configuration | solve (s) | ratio to shipped | gap at the end | status |",
        "|---|---|---|---|---|",
    ]
    for r in configs:
        ratio = _number(r["solve_s"]) / shipped
        lines.append(
            f"| {r['configuration']} | {r['solve_s']:.2f} | {ratio:.2f} | "
            f"{100 * _number(r['gap']):.2f} % | {r['status']} |"
        )
    lines += [
        "",
        "CP-SAT's default worker stalls on this model: its LP relaxation leaves out the rows "
        "that bound class synchronisation and host capacity, so its bound stays far below the "
        "optimum. The `max_lp` worker keeps them and closes the gap; alone it is also "
        "deterministic, which the free-running two-worker portfolio is not.",
        "",
    ]
    return "\n".join(lines)


def _number(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    e2e = [end_to_end(s, args.runs) for s in SCENARIOS]
    configs = configurations(max(3, args.runs // 2 + 1))
    text = render(e2e, configs, args.runs)
    (ROOT / "docs/performance.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
