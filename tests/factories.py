"""Small scenario builders for the solver tests.

The calendar needs the real zone A data, so every scenario keeps the real
training (2026-09-01 → 2028-06-30) and blocks (R7) everything but a few
``open`` ranges: the model then has a handful of week variables and solves
in a fraction of a second.

Zone A weeks used by the tests (Mondays), for reference:

* ``B``: 2027-01-04 … 2027-02-08, 6 teaching weeks;
* winter holidays: 2027-02-15, 2027-02-22;
* ``C``: 2027-03-01 … 2027-04-05, 6 teaching weeks (Easter Monday 2027-03-29);
* spring holidays: 2027-04-12, 2027-04-19;
* ``D``: 2027-05-10 … 2027-06-21, 7 teaching weeks (Whit Monday 2027-05-17);
* summer 2027: 2027-07-03 → 2027-08-31 (full weeks 2027-07-05 … 2027-08-23).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from models import Calendar, Scenario, scenario_from_dict
from planner.calendar import build_calendar
from planner.counting import build_plan, tally
from planner.solve import SolveResult, SolveSettings, solve
from planner.validate import Verdict, validate_plan

D = dt.date
WEEK = dt.timedelta(days=7)
DAY = dt.timedelta(days=1)
FIRST = D(2026, 9, 1)
LAST = D(2028, 6, 30)
SETTINGS = SolveSettings(time_limit_s=20, seed=0, workers=2)

Span = tuple[dt.date, dt.date]


def mondays(first: dt.date, n: int) -> list[dt.date]:
    """``n`` consecutive Mondays from ``first`` (a Monday)."""
    assert first.weekday() == 0, first
    return [first + i * WEEK for i in range(n)]


def span(first_monday: dt.date, n: int) -> Span:
    """The Monday of the first week to the Friday of the ``n``-th week."""
    return (first_monday, first_monday + (n - 1) * WEEK + 4 * DAY)


B = span(D(2027, 1, 4), 6)
WINTER = span(D(2027, 2, 15), 2)
C = span(D(2027, 3, 1), 6)
SPRING = span(D(2027, 4, 12), 2)
D_ = span(D(2027, 5, 10), 7)
SUMMER_WEEKS = mondays(D(2027, 7, 5), 8)
EVERYTHING = (FIRST, LAST)  # nothing blocked


def weeks_of(spans: Iterable[Span]) -> list[dt.date]:
    """Mondays of every week of the given Monday-to-Friday spans."""
    found: list[dt.date] = []
    for first, last in spans:
        found.extend(mondays(first, (last - first).days // 7 + 1))
    return found


def blocked_except(open_ranges: Iterable[Span]) -> list[dict[str, Any]]:
    """R7 blocked ranges covering the whole training but ``open_ranges``."""
    blocked = []
    cursor = FIRST
    for start, end in sorted(open_ranges):
        if start > cursor:
            blocked.append(_range(cursor, start - DAY, "fermé (test)"))
        cursor = max(cursor, end + DAY)
    if cursor <= LAST:
        blocked.append(_range(cursor, LAST, "fermé (test)"))
    return blocked


def _range(start: dt.date, end: dt.date, label: str = "") -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat(), "label": label}


def student(sid: str, **fields: Any) -> dict[str, Any]:
    """A student dict; the name is derived from the id."""
    return {"id": sid, "name": f"Élève {sid}", **fields}


def host(hid: str, **fields: Any) -> dict[str, Any]:
    return {"id": hid, "name": f"Entreprise {hid}", **fields}


def mission(
    mid: str,
    start: dt.date,
    end: dt.date,
    days: int,
    weekdays: Sequence[str] = ("mardi", "jeudi"),
    max_per_week: int = 1,
    **fields: Any,
) -> dict[str, Any]:
    return {
        "id": mid,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": days,
        "weekdays": list(weekdays),
        "max_per_week": max_per_week,
        **fields,
    }


def raw_scenario(
    students: Sequence[Mapping[str, Any]],
    *,
    open_ranges: Iterable[Span] = (B, C, D_),
    extra_blocked: Iterable[Span] = (),
    hosts: Sequence[Mapping[str, Any]] = (),
    missions: Sequence[Mapping[str, Any]] = (),
    preferred: Iterable[tuple[Span, int]] = (),
    rules: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A scenario dict whose only open dates are ``open_ranges``."""
    blocked = blocked_except(open_ranges)
    blocked += [_range(s, e, "bloqué (test)") for s, e in extra_blocked]
    raw: dict[str, Any] = {
        "name": "test",
        "training": {"first_date": FIRST.isoformat(), "last_date": LAST.isoformat(), "zone": "A"},
        "progression": {
            "blocked": blocked,
            "preferred": [{**_range(s, e, "préférée"), "weight": w} for (s, e), w in preferred],
            "missions": [dict(m) for m in missions],
        },
        "students": [dict(s) for s in students],
        "hosts": [dict(h) for h in hosts],
    }
    if rules:
        raw["rules"] = dict(rules)
    if weights:
        raw["weights"] = dict(weights)
    return raw


def scenario(students: Sequence[Mapping[str, Any]], **options: Any) -> Scenario:
    return scenario_from_dict(raw_scenario(students, **options))


def run(scn: Scenario) -> SolveResult:
    """Solve with the suite's fixed settings."""
    return solve(scn, SETTINGS)


def dates_of_weeks(calendar: Calendar, weeks: Iterable[dt.date]) -> list[dt.date]:
    """Every working day of the given weeks."""
    return [d.date for monday in weeks for d in calendar.weeks[monday]]


def check(scn: Scenario, dates: Mapping[str, Iterable[dt.date]]) -> Verdict:
    """Validate a hand-made plan (days per student)."""
    calendar = build_calendar(scn)
    return validate_plan(scn, calendar, build_plan(scn, calendar, dates))


def rules_of(verdict: Verdict) -> list[tuple[str | None, str]]:
    """(student, rule) of every violation, in the verdict's order."""
    return [(v.student_id, v.rule) for v in verdict.violations]


def full_weeks_of(result: SolveResult, sid: str) -> tuple[dt.date, ...]:
    assert result.plan is not None
    return tally(result.calendar, result.plan.dates_of(sid)).full_weeks


def summer_weeks_in(weeks: Iterable[dt.date]) -> list[dt.date]:
    return [m for m in weeks if m in SUMMER_WEEKS]
