"""planner.compare: the per-student difference between two plans."""

from __future__ import annotations

import datetime as dt

from models import Period, PeriodKind, PlacedDay, Plan
from planner.compare import PeriodSpan, compare_plans

D = dt.date


def _plan(days: dict[str, list[dt.date]], periods: list[Period] = ()) -> Plan:  # type: ignore[assignment]
    placed = tuple(PlacedDay(s, d) for s, dates in days.items() for d in dates)
    return Plan(days=placed, periods=tuple(periods))


def _period(
    sid: str, start: dt.date, end: dt.date, kind: PeriodKind = PeriodKind.PERIOD
) -> Period:
    return Period(sid, f"{sid}-P1", kind, start, end, 5, 5, 0)


def test_identical_plans_have_no_difference() -> None:
    plan = _plan(
        {"e1": [D(2027, 5, 3), D(2027, 5, 4)]}, [_period("e1", D(2027, 5, 3), D(2027, 5, 4))]
    )
    assert compare_plans(plan, plan) == ()


def test_days_added_and_removed_per_student() -> None:
    a = _plan({"e1": [D(2027, 5, 3), D(2027, 5, 4)], "e2": [D(2027, 5, 3)]})
    b = _plan({"e1": [D(2027, 5, 4), D(2027, 5, 5)], "e2": [D(2027, 5, 3)]})
    (diff,) = compare_plans(a, b)
    assert diff.student_id == "e1"
    assert diff.added == (D(2027, 5, 5),)
    assert diff.removed == (D(2027, 5, 3),)


def test_moved_period_is_listed_on_both_sides() -> None:
    old = _period("e1", D(2027, 5, 3), D(2027, 5, 7))
    new = _period("e1", D(2027, 5, 10), D(2027, 5, 14))
    a = _plan({"e1": [D(2027, 5, 3)]}, [old])
    b = _plan({"e1": [D(2027, 5, 10)]}, [new])
    (diff,) = compare_plans(a, b)
    assert diff.periods_only_a == (PeriodSpan(PeriodKind.PERIOD, old.start, old.end, 5),)
    assert diff.periods_only_b == (PeriodSpan(PeriodKind.PERIOD, new.start, new.end, 5),)


def test_student_only_in_one_plan_and_given_order() -> None:
    a = _plan({"e2": [D(2027, 5, 3)]})
    b = _plan({"e1": [D(2027, 5, 3)], "e2": [D(2027, 5, 4)]})
    diffs = compare_plans(a, b, student_ids=["e2", "e1"])
    assert [d.student_id for d in diffs] == ["e2", "e1"]
    assert diffs[1].added == (D(2027, 5, 3),) and diffs[1].removed == ()
