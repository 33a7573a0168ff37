"""R12: the visits a plan owes, each with the dates and teachers it may take.

Plain data computed from a placed plan; both the CP-SAT visit model and the
by-hand baseline read it. Rules of the reading (docs/rules.md, R12):

* a period owes :func:`planner.counting.visits_required` visits;
* its ``n`` visits split its days in company into ``n`` consecutive parts,
  the k-th visit falls in the k-th part (a block's first visit in its first
  half, the second in its second half: a mid-course and an end visit);
* a visit is on a day the intern is in company and the teacher visits
  (his ``visit_days``); school-holiday dates are avoided (teachers are on
  holiday too) unless a part has no other date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from models import Calendar, Period, Plan, Scenario, Teacher

from ..counting import visits_required


@dataclass(frozen=True)
class VisitTask:
    """One visit to place.

    Attributes
    ----------
    student_id, period_id
        The intern and the period visited.
    number, of
        This is visit ``number`` of the ``of`` visits the period owes.
    host_id, town
        Where the intern is (``town`` groups visits of one day).
    dates
        Candidate dates, in order (days in company of the visit's part).
    teachers
        Teachers who may make it: the student's named referent, else the
        whole team (the planner then picks one referent per student).
    """

    student_id: str
    period_id: str
    number: int
    of: int
    host_id: str | None
    town: str
    dates: tuple[dt.date, ...]
    teachers: tuple[str, ...]

    @property
    def place(self) -> str:
        """Where the visit goes, as trips and towns are counted: its town,
        or its host when the town is unknown (then grouped with nothing)."""
        return self.town or f"host:{self.host_id}"

    def dates_for(self, teacher: Teacher) -> tuple[dt.date, ...]:
        """Candidate dates on which ``teacher`` visits."""
        weekdays = {day.number for day in teacher.visit_days}
        return tuple(d for d in self.dates if d.weekday() in weekdays)


def visit_tasks(scenario: Scenario, calendar: Calendar, plan: Plan) -> tuple[VisitTask, ...]:
    """Every visit the plan owes (R12), by period start then student.

    Empty when the scenario names no teacher (visits are then not planned).
    """
    if not scenario.teachers:
        return ()
    days_by_period: dict[str, list[dt.date]] = defaultdict(list)
    for day in plan.days:
        days_by_period[day.period_id].append(day.date)
    tasks = []
    teams: dict[str, tuple[str, ...]] = {}  # per class: computed once, not per period
    for period in sorted(plan.periods, key=lambda p: (p.start, p.student_id)):
        owed = visits_required(period, scenario.rules)
        student = scenario.student(period.student_id)
        if owed == 0 or student is None:
            continue
        if student.cohort not in teams:
            teams[student.cohort] = _team(scenario, student.cohort)
        teachers = (student.referent,) if student.referent else teams[student.cohort]
        dates = sorted(days_by_period[period.period_id])
        for number, part in enumerate(_parts(dates, owed), start=1):
            tasks.append(
                VisitTask(
                    student_id=period.student_id,
                    period_id=period.period_id,
                    number=number,
                    of=owed,
                    host_id=period.host_id,
                    town=town_of(scenario, period),
                    dates=_school_time_first(calendar, part),
                    teachers=teachers,
                )
            )
    return tuple(tasks)


def _team(scenario: Scenario, cohort: str) -> tuple[str, ...]:
    """Teachers who may follow a student of that class (R12)."""
    return tuple(
        t.id for t in scenario.teachers if t.max_visits_per_week > 0 and t.teaches(cohort)
    )


def town_of(scenario: Scenario, period: Period) -> str:
    """The town of the period's host ("" when unknown or still to find)."""
    host = scenario.host(period.host_id)
    return host.town if host is not None else ""


def _parts(dates: list[dt.date], count: int) -> list[list[dt.date]]:
    """``dates`` cut into ``count`` consecutive parts of near-equal length."""
    size, extra = divmod(len(dates), count)
    parts, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        parts.append(dates[start:end])
        start = end
    return parts


def _school_time_first(calendar: Calendar, dates: list[dt.date]) -> tuple[dt.date, ...]:
    """The part's dates outside school holidays, or all of them if none is."""
    school_time = [d for d in dates if not calendar.day(d).school_holidays]
    return tuple(school_time or dates)
