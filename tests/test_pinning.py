"""Locked periods (signed conventions): forced into the plan, never
grouped with twins, and reported with their rule when they break one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from factories import B, C, D, check, dates_of_weeks, host, mondays, run, scenario, student

from models import PlanStatus, Scenario, ScenarioError, scenario_from_dict
from planner.calendar import build_calendar
from planner.formulation import ModelData
from planner.locks import check_locks, missing_locked_days

#: Six-week requirement: one block in B or C is a whole plan.
SIX = {"required_weeks": 6, "min_reduced_weeks": 6, "block_min_weeks": 6}
C_WEEK_3 = D(2027, 3, 15)


def _lock(sid: str, start: dt.date, end: dt.date, **fields: Any) -> dict[str, Any]:
    return {"student": sid, "start": start.isoformat(), "end": end.isoformat(), **fields}


def _with_locks(scn: Scenario, *locks: dict[str, Any]) -> Scenario:
    raw = scn.model_dump(mode="json")
    raw["locked"] = list(locks)
    return scenario_from_dict(raw)


def _six(students: list[dict[str, Any]], **options: Any) -> Scenario:
    # B is preferred: without a lock the block sits in B.
    return scenario(students, open_ranges=(B, C), rules=SIX, preferred=[(B, 5)], **options)


def test_a_locked_week_is_in_the_plan() -> None:
    free = run(_six([student("s1")]))
    assert free.plan is not None
    week = dates_of_weeks(free.calendar, [C_WEEK_3])
    assert not set(week) & free.plan.dates_of("s1")
    scn = _with_locks(_six([student("s1")]), _lock("s1", C_WEEK_3, C_WEEK_3 + dt.timedelta(4)))
    result = run(scn)
    assert result.status is PlanStatus.OPTIMAL, result.conflicts
    assert result.plan is not None and result.verdict is not None and result.verdict.ok
    assert set(week) <= result.plan.dates_of("s1")
    assert not missing_locked_days(scn, result.plan)


def test_a_partly_locked_week_is_representable() -> None:
    tuesday = C_WEEK_3 + dt.timedelta(1)
    scn = _with_locks(_six([student("s1")]), _lock("s1", tuesday, tuesday + dt.timedelta(1)))
    result = run(scn)
    assert result.status is PlanStatus.OPTIMAL, result.conflicts
    assert result.plan is not None and result.verdict is not None and result.verdict.ok
    assert {tuesday, tuesday + dt.timedelta(1)} <= result.plan.dates_of("s1")


def test_a_lock_on_a_blocked_date_is_infeasible_with_r7() -> None:
    scn = _with_locks(_six([student("s1")]), _lock("s1", D(2027, 5, 3), D(2027, 5, 7)))
    result = run(scn)
    assert result.status is PlanStatus.INFEASIBLE
    assert [(c.students, c.rules) for c in result.conflicts] == [(("s1",), ("R7",))]
    assert "2027-05-03" in result.conflicts[0].message
    assert "s1" in result.conflicts[0].message


def test_a_lock_before_arrival_is_r7() -> None:
    scn = _with_locks(
        _six([student("s1", earliest_start="2027-03-01")]),
        _lock("s1", D(2027, 1, 4), D(2027, 1, 8)),
    )
    faults = check_locks(scn, build_calendar(scn))
    assert [(f.student, f.rule) for f in faults] == [("s1", "R7")]


def test_a_lock_on_a_host_closure_is_infeasible_with_r10() -> None:
    closure = {"start": "2027-01-11", "end": "2027-01-15", "label": "inventaire"}
    scn = _with_locks(
        _six([student("s1", host="h1")], hosts=[host("h1", closures=[closure])]),
        _lock("s1", D(2027, 1, 11), D(2027, 1, 15)),
    )
    result = run(scn)
    assert result.status is PlanStatus.INFEASIBLE
    assert [(c.students, c.rules) for c in result.conflicts] == [(("s1",), ("R10",))]
    assert "inventaire" in result.conflicts[0].message


def test_a_lock_at_an_ineligible_host_is_r10() -> None:
    scn = _with_locks(
        _six([student("s1", host="h1")], hosts=[host("h1", sells_goods_or_services=False)]),
        _lock("s1", D(2027, 1, 11), D(2027, 1, 15)),
    )
    assert [f.rule for f in check_locks(scn, build_calendar(scn))] == ["R10"]


def test_a_lock_for_an_exempt_student_is_infeasible_with_r3() -> None:
    scn = _with_locks(
        _six([student("s1"), student("s2", exemption_reason="VAE")]),
        _lock("s2", D(2027, 1, 11), D(2027, 1, 15)),
    )
    result = run(scn)
    assert result.status is PlanStatus.INFEASIBLE
    assert [(c.students, c.rules) for c in result.conflicts] == [(("s2",), ("R3",))]


def test_the_locked_student_is_not_grouped_with_twins() -> None:
    scn = _with_locks(
        _six([student("s1"), student("s2"), student("s3")]),
        _lock("s2", C_WEEK_3, C_WEEK_3 + dt.timedelta(4)),
    )
    data = ModelData(scn, build_calendar(scn))
    assert [g.students for g in data.groups] == [("s1", "s3"), ("s2",)]
    assert data.group_of("s2").locked == tuple(dates_of_weeks(data.calendar, [C_WEEK_3]))
    result = run(scn)
    assert result.plan is not None and result.verdict is not None and result.verdict.ok
    assert set(dates_of_weeks(result.calendar, [C_WEEK_3])) <= result.plan.dates_of("s2")


def test_the_lock_days_skip_weekends_and_public_holidays() -> None:
    # Easter Monday 2027-03-29 is in C; the lock runs over a weekend.
    scn = _with_locks(_six([student("s1")]), _lock("s1", D(2027, 3, 27), D(2027, 3, 30)))
    result = run(scn)
    assert result.plan is not None
    assert missing_locked_days(scn, result.plan) == {}
    assert D(2027, 3, 30) in result.plan.dates_of("s1")


def test_a_plan_without_its_locked_days_is_flagged() -> None:
    scn = _with_locks(_six([student("s1")]), _lock("s1", C_WEEK_3, C_WEEK_3 + dt.timedelta(4)))
    calendar = build_calendar(scn)
    from planner.counting import build_plan

    plan = build_plan(scn, calendar, {"s1": dates_of_weeks(calendar, mondays(B[0], 6))})
    assert check(scn, {"s1": plan.dates_of("s1")}).ok  # the validator is unchanged
    assert missing_locked_days(scn, plan) == {"s1": tuple(dates_of_weeks(calendar, [C_WEEK_3]))}


@pytest.mark.parametrize(
    ("lock", "field"),
    [
        (_lock("nobody", D(2027, 1, 4), D(2027, 1, 8)), "locked[0].student"),
        (_lock("s1", D(2028, 6, 26), D(2028, 7, 7)), "locked[0]"),
    ],
)
def test_cross_references_of_locks(lock: dict[str, Any], field: str) -> None:
    raw = _six([student("s1")]).model_dump(mode="json")
    raw["locked"] = [lock]
    with pytest.raises(ScenarioError) as error:
        scenario_from_dict(raw)
    assert [f.field for f in error.value.faults] == [field]


def test_unknown_fields_of_a_lock_are_refused() -> None:
    raw = _six([student("s1")]).model_dump(mode="json")
    raw["locked"] = [{**_lock("s1", D(2027, 1, 4), D(2027, 1, 8)), "host": "x"}]
    with pytest.raises(ScenarioError):
        scenario_from_dict(raw)
