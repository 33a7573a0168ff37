"""Benchmark: what a plan costs after the search (issue 6, at scale).

Run: ``.venv/bin/python benchmarks/post_solve.py [--sizes 350 3500]
[--runs 3] [--reference COMMIT]``. Writes ``docs/post-solve.md``. Not a
test.

The search is only part of what a teacher waits for: once a plan is found,
its periods are counted, the teachers' visits planned (R12), the whole
checked by the independent validator, its figures computed, its files
written, and the workbook and calendars exported. This script times each of
those stages on the same plan of a generated instance
(``instances.generate(size, 0)``), in fresh processes, for two versions of
the code side by side in one run: the working tree's committed HEAD and a
reference commit (both as ``git archive`` snapshots, so that uncommitted
work is left out). The plan's days are found once, by the HEAD's
``solve()`` with a short limit, and handed to every run, so that both
versions time the same plan.

Figures: seconds per stage, median of ``--runs`` runs, and the ratio
HEAD / reference (below 1 is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import snapshot

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "post-solve.md"
#: The commit before the plan and the exports were indexed per student.
DEFAULT_REFERENCE = "bfe5982"
#: The short limit of the solve that finds the timed plan (a plan, not the best).
PLAN_LIMIT_S = 2.0
#: Stages in the order a solve runs them; (name, what it does).
STAGES: tuple[tuple[str, str], ...] = (
    ("periods", "days to periods (`build_plan`)"),
    ("visits", "teachers' visits, R12 (`plan_visits`)"),
    ("validate", "independent validator (`validate_plan`)"),
    ("kpis", "figures of `summary.json` (`plan_kpis`)"),
    ("explain", "« Pourquoi ce plan » (`objective_breakdown`)"),
    ("write", "the five plan files (`write_plan`)"),
    ("export", "workbook and every calendar (`export_plan_dir`)"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[350, 3500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reference", default=DEFAULT_REFERENCE)
    parser.add_argument("--child", help=argparse.SUPPRESS)  # a plan file: time its stages
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(time_stages(Path(args.child))))
        return 0
    results: dict[int, dict[str, list[dict[str, float]]]] = {}
    with snapshot() as (head_tree, head), snapshot(args.reference) as (reference_tree, reference):
        for size in args.sizes:
            with tempfile.TemporaryDirectory(prefix="stageplan-post-") as tmp:
                plan_file = Path(tmp) / "plan.pickle"
                _find_plan(size, plan_file, head_tree)
                results[size] = {"reference": [], "head": []}
                for run in range(args.runs):
                    # Alternated, so that a slower stretch of the machine
                    # weighs on both versions alike.
                    for version, tree in (("reference", reference_tree), ("head", head_tree)):
                        timings = _child(plan_file, tree)
                        results[size][version].append(timings)
                        print(f"{size} run {run} {version}: {timings}", flush=True)
    DOC.write_text(render(results, head, reference, args.runs), encoding="utf-8")
    print(f"written: {DOC.relative_to(ROOT)}")
    return 0


def time_stages(plan_file: Path) -> dict[str, float]:
    """Each stage's wall time on the plan of ``plan_file`` (in this process,
    on whichever ``models`` and ``planner`` it imports)."""
    from planner.calendar import build_calendar
    from planner.counting import build_plan
    from planner.explain import objective_breakdown
    from planner.exports import export_plan_dir
    from planner.kpis import plan_kpis
    from planner.plan_io import write_plan
    from planner.validate import validate_plan
    from planner.visits import plan_visits

    size, dates, info = pickle.loads(plan_file.read_bytes())
    scenario = _instance(size)
    calendar = build_calendar(scenario)
    timings: dict[str, float] = {}

    def timed(stage: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        done = work()
        timings[stage] = round(time.perf_counter() - started, 3)
        return done

    placed = timed("periods", lambda: build_plan(scenario, calendar, dates))
    visits = timed(
        "visits",
        lambda: plan_visits(
            scenario, calendar, placed, time_limit_s=info["limit"], seed=0, threads=2
        ),
    )
    plan = visits.plan
    verdict = timed("validate", lambda: validate_plan(scenario, calendar, plan))
    if not verdict.ok:
        raise SystemExit(f"the plan of {size} students is not valid: {verdict}")
    kpis = timed("kpis", lambda: plan_kpis(scenario, calendar, plan, verdict))
    timed("explain", lambda: objective_breakdown(scenario, calendar, plan))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "plan"
        summary = {"status": "FEASIBLE", "seed": 0, "workers": 2, "kpis": kpis}
        timed("write", lambda: write_plan(out, scenario, calendar, plan, verdict, summary))
        timed("export", lambda: export_plan_dir(out))
    return timings


def _instance(size: int) -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from instances import generate

    return generate(size, 0)


def _find_plan(size: int, plan_file: Path, tree: Path) -> None:
    """The days of a plan of ``size`` students, by ``tree``'s ``solve()``."""
    code = (
        "import pickle, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        "from instances import generate\n"
        "from planner.solve import SolveSettings, solve\n"
        f"found = solve(generate({size}, 0), SolveSettings({PLAN_LIMIT_S}, 0, 2))\n"
        "assert found.plan is not None, found.status\n"
        "dates = {}\n"
        "for day in found.plan.days:\n"
        "    dates.setdefault(day.student_id, []).append(day.date)\n"
        f"info = {{'limit': {PLAN_LIMIT_S}}}\n"
        f"open({str(plan_file)!r}, 'wb').write(pickle.dumps(({size}, dates, info)))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=_env(tree), check=True)


def _child(plan_file: Path, tree: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(plan_file)],
        env=_env(tree),
        capture_output=True,
        text=True,
        check=True,
    )
    timings: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return timings


def _env(tree: Path) -> dict[str, str]:
    # PYTHONPATH comes before the editable install of stageplan.
    return {**os.environ, "PYTHONPATH": str(tree)}


def render(
    results: dict[int, dict[str, list[dict[str, float]]]], head: str, reference: str, runs: int
) -> str:
    """The page: one table per size, a row per stage and the total."""
    from importlib.metadata import version

    lines = [
        "# After the search: what a plan costs at scale",
        "",
        "Measured by `benchmarks/post_solve.py` (see its docstring); not a test. "
        "Each stage of what follows the search (periods, visits, validation, figures, "
        "explanation, plan files, export of the workbook and of every calendar) is "
        "timed on one plan of a generated instance (`instances.generate(size, 0)`, "
        f"found by `solve()` with a {PLAN_LIMIT_S:g} s limit), in fresh processes, for "
        f"the commit `{head}` (HEAD) and the reference `{reference}` side by side in "
        f"one run, alternated run by run. Seconds of wall time, median of {runs} runs; "
        "ratio = HEAD / reference (below 1 is faster).",
        "",
        f"Machine: {os.cpu_count()} cores ({platform.machine()}), Python "
        f"{platform.python_version()}, OR-Tools {version('ortools')}; run "
        f"{time.strftime('%Y-%m-%dT%H:%M:%S')}.",
        "",
    ]
    for size, by_version in results.items():
        lines += [
            f"## {size} students",
            "",
            f"| stage | what | `{reference}` (s) | `{head}` (s) | ratio |",
            "|---|---|---|---|---|",
        ]
        totals = {v: [sum(run.values()) for run in runs_] for v, runs_ in by_version.items()}
        for stage, what in STAGES:
            before = statistics.median(run[stage] for run in by_version["reference"])
            after = statistics.median(run[stage] for run in by_version["head"])
            lines.append(
                f"| {stage} | {what} | {before:.2f} | {after:.2f} | {_ratio(after, before)} |"
            )
        before, after = (statistics.median(totals[v]) for v in ("reference", "head"))
        lines += [f"| **total** | | {before:.2f} | {after:.2f} | {_ratio(after, before)} |", ""]
    return "\n".join(lines)


def _ratio(after: float, before: float) -> str:
    return f"{after / before:.2f}" if before > 0 else "—"


if __name__ == "__main__":
    sys.exit(main())
