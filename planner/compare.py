"""The per-student difference between two plans: which days and periods moved.

Pure: reads two :class:`~models.Plan` and nothing else, so that the
dashboard's comparison (and any script) gets the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from models import Period, PeriodKind, Plan


@dataclass(frozen=True)
class PeriodSpan:
    """A period reduced to what a teacher compares: kind and dates."""

    kind: PeriodKind
    start: dt.date
    end: dt.date
    days_in_company: int


@dataclass(frozen=True)
class StudentDiff:
    """How one student's days differ from plan ``a`` to plan ``b``.

    Attributes
    ----------
    student_id
        The student.
    added
        Days in company in ``b`` and not in ``a``, in order.
    removed
        Days in company in ``a`` and not in ``b``, in order.
    periods_only_a, periods_only_b
        Periods (kind and dates) found in one plan and not in the other:
        the periods that moved.
    """

    student_id: str
    added: tuple[dt.date, ...]
    removed: tuple[dt.date, ...]
    periods_only_a: tuple[PeriodSpan, ...]
    periods_only_b: tuple[PeriodSpan, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.periods_only_a or self.periods_only_b)


def _dates_by_student(plan: Plan) -> dict[str, set[dt.date]]:
    found: dict[str, set[dt.date]] = defaultdict(set)
    for day in plan.days:
        found[day.student_id].add(day.date)
    return found


def _spans_by_student(periods: Iterable[Period]) -> dict[str, set[PeriodSpan]]:
    found: dict[str, set[PeriodSpan]] = defaultdict(set)
    for p in periods:
        found[p.student_id].add(PeriodSpan(p.kind, p.start, p.end, p.days_in_company))
    return found


def _ordered(spans: Iterable[PeriodSpan]) -> tuple[PeriodSpan, ...]:
    return tuple(sorted(spans, key=lambda s: (s.start, s.end, s.kind.value)))


def compare_plans(
    a: Plan, b: Plan, student_ids: Iterable[str] | None = None
) -> tuple[StudentDiff, ...]:
    """The students whose days or periods differ between ``a`` and ``b``.

    Parameters
    ----------
    a, b
        The two plans (e.g. two scenarios of the same class).
    student_ids
        The order of the answer (e.g. the scenario's students); ids of the
        plans not listed come after, sorted. All ids of both plans when None.

    Returns
    -------
    tuple[StudentDiff, ...]
        Only the students whose plan changed, in the given order.
    """
    dates_a, dates_b = _dates_by_student(a), _dates_by_student(b)
    spans_a, spans_b = _spans_by_student(a.periods), _spans_by_student(b.periods)
    every = set(dates_a) | set(dates_b) | set(spans_a) | set(spans_b)
    order = list(dict.fromkeys(student_ids or ()))
    order += sorted(every - set(order))
    diffs = []
    for student_id in order:
        da, db = dates_a.get(student_id, set()), dates_b.get(student_id, set())
        sa, sb = spans_a.get(student_id, set()), spans_b.get(student_id, set())
        diff = StudentDiff(
            student_id=student_id,
            added=tuple(sorted(db - da)),
            removed=tuple(sorted(da - db)),
            periods_only_a=_ordered(sa - sb),
            periods_only_b=_ordered(sb - sa),
        )
        if diff.changed:
            diffs.append(diff)
    return tuple(diffs)
