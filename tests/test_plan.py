"""models/plan.py: a plan's per-student lookups, read from indices built
once, answer exactly what a scan of the whole plan answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from models import PeriodKind, PlacedDay, Plan
from models.plan import Period, Visit

STUDENTS = ("e01", "e02", "e03", "e04")


def _shuffled_plan(seed: int) -> Plan:
    """Days, periods and visits of several students, interleaved at random
    (a plan read back from hand-edited files keeps no order)."""
    rng = random.Random(seed)
    days, periods, visits = [], [], []
    for number, student in enumerate(STUDENTS):
        start = dt.date(2027, 1, 4) + dt.timedelta(weeks=number)
        dates = [start + dt.timedelta(days=i) for i in range(0, 12) if i % 7 < 5]
        period_id = f"{student}-P1"
        days += [PlacedDay(student, d, period_id, f"h{number}") for d in dates]
        periods.append(
            Period(student, period_id, PeriodKind.PERIOD, dates[0], dates[-1], 10, 10, 0)
        )
        visits += [Visit(student, period_id, "t1", d) for d in rng.sample(dates, 2)]
    rng.shuffle(days)
    rng.shuffle(periods)
    rng.shuffle(visits)
    referents = tuple((s, f"t{i}") for i, s in enumerate(STUDENTS[:3]))
    return Plan(tuple(days), tuple(periods), tuple(visits), referents)


def test_lookups_equal_a_scan_of_the_whole_plan() -> None:
    for seed in range(5):
        plan = _shuffled_plan(seed)
        for student in (*STUDENTS, "unknown"):
            days = [d for d in plan.days if d.student_id == student]
            assert plan.days_of(student) == days
            assert plan.dates_of(student) == {d.date for d in days}
            assert plan.visits_of(student) == [v for v in plan.visits if v.student_id == student]
            assert plan.periods_of(student) == [p for p in plan.periods if p.student_id == student]
            assert plan.referent_of(student) == dict(plan.referents).get(student)


def test_a_replaced_plan_answers_from_its_own_rows() -> None:
    plan = _shuffled_plan(0)
    assert plan.visits_of("e01")  # the indices of the first plan are built
    bare = dataclasses.replace(plan, visits=(), referents=())
    assert bare.visits_of("e01") == []
    assert bare.referent_of("e01") is None


def test_the_indices_change_neither_equality_nor_hash() -> None:
    plan, same = _shuffled_plan(1), _shuffled_plan(1)
    plan.dates_of("e01")
    assert plan == same
    assert hash(plan) == hash(same)


def test_a_returned_list_is_the_caller_s_own() -> None:
    plan = _shuffled_plan(2)
    plan.days_of("e01").clear()
    assert plan.days_of("e01")
