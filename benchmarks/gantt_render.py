"""Benchmark: the class Gantt of a large class, built and rendered in Chromium.

Run: ``.venv/bin/python benchmarks/gantt_render.py [--students 200] [--runs 5]``.
Writes ``docs/dashboard-performance.md``. Not a test.

The class is the bundled default class copied until it has the wanted
number of students; each copy gets the solved plan of its original (one
solve, no re-solve), so the chart has a realistic mix of periods. The
figure is built by ``dashboard.charts.class_gantt`` and rendered from its
HTML (plotly.js inline, nothing downloaded) in Debian's Chromium; the time
is from loading the page to the plot drawn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from dashboard.charts import class_gantt
from dashboard.export_figures import CHROMIUM_ARGS, SYSTEM_CHROMIUM, gantt_html
from models import Calendar, Plan, Scenario, Student, load_scenario
from planner.counting import build_plan
from planner.solve import solve

ROOT = Path(__file__).resolve().parent.parent
_PLOT_DRAWN = (
    "() => { const g = document.querySelector('.js-plotly-plot');"
    " return !!(g && g._fullLayout && g.querySelector('.cartesianlayer .bars, .barlayer')); }"
)


def large_class(students: int) -> tuple[Scenario, Plan, Calendar]:
    """The default class copied to ``students`` students, with its solved plan."""
    base = load_scenario(ROOT / "scenarios/default.yaml")
    result = solve(base)
    assert result.plan is not None
    copies: list[Student] = []
    dates: dict[str, set[dt.date]] = {}
    index = 0
    while len(copies) < students:
        for student in base.students:
            if len(copies) == students:
                break
            new_id = f"{student.id}-{index}"
            copies.append(
                student.model_copy(update={"id": new_id, "name": f"{student.name} {index}"})
            )
            dates[new_id] = result.plan.dates_of(student.id)
        index += 1
    scenario = base.model_copy(update={"students": tuple(copies)})
    plan = build_plan(scenario, result.calendar, dates)
    return scenario, plan, result.calendar


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scenario, plan, calendar = large_class(args.students)
    builds, renders = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        figure = class_gantt(plan, scenario, calendar)
        html = gantt_html(figure)
        builds.append(time.perf_counter() - started)
        renders.append(_render_seconds(html))
    rows = len(figure.layout.yaxis.categoryarray or ()) or "?"
    text = "\n".join(
        [
            "# Dashboard performance",
            "",
            f"Measured by `benchmarks/gantt_render.py` on {os.cpu_count()} cores, "
            f"median of {args.runs} runs in one session.",
            "",
            f"Class Gantt of {args.students} students ({rows} rows, "
            f"{len(figure.data)} traces, {len(figure.layout.shapes)} shapes):",
            "",
            "| step | median (s) | slowest (s) |",
            "|---|---|---|",
            f"| build the figure and its HTML (Python) | {statistics.median(builds):.2f} "
            f"| {max(builds):.2f} |",
            f"| render in Chromium (page load to plot drawn) | {statistics.median(renders):.2f} "
            f"| {max(renders):.2f} |",
            "",
            "Target (issue 3): a class of 200 students renders in under 3 s in the browser.",
            "",
        ]
    )
    (ROOT / "docs/dashboard-performance.md").write_text(text, encoding="utf-8")
    print(text)


def _render_seconds(html: str) -> float:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=SYSTEM_CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            started = time.perf_counter()
            page.set_content(html, wait_until="domcontentloaded")
            page.wait_for_function(_PLOT_DRAWN, timeout=60_000)
            return time.perf_counter() - started
        finally:
            browser.close()


if __name__ == "__main__":
    main()
