"""Figures a teaching team compares plans on, computed from the plan itself
(not from the solver), so that hand-edited plans get them too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import Calendar, DayKind, PeriodKind, Plan, Scenario, monday_of, requirement_of

from .counting import full_weeks
from .validate import Verdict


def plan_kpis(
    scenario: Scenario, calendar: Calendar, plan: Plan, verdict: Verdict
) -> dict[str, Any]:
    """KPIs of ``summary.json`` (and of the dashboard's comparison table)."""
    dates = {s.id: plan.dates_of(s.id) for s in scenario.students}
    owing = [s for s in scenario.students if requirement_of(s, scenario.rules).required_weeks > 0]
    teaching_days = sum(
        1 for s in owing for d in dates[s.id] if calendar.day(d).kind is DayKind.TEACHING
    )
    return {
        "students": len(scenario.students),
        "students_owing_internship": len(owing),
        "students_exempt": len(scenario.students) - len(owing),
        "students_ok": sum(c.ok for c in verdict.students),
        "split_teaching_weeks": _split_weeks(scenario, calendar, dates),
        "teaching_weeks_lost_per_student": round(teaching_days / 5 / max(1, len(owing)), 2),
        "holiday_days": sum(c.holiday_days for c in verdict.students),
        "periods_of_weeks": sum(
            1 for p in plan.periods if p.kind in (PeriodKind.BLOCK, PeriodKind.PERIOD)
        ),
        "single_day_periods": sum(
            1 for p in plan.periods if p.kind in (PeriodKind.DAYS, PeriodKind.MISSIONS)
        ),
    }


def _split_weeks(scenario: Scenario, calendar: Calendar, dates: dict[str, set[dt.date]]) -> int:
    """Teaching weeks in which some of the class is in company for the
    whole week and some is not."""
    return len(split_teaching_weeks(scenario, calendar, dates))


def split_teaching_weeks(
    scenario: Scenario, calendar: Calendar, dates: dict[str, set[dt.date]]
) -> tuple[dt.date, ...]:
    """Mondays of the teaching weeks in which some of the class is in
    company for the whole week and some is not (days in company by student)."""
    needing = [s for s in scenario.students if requirement_of(s, scenario.rules).needs_block]
    out = {s.id: set(full_weeks(calendar, dates[s.id])) for s in needing}
    split: list[dt.date] = []
    for monday, days in calendar.weeks.items():
        if not any(d.kind is DayKind.TEACHING for d in days):
            continue
        # A student belongs to the class from the week he arrives in.
        present = [
            s for s in needing if s.earliest_start is None or monday_of(s.earliest_start) <= monday
        ]
        flags = {monday in out[s.id] for s in present}
        if flags == {True, False}:
            split.append(monday)
    return tuple(split)
