"""R12 in the independent validator: the teachers' visits of a plan.

Like :mod:`planner.validate`, it reads the scenario, the calendar and the
plan's days and visits, never the visit model: it imports neither
:mod:`planner.visits` nor OR-Tools. Periods are rebuilt from the days
(:func:`planner.counting.build_plan`), not read from the plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from models import Calendar, Period, Plan, Scenario, Visit, monday_of

from .counting import build_plan, visits_required


def visit_faults(
    scenario: Scenario, calendar: Calendar, plan: Plan
) -> list[tuple[str | None, str, float]]:
    """R12 faults as ``(student_id or None, French message, amount)``.

    Nothing is checked when the scenario names no teacher: visits are then
    not planned (the dashboard and ``check`` say so).
    """
    if not scenario.teachers:
        return []
    dates: dict[str, set[dt.date]] = defaultdict(set)
    for day in plan.days:
        dates[day.student_id].add(day.date)
    periods = build_plan(scenario, calendar, dates).periods
    return [
        *_each_visit(scenario, plan, dates),
        *_owed(scenario, plan, periods),
        *_referents(scenario, plan),
        *_weekly_load(scenario, plan.visits),
    ]


def _each_visit(
    scenario: Scenario, plan: Plan, dates: dict[str, set[dt.date]]
) -> Iterable[tuple[str | None, str, float]]:
    teachers = {t.id: t for t in scenario.teachers}
    period_of = {(d.student_id, d.date): d.period_id for d in plan.days}
    names = {s.id: s.name for s in scenario.students}
    for visit in plan.visits:
        who = f"{names.get(visit.student_id, visit.student_id)}, visite du {visit.date:%d/%m/%Y}"
        teacher = teachers.get(visit.teacher_id)
        if teacher is None:
            yield visit.student_id, f"{who} : enseignant inconnu « {visit.teacher_id} »", 1
        elif visit.date.weekday() not in {d.number for d in teacher.visit_days}:
            yield (
                visit.student_id,
                f"{who} : {teacher.name} ne fait pas de visite ce jour de la semaine",
                1,
            )
        if visit.date not in dates.get(visit.student_id, set()):
            yield visit.student_id, f"{who} : l'élève n'est pas en entreprise ce jour-là", 1
        elif period_of[visit.student_id, visit.date] != visit.period_id:
            yield (
                visit.student_id,
                f"{who} : la date n'est pas dans la période {visit.period_id}",
                1,
            )


def _owed(
    scenario: Scenario, plan: Plan, periods: Iterable[Period]
) -> Iterable[tuple[str | None, str, float]]:
    """Each period gets its visits (counted by date inside it)."""
    names = {s.id: s.name for s in scenario.students}
    for period in periods:
        owed = visits_required(period, scenario.rules)
        made = sum(
            1
            for visit in plan.visits_of(period.student_id)
            if period.start <= visit.date <= period.end
        )
        if made < owed:
            yield (
                period.student_id,
                f"{names.get(period.student_id, period.student_id)} : période du "
                f"{period.start:%d/%m/%Y} au {period.end:%d/%m/%Y} : {made} visite(s) "
                f"pour {owed} requise(s)",
                owed - made,
            )


def _referents(scenario: Scenario, plan: Plan) -> Iterable[tuple[str | None, str, float]]:
    """All of a student's visits by his referent (the scenario's, if named)."""
    named = {s.id: s.referent for s in scenario.students}
    names = {s.id: s.name for s in scenario.students}
    cohorts = {s.id: s.cohort for s in scenario.students}
    teachers = {t.id: t for t in scenario.teachers}
    referents = dict(plan.referents)
    for student, teacher in referents.items():
        if named.get(student) and named[student] != teacher:
            yield (
                student,
                f"{names.get(student, student)} : référent {teacher} au lieu de "
                f"{named[student]} (nommé dans le scénario)",
                1,
            )
        elif teacher in teachers and not teachers[teacher].teaches(cohorts.get(student, "")):
            yield (
                student,
                f"{names.get(student, student)} : référent {teachers[teacher].name}, qui "
                f"n'enseigne pas dans sa classe « {cohorts.get(student, '')} »",
                1,
            )
    for visit in plan.visits:
        if referents.get(visit.student_id) != visit.teacher_id:
            yield (
                visit.student_id,
                f"{names.get(visit.student_id, visit.student_id)}, visite du "
                f"{visit.date:%d/%m/%Y} : faite par {visit.teacher_id}, qui n'est pas "
                "son référent",
                1,
            )


def _weekly_load(
    scenario: Scenario, visits: Iterable[Visit]
) -> Iterable[tuple[str | None, str, float]]:
    """No teacher above ``max_visits_per_week`` in any week."""
    load = Counter((v.teacher_id, monday_of(v.date)) for v in visits)
    teachers = {t.id: t for t in scenario.teachers}
    for (teacher_id, monday), count in sorted(load.items()):
        teacher = teachers.get(teacher_id)
        if teacher is not None and count > teacher.max_visits_per_week:
            yield (
                None,
                f"{teacher.name} : {count} visites la semaine du {monday:%d/%m/%Y} pour "
                f"{teacher.max_visits_per_week} au plus",
                count - teacher.max_visits_per_week,
            )
