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
- ``shipped``: pairs and the bound lane (the whole school on ``max_lp`` in
  a second thread).

Writes ``docs/benchmarks-variants.md``. Run
``.venv/bin/python benchmarks/descent_variants.py [--students 350] [--limit 60]``.
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
    if name == "singles":
        by_class._coupled_pairs = lambda subs, shared: []
    if name in ("singles", "singles+pairs"):
        by_class._BoundLane._search = _relaxation_only  # type: ignore[method-assign]
    try:
        yield
    finally:
        by_class._coupled_pairs = pairs_of
        by_class._BoundLane._search = search  # type: ignore[method-assign]


def _relaxation_only(self: Any) -> None:
    relaxed, _ = self.school.relaxed(self.budget / (4 * len(self.school.subs)), self.stop)
    self.outcome = by_class._LaneOutcome(relaxed or 0.0, None)


def run(scenario: Scenario, name: str, limit: float) -> dict[str, Any]:
    calendar = build_calendar(scenario)
    trace: list[tuple[float, float]] = []
    started = time.perf_counter()
    with variant(name):
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
        "first": trace[0][1] if trace else None,
        "objective": found.objective,
        "bound": found.bound or 0.0,
        "det": found.deterministic_time,
        "wall": time.perf_counter() - started,
    }


def report(rows: Sequence[dict[str, Any]], students: int, limit: float) -> str:
    base = rows[0]
    lines = [
        "# Class-by-class search: variants side by side",
        "",
        f"Written by `benchmarks/descent_variants.py` on {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} cores, one run: the generated school of {students} students "
        f"(instance seed 0, `benchmarks/instances.py`), solver seed 0, 2 workers, limit "
        f"{limit:g} s of deterministic time per worker. Objectives and bounds are "
        "reproducible (deterministic budget); wall times depend on the machine's load.",
        "",
        "| variant | first plan | objective | ratio | bound | ratio | gap | det. time (s) "
        "| wall (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        gap = (row["objective"] - row["bound"]) / row["objective"]
        lines.append(
            f"| `{row['variant']}` | {row['first']:.0f} | {row['objective']:.0f} | "
            f"{row['objective'] / base['objective']:.3f} | {row['bound']:.0f} | "
            f"{row['bound'] / base['bound']:.3f} | {100 * gap:.2f} % | {row['det']:.1f} | "
            f"{row['wall']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=350)
    parser.add_argument("--limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    scenario = generate(args.students, 0)
    rows = [run(scenario, name, args.limit) for name in ("singles", "singles+pairs", "shipped")]
    text = report(rows, args.students, args.limit)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
