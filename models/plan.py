"""A plan: the days each student spends in company, and what it counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TypeVar


class PlanStatus(StrEnum):
    """Status of a solve, as written in ``summary.json``."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"
    INVALID = "INVALID"

    @property
    def has_plan(self) -> bool:
        return self in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)


class PeriodKind(StrEnum):
    """Kinds of ``periods.csv``."""

    BLOCK = "block"
    PERIOD = "period"
    DAYS = "days"
    MISSIONS = "missions"


@dataclass(frozen=True, order=True)
class PlacedDay:
    """One working day a student spends in company (a row of ``days.csv``)."""

    student_id: str
    date: dt.date
    period_id: str = ""
    host_id: str | None = None


@dataclass(frozen=True)
class Period:
    """A row of ``periods.csv``; ``weeks`` is in fifths of a week (units)."""

    student_id: str
    period_id: str
    kind: PeriodKind
    start: dt.date
    end: dt.date
    units: int
    days_in_company: int
    holiday_days: int
    host_id: str | None = None

    @property
    def weeks(self) -> float:
        return self.units / 5


@dataclass(frozen=True, order=True)
class Visit:
    """R12: a teacher's visit to an intern (a row of ``visits.csv``)."""

    student_id: str
    period_id: str
    teacher_id: str
    date: dt.date
    host_id: str | None = None
    town: str = ""


@dataclass(frozen=True)
class Plan:
    """The days in company of every student, with their periods.

    A plan says nothing of whether the rules hold: that is the validator's
    verdict (:func:`planner.validate.validate_plan`).
    """

    days: tuple[PlacedDay, ...]
    periods: tuple[Period, ...] = ()
    visits: tuple[Visit, ...] = ()
    referents: tuple[tuple[str, str], ...] = ()  # (student_id, teacher_id), R12

    def referent_of(self, student_id: str) -> str | None:
        """R12: the referent teacher of a student, None when none is named."""
        return self._referent_by_student.get(student_id)

    def visits_of(self, student_id: str) -> list[Visit]:
        return list(self._visits_by_student.get(student_id, ()))

    def days_of(self, student_id: str) -> list[PlacedDay]:
        return list(self._days_by_student.get(student_id, ()))

    def dates_of(self, student_id: str) -> set[dt.date]:
        return {d.date for d in self._days_by_student.get(student_id, ())}

    def periods_of(self, student_id: str) -> list[Period]:
        return list(self._periods_by_student.get(student_id, ()))

    # Per-student indices, built on first use: the plan is immutable, and a
    # scan of every day per student made the validator, the KPIs and the
    # exports quadratic (minutes for an académie of 3,500 students).
    @cached_property
    def _days_by_student(self) -> dict[str, tuple[PlacedDay, ...]]:
        return _by_student(self.days)

    @cached_property
    def _periods_by_student(self) -> dict[str, tuple[Period, ...]]:
        return _by_student(self.periods)

    @cached_property
    def _visits_by_student(self) -> dict[str, tuple[Visit, ...]]:
        return _by_student(self.visits)

    @cached_property
    def _referent_by_student(self) -> dict[str, str]:
        return dict(self.referents)


_Row = TypeVar("_Row", PlacedDay, Period, Visit)


def _by_student(rows: tuple[_Row, ...]) -> dict[str, tuple[_Row, ...]]:
    """Rows grouped by student, each group in the plan's order."""
    grouped: defaultdict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        grouped[row.student_id].append(row)
    return {student: tuple(found) for student, found in grouped.items()}
