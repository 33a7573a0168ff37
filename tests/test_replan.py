"""Re-planning with minimal change: after a host closure, a late arrival or
a newly blocked week, the new plan validates, keeps the locked periods, and
changes as few student-days as a brute force over every valid plan finds."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from factories import SETTINGS, D, dates_of_weeks, host, mondays, run, scenario, span, student

from models import Plan, PlanStatus, Scenario, scenario_from_dict
from planner.calendar import build_calendar
from planner.counting import build_plan
from planner.locks import missing_locked_days
from planner.replan import ReplanResult, plan_changes, replan
from planner.validate import validate_plan

#: Ten weeks open (2027-01-04 … 2027-03-08, winter holidays in weeks 7 and 8).
FIRST_MONDAY = D(2027, 1, 4)
OPEN = span(FIRST_MONDAY, 10)
WEEKS = mondays(FIRST_MONDAY, 10)
#: Six weeks owed in one block; full weeks only, so a brute force sees every plan.
SIX = {
    "required_weeks": 6,
    "min_reduced_weeks": 6,
    "block_min_weeks": 6,
    "allow_single_days": False,
}


def _scenario(students: list[dict[str, Any]], **options: Any) -> Scenario:
    rules = {**SIX, **options.pop("rules", {})}
    return scenario(students, open_ranges=(OPEN,), rules=rules, **options)


def _with_locks(scn: Scenario, *locks: tuple[str, dt.date, dt.date]) -> Scenario:
    raw = scn.model_dump(mode="json")
    raw["locked"] = [
        {"student": s, "start": a.isoformat(), "end": b.isoformat()} for s, a, b in locks
    ]
    return scenario_from_dict(raw)


def _previous(scn: Scenario) -> Plan:
    result = run(scn)
    assert result.status is PlanStatus.OPTIMAL and result.plan is not None
    return result.plan


def _replanned(scn: Scenario, previous: Plan) -> ReplanResult:
    outcome = replan(scn, previous, SETTINGS)
    assert outcome.status is PlanStatus.OPTIMAL, outcome.result.conflicts
    assert outcome.minimal
    assert outcome.plan is not None and outcome.result.verdict is not None
    assert outcome.result.verdict.ok, outcome.result.verdict.violations
    assert not missing_locked_days(scn, outcome.plan)
    assert outcome.total_changes == sum(c.count for c in plan_changes(scn, previous, outcome.plan))
    return outcome


def _brute_force_min(scn: Scenario, sid: str, before: set[dt.date]) -> int:
    """Fewest changed days of ``sid`` over every valid full-week plan."""
    calendar = build_calendar(scn)
    best = None
    for size in range(6, len(WEEKS) + 1):
        for chosen in itertools.combinations(WEEKS, size):
            dates = dates_of_weeks(calendar, chosen)
            plan = build_plan(scn, calendar, {sid: dates})
            if not validate_plan(scn, calendar, plan).ok:
                continue
            if missing_locked_days(scn, plan, calendar):
                continue
            changes = len(before ^ set(dates))
            best = changes if best is None else min(best, changes)
    assert best is not None
    return best


def _week(monday: dt.date) -> dict[str, str]:
    return {"start": monday.isoformat(), "end": (monday + dt.timedelta(4)).isoformat()}


CHANGES = {
    "host_closure": {"hosts": [host("h1", capacity=5, closures=[_week(WEEKS[2])])]},
    "late_arrival": {"earliest_start": WEEKS[1].isoformat()},
    "blocked_week": {"extra_blocked": [span(WEEKS[3], 1)]},
}


def _changed(kind: str, students: list[dict[str, Any]]) -> Scenario:
    change = CHANGES[kind]
    if kind == "host_closure":
        return _scenario([{**s, "host": "h1"} for s in students], hosts=change["hosts"])
    if kind == "late_arrival":
        first = {**students[0], "earliest_start": change["earliest_start"]}
        return _scenario([first, *students[1:]])
    return _scenario(students, extra_blocked=change["extra_blocked"])


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_replan_changes_the_fewest_days(kind: str) -> None:
    old_scn = _scenario([student("s1")])
    previous = _previous(old_scn)
    before = previous.dates_of("s1")
    assert set(dates_of_weeks(build_calendar(old_scn), WEEKS[:6])) == before
    new_scn = _changed(kind, [student("s1")])
    outcome = _replanned(new_scn, previous)
    assert outcome.total_changes == _brute_force_min(new_scn, "s1", before)
    assert outcome.total_changes > 0


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_replan_keeps_the_locked_periods(kind: str) -> None:
    lock_s1 = ("s1", WEEKS[4], WEEKS[4] + dt.timedelta(4))
    lock_s2 = ("s2", WEEKS[0], WEEKS[0] + dt.timedelta(4))
    students = [student("s1"), student("s2")]
    old_scn = _with_locks(_scenario(students), lock_s1, lock_s2)
    previous = _previous(old_scn)
    new_scn = _with_locks(_changed(kind, students), lock_s1, lock_s2)
    outcome = _replanned(new_scn, previous)
    assert outcome.plan is not None
    for sid, start, end in (lock_s1, lock_s2):
        kept = {d for d in previous.dates_of(sid) if start <= d <= end}
        assert kept and kept <= outcome.plan.dates_of(sid)
    for sid in ("s1", "s2"):
        before = previous.dates_of(sid)
        got = next((c.count for c in outcome.changes if c.student_id == sid), 0)
        assert got == _brute_force_min(_only(new_scn, sid), sid, before)


def _only(scn: Scenario, sid: str) -> Scenario:
    """The scenario restricted to one student (students are independent here)."""
    raw = scn.model_dump(mode="json")
    raw["students"] = [s for s in raw["students"] if s["id"] == sid]
    raw["locked"] = [lock for lock in raw["locked"] if lock["student"] == sid]
    return scenario_from_dict(raw)


def test_replan_without_change_changes_nothing() -> None:
    scn = _scenario([student("s1"), student("s2")])
    previous = _previous(scn)
    outcome = _replanned(scn, previous)
    assert outcome.total_changes == 0 and outcome.changes == ()


def test_replan_with_single_days_keeps_what_it_can() -> None:
    old_scn = _scenario([student("s1")], rules={"allow_single_days": True})
    previous = _previous(old_scn)
    tuesday = WEEKS[2] + dt.timedelta(1)
    closure = {"start": tuesday.isoformat(), "end": tuesday.isoformat()}
    new_scn = _scenario(
        [student("s1", host="h1")],
        hosts=[host("h1", closures=[closure])],
        rules={"allow_single_days": True},
    )
    outcome = _replanned(new_scn, previous)
    # Weeks 1, 2, 4-7 form the new block... or week 3 keeps four single days:
    # either way, fewer changes than moving the whole block.
    assert outcome.total_changes is not None
    assert outcome.total_changes < _brute_force_min(new_scn, "s1", previous.dates_of("s1"))


def test_replan_reports_a_lock_that_breaks_a_rule() -> None:
    scn = _with_locks(_changed("blocked_week", [student("s1")]), ("s1", WEEKS[3], WEEKS[3]))
    outcome = replan(scn, _previous(_scenario([student("s1")])), SETTINGS)
    assert outcome.status is PlanStatus.INFEASIBLE
    assert [(c.students, c.rules) for c in outcome.result.conflicts] == [(("s1",), ("R7",))]
