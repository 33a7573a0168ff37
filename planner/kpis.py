"""Figures a teaching team compares plans on, computed from the plan itself
(not from the solver), so that hand-edited plans get them too."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from models import (
    Calendar,
    DayKind,
    PeriodKind,
    Plan,
    Scenario,
    Student,
    monday_of,
    requirement_of,
)

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
        **visit_kpis(scenario, plan),
    }


def visit_kpis(scenario: Scenario, plan: Plan) -> dict[str, Any]:
    """R12 figures of the teachers' visits: weekly load, balance, trips.

    The weekly mean is over teacher-weeks with at least one visit (the
    weeks a teacher actually goes out).
    """
    if not scenario.teachers:
        return {}
    weekly = Counter((v.teacher_id, monday_of(v.date)) for v in plan.visits)
    per_teacher = Counter({t.id: 0 for t in scenario.teachers})
    per_teacher.update(v.teacher_id for v in plan.visits)
    trips = {(v.teacher_id, v.date, v.town or v.host_id) for v in plan.visits}
    return {
        "visits": len(plan.visits),
        "visits_max_per_teacher_week": max(weekly.values(), default=0),
        "visits_mean_per_teacher_week": round(sum(weekly.values()) / max(1, len(weekly)), 2),
        "visits_max_per_teacher": max(per_teacher.values(), default=0),
        "visits_min_per_teacher": min(per_teacher.values(), default=0),
        "visit_trips": len(trips),
    }


def _split_weeks(scenario: Scenario, calendar: Calendar, dates: dict[str, set[dt.date]]) -> int:
    """Teaching weeks in which some of the class is in company for the
    whole week and some is not."""
    return len(split_teaching_weeks(scenario, calendar, dates))


def split_teaching_weeks(
    scenario: Scenario, calendar: Calendar, dates: dict[str, set[dt.date]]
) -> tuple[dt.date, ...]:
    """Mondays of the teaching weeks in which some of a class is in company
    for the whole week and some is not (days in company by student).

    Classes are the students' cohorts: a Monday appears once per class it
    splits (the ``sync`` term of the objective counts the same).
    """
    by_class = split_weeks_by_class(scenario, calendar, dates)
    return tuple(sorted(m for mondays in by_class.values() for m in mondays))


def split_weeks_by_class(
    scenario: Scenario, calendar: Calendar, dates: dict[str, set[dt.date]]
) -> dict[str, tuple[dt.date, ...]]:
    """:func:`split_teaching_weeks` per class (cohort), in the order of the
    classes' first students (an empty tuple for a class never split)."""
    needing = [s for s in scenario.students if requirement_of(s, scenario.rules).needs_block]
    out = {s.id: set(full_weeks(calendar, dates[s.id])) for s in needing}
    cohorts: dict[str, list[Student]] = {}
    for student in needing:
        cohorts.setdefault(student.cohort, []).append(student)
    teaching = [
        monday
        for monday, days in calendar.weeks.items()
        if any(d.kind is DayKind.TEACHING for d in days)
    ]
    split: dict[str, tuple[dt.date, ...]] = {}
    for cohort, members in cohorts.items():
        # A student belongs to the class from the week he arrives in.
        mondays = tuple(
            monday
            for monday in teaching
            if {
                monday in out[s.id]
                for s in members
                if s.earliest_start is None or monday_of(s.earliest_start) <= monday
            }
            == {True, False}
        )
        split[cohort] = mondays
    return split
