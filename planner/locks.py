"""Locked periods (signed conventions): which days they fix, and whether a
lock breaks a rule before any solve.

Only the scenario and the calendar are read here (no OR-Tools): the checks
are the validator's side of pinning. A lock is never silently dropped: a
lock that breaks R3, R7 or R10 is reported with the rule and its dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models import Calendar, DayKind, Plan, Scenario, requirement_of
from models.scenario import LockedPeriod, Student

from .calendar import build_calendar
from .counting import mission_windows_of, on_mission_weekday


@dataclass(frozen=True)
class LockFault:
    """A locked period that breaks a rule.

    Attributes
    ----------
    student
        Id of the student of the lock.
    rule
        Rule id of ``rules.md`` (``"R3"``, ``"R7"`` or ``"R10"``).
    message
        French, for a teacher, starting with the rule id, with the dates.
    dates
        The locked days concerned.
    """

    student: str
    rule: str
    message: str
    dates: tuple[dt.date, ...]


def lock_dates(calendar: Calendar, lock: LockedPeriod) -> tuple[dt.date, ...]:
    """Working days (Monday to Friday, not a public holiday) of one lock."""
    return tuple(d for d in lock.range.dates() if d in calendar and calendar.day(d).is_working_day)


def locked_dates(scenario: Scenario, calendar: Calendar, student_id: str) -> tuple[dt.date, ...]:
    """Every locked working day of one student, sorted."""
    found: set[dt.date] = set()
    for lock in scenario.locks_of(student_id):
        found.update(lock_dates(calendar, lock))
    return tuple(sorted(found))


def check_locks(scenario: Scenario, calendar: Calendar) -> tuple[LockFault, ...]:
    """The locks that break R3 (exempt student), R7 (blocked date, before the
    student's earliest start, unavailable) or R10 (ineligible host, closure)."""
    students = {s.id: s for s in scenario.students}
    faults: list[LockFault] = []
    for lock in scenario.locked:
        student = students[lock.student]
        dates = lock_dates(calendar, lock)
        reasons: dict[tuple[str, str], list[dt.date]] = {}
        for date in dates:
            for rule, reason in _day_faults(scenario, calendar, student, date):
                reasons.setdefault((rule, reason), []).append(date)
        for (rule, reason), bad in reasons.items():
            faults.append(
                LockFault(
                    student=student.id,
                    rule=rule,
                    message=(
                        f"{student.name} ({student.id}) : {rule} la période verrouillée "
                        f"« {lock.label} » ({lock.start} – {lock.end}) tombe {reason} : "
                        f"{dates_text(bad)}"
                    ),
                    dates=tuple(bad),
                )
            )
    return tuple(sorted(faults, key=lambda f: (f.student, int(f.rule[1:]), f.dates)))


def _day_faults(
    scenario: Scenario, calendar: Calendar, student: Student, date: dt.date
) -> Iterable[tuple[str, str]]:
    requirement = requirement_of(student, scenario.rules)
    if requirement.required_weeks == 0 and not _mission_day(scenario, student, date):
        reason = requirement.exempt_reason or "aucun stage dû"
        yield "R3", f"alors qu'aucun stage n'est à placer ({reason})"
    day = calendar.day(date)
    if day.kind is DayKind.BLOCKED:
        yield "R7", f"sur des dates bloquées par la progression ({day.label or 'bloqué'})"
    if student.earliest_start is not None and date < student.earliest_start:
        yield "R7", f"avant sa date d'arrivée ({student.earliest_start})"
    for absence in student.unavailable:
        if date in absence:
            yield "R7", f"pendant une indisponibilité ({absence.label or 'indisponible'})"
    host = scenario.host(student.host)
    if host is not None and not host.sells_goods_or_services:
        yield (
            "R10",
            (
                f"chez {host.name} ({host.id}), dont l'activité principale n'est pas la "
                "commercialisation de biens et de services"
            ),
        )
    if host is not None:
        for closure in host.closures:
            if date in closure:
                label = f" ({closure.label})" if closure.label else ""
                yield "R10", f"pendant une fermeture de {host.name} ({host.id}){label}"


def _mission_day(scenario: Scenario, student: Student, date: dt.date) -> bool:
    """Whether an exempt student who keeps the missions (§5) may be in company."""
    if not requirement_of(student, scenario.rules).missions:
        return False
    return any(
        date in w.range and on_mission_weekday(w, date)
        for w in mission_windows_of(scenario, student.id)
    )


def missing_locked_days(
    scenario: Scenario, plan: Plan, calendar: Calendar | None = None
) -> dict[str, tuple[dt.date, ...]]:
    """Locked working days absent from the plan, by student (empty when all
    are placed). Public holidays and weekends of a lock are not asked for;
    ``calendar`` is the scenario's, built when not given."""
    calendar = calendar or build_calendar(scenario)
    missing: dict[str, tuple[dt.date, ...]] = {}
    for student in scenario.students:
        wanted = locked_dates(scenario, calendar, student.id)
        placed = plan.dates_of(student.id)
        absent = tuple(d for d in wanted if d not in placed)
        if absent:
            missing[student.id] = absent
    return missing


def dates_text(dates: Sequence[dt.date]) -> str:
    """Dates as runs of consecutive calendar dates: ``2027-01-04 – 2027-01-08``."""
    runs: list[list[dt.date]] = []
    for date in dates:
        if runs and (date - runs[-1][-1]).days <= 3 and _only_weekend_between(runs[-1][-1], date):
            runs[-1].append(date)
        else:
            runs.append([date])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]} – {run[-1]}" for run in runs)


def _only_weekend_between(before: dt.date, after: dt.date) -> bool:
    day = before + dt.timedelta(days=1)
    while day < after:
        if day.weekday() < 5:
            return False
        day += dt.timedelta(days=1)
    return True
