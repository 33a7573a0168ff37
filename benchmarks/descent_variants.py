"""Side by side, in one run: what each part of the class-by-class search
(planner/by_class.py) brings on a school (issue 6).

Variants, on the same generated school and the same deterministic budget
(every solve is a one-worker solve under a deterministic limit, so the
objectives and bounds below do not depend on the machine's load; the wall
times do):

- ``singles``: the descent re-solves one class at a time (the earlier
  block descent), no bound lane (bound: each class alone);
- ``singles+pairs``: pairs of classes sharing a crowded host too, no bound
  lane;
- ``full-first-round``: the shipped search, but the descent's first round
  takes the full step (as before the short first round);
- ``max_lp-lane``: the shipped search, but the bound lane's whole school
  runs on ``max_lp`` (as before ``lb_tree_search``);
- ``shipped``: pairs, the bound lane (the whole school on
  ``lb_tree_search`` in a second thread) and a first round of short steps.

Variants patch the search as it is now: a section written before a change
to the shipped search compares what was shipped then (a line under its
title says so).

Each variant's plan is also read at 20, 40 and 60 s of deterministic time
(both lanes counted): the anytime behaviour, free of the machine's load.

Writes its section of ``docs/benchmarks-variants.md`` (one section per
set of variants and instances; the others are kept). Run
``.venv/bin/python benchmarks/descent_variants.py [--students 350] [--limit 60]
[--instances 0 1 2] [--variants full-first-round shipped]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from instances import generate

import planner.by_class as by_class
from models import Scenario
from planner.calendar import build_calendar
from planner.formulation import ModelResult

OUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks-variants.md"


@contextmanager
def variant(name: str) -> Iterator[None]:
    """Patch the search into one of the variants for the body's duration."""
    pairs_of = by_class._coupled_pairs
    search = by_class._BoundLane._search
    first_step = by_class._FIRST_ROUND_STEP_S
    bound_only = by_class._LANE_BOUND_ONLY
    if name == "max_lp-lane":
        by_class._LANE_BOUND_ONLY = False
    if name == "singles":
        by_class._coupled_pairs = lambda subs, shared: []
    if name in ("singles", "singles+pairs"):
        by_class._BoundLane._search = _relaxation_only  # type: ignore[method-assign]
    if name == "full-first-round":
        by_class._FIRST_ROUND_STEP_S = float("inf")
    try:
        yield
    finally:
        by_class._coupled_pairs = pairs_of
        by_class._BoundLane._search = search  # type: ignore[method-assign]
        by_class._FIRST_ROUND_STEP_S = first_step
        by_class._LANE_BOUND_ONLY = bound_only


def _relaxation_only(self: Any) -> None:
    relaxed = self.school.relaxed(self.budget, self.stop)
    self.outcome = by_class._LaneOutcome(relaxed or 0.0, None)


#: Deterministic seconds (both lanes) at which the plan is read.
READINGS = (20.0, 40.0, 60.0)


@contextmanager
def plans_by_deterministic_time(trace: list[tuple[float, float]]) -> Iterator[None]:
    """Record (deterministic time spent, plan cost) at each better plan."""
    shown = by_class._Shown.plan

    def plan(self: Any, current: Sequence[ModelResult]) -> None:
        trace.append((self.school.spent, by_class.total(current)))
        shown(self, current)

    by_class._Shown.plan = plan  # type: ignore[method-assign]
    try:
        yield
    finally:
        by_class._Shown.plan = shown  # type: ignore[method-assign]


def reading(trace: list[tuple[float, float]], at: float) -> float | None:
    """The plan's cost once ``at`` deterministic seconds were spent."""
    seen = [cost for spent, cost in trace if spent <= at]
    return seen[-1] if seen else None


def run(scenario: Scenario, name: str, limit: float, instance: int) -> dict[str, Any]:
    calendar = build_calendar(scenario)
    trace: list[tuple[float, float]] = []
    by_det: list[tuple[float, float]] = []
    started = time.perf_counter()
    with variant(name), plans_by_deterministic_time(by_det):
        found = by_class.solve_by_class(
            scenario,
            calendar,
            time_limit_s=limit,
            seed=0,
            workers=2,
            on_progress=lambda p: trace.append((time.perf_counter() - started, p.objective)),
        )
    assert isinstance(found, ModelResult) and found.objective is not None
    return {
        "variant": name,
        "instance": instance,
        "readings": [reading(by_det, at) for at in READINGS],
        "first": trace[0][1] if trace else None,
        "objective": found.objective,
        "bound": found.bound or 0.0,
        "det": found.deterministic_time,
        "wall": time.perf_counter() - started,
    }


def report(
    rows: Sequence[dict[str, Any]], students: int, limit: float, instances: Sequence[int]
) -> str:
    """One section: a row per instance and variant, ratios to the instance's
    first variant, then the means over instances."""
    names = list(dict.fromkeys(row["variant"] for row in rows))
    base = {row["instance"]: row for row in rows if row["variant"] == names[0]}
    readings = " | ".join(f"plan at {at:g} s" for at in READINGS)
    lines = [
        f"## {', '.join(f'`{n}`' for n in names)} on instance seeds "
        f"{', '.join(map(str, instances))}",
        "",
        f"Written by `benchmarks/descent_variants.py` on {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} cores, one run: generated schools of {students} students "
        f"(`benchmarks/instances.py`), solver seed 0, 2 workers, limit {limit:g} s of "
        "deterministic time per worker; *plan at N s*: the plan's cost once N s of "
        "deterministic time were spent (both lanes; a lane whose worker spends "
        "deterministic time faster leaves the descent less of it at the same reading). "
        "Ratios are to the first variant on the same instance.",
        "",
        f"| instance | variant | first plan | {readings} | objective | ratio | bound | "
        "gap | det. time (s) | wall (s) |",
        "|---|---|---|" + "---|" * len(READINGS) + "---|---|---|---|---|---|",
    ]
    for row in rows:
        gap = (row["objective"] - row["bound"]) / row["objective"]
        ratio = row["objective"] / base[row["instance"]]["objective"]
        read = " | ".join("—" if r is None else f"{r:.0f}" for r in row["readings"])
        lines.append(
            f"| {row['instance']} | `{row['variant']}` | {row['first']:.0f} | {read} | "
            f"{row['objective']:.0f} | {ratio:.3f} | {row['bound']:.0f} | {100 * gap:.2f} % | "
            f"{row['det']:.1f} | {row['wall']:.1f} |"
        )
    lines += ["", "Means over the instances, ratio to the first variant:", ""]
    lines += ["| variant | " + readings + " | objective |", "|---|" + "---|" * (len(READINGS) + 1)]
    for name in names:
        ratios = []
        for key in range(len(READINGS) + 1):
            pairs = [
                (_value(row, key), _value(base[row["instance"]], key))
                for row in rows
                if row["variant"] == name
            ]
            kept = [v / b for v, b in pairs if v is not None and b is not None]
            ratios.append(f"{sum(kept) / len(kept):.3f}" if kept else "—")
        lines.append(f"| `{name}` | " + " | ".join(ratios) + " |")
    return "\n".join(lines) + "\n"


def _value(row: dict[str, Any], key: int) -> float | None:
    value: float | None = row["readings"][key] if key < len(READINGS) else row["objective"]
    return value


TITLE = "# Class-by-class search: variants side by side\n"


def write_section(section: str, key: str, path: Path = OUT) -> str:
    """Replace the section marked ``key`` in ``path`` (or add it), keep the rest."""
    begin, end = f"<!-- variants {key} -->\n", f"<!-- end variants {key} -->\n"
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE
    block = begin + "\n" + section + "\n" + end
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")
    return text


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=350)
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--instances", type=int, nargs="+", default=[0])
    parser.add_argument(
        "--variants",
        nargs="+",
        default=["singles", "singles+pairs", "full-first-round", "shipped"],
    )
    args = parser.parse_args(argv)
    rows = []
    for instance in args.instances:
        scenario = generate(args.students, instance)
        for name in args.variants:
            rows.append(run(scenario, name, args.limit, instance))
            print(_one_line(rows[-1]), flush=True)
    section = report(rows, args.students, args.limit, args.instances)
    key = f"{args.students} {' '.join(args.variants)} / {' '.join(map(str, args.instances))}"
    write_section(section, key)
    print(section)


def _one_line(row: dict[str, Any]) -> str:
    return (
        f"instance {row['instance']} {row['variant']}: readings {row['readings']}, "
        f"objective {row['objective']:.0f}, bound {row['bound']:.0f}, wall {row['wall']:.0f} s"
    )


if __name__ == "__main__":
    main()
