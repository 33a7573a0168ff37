"""The counting conventions of rules.md (planner.counting), on hand-made days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from models import Calendar, PeriodKind, Scenario, scenario_from_dict
from planner.calendar import build_calendar
from planner.counting import (
    build_plan,
    count_units,
    full_weeks,
    holiday_days,
    longest_run_weeks,
    summer_rest,
    tally,
    week_runs,
    working_day_runs,
)

D = dt.date


def _scenario(**extra: Any) -> Scenario:
    raw: dict[str, Any] = {
        "name": "counting",
        "training": {"first_date": "2026-09-01", "last_date": "2028-06-30", "zone": "A"},
        "students": [
            {"id": "s1", "name": "Alice Martin", "host": "h1"},
            {"id": "s2", "name": "Bruno Petit"},
        ],
        "hosts": [{"id": "h1", "name": "Boutique Lumière"}],
    }
    raw.update(extra)
    return scenario_from_dict(raw)


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return build_calendar(_scenario())


def _week(calendar: Calendar, monday: dt.date, n: int = 1) -> list[dt.date]:
    """Every working day of ``n`` weeks from ``monday``."""
    return [day.date for i in range(n) for day in calendar.weeks[monday + dt.timedelta(weeks=i)]]


def test_full_week_with_public_holiday_counts_one_week(calendar: Calendar) -> None:
    # Ascension 2027-05-06 (Thursday) is a public holiday: the week has 4 working days.
    days = _week(calendar, D(2027, 5, 3))
    assert days == [D(2027, 5, 3), D(2027, 5, 4), D(2027, 5, 5), D(2027, 5, 7)]
    assert full_weeks(calendar, days) == (D(2027, 5, 3),)
    assert count_units(calendar, days) == 5
    assert tally(calendar, days).weeks == 1.0


def test_easter_monday_week_counts_one_week(calendar: Calendar) -> None:
    days = _week(calendar, D(2027, 3, 29))
    assert len(days) == 4
    assert count_units(calendar, days) == 5


def test_week_missing_one_working_day_counts_single_days(calendar: Calendar) -> None:
    days = _week(calendar, D(2027, 5, 3))[:-1]  # Friday 7 left out
    assert full_weeks(calendar, days) == ()
    assert count_units(calendar, days) == 3


def test_single_days_count_a_fifth(calendar: Calendar) -> None:
    days = [D(2027, 1, 5), D(2027, 1, 12), D(2027, 1, 19)]
    assert count_units(calendar, days) == 3
    assert tally(calendar, days).weeks == pytest.approx(0.6)


def test_week_cut_by_training_start_is_never_full(calendar: Calendar) -> None:
    days = _week(calendar, D(2026, 8, 31))
    assert days == [D(2026, 9, 1), D(2026, 9, 2), D(2026, 9, 3), D(2026, 9, 4)]
    assert not calendar.is_whole_week(D(2026, 8, 31))
    assert full_weeks(calendar, days) == ()
    assert count_units(calendar, days) == 4


def test_runs_and_longest_run(calendar: Calendar) -> None:
    mondays = [D(2027, 1, 4), D(2027, 1, 11), D(2027, 1, 18), D(2027, 3, 1), D(2027, 3, 8)]
    assert week_runs(mondays) == (
        (D(2027, 1, 4), D(2027, 1, 11), D(2027, 1, 18)),
        (D(2027, 3, 1), D(2027, 3, 8)),
    )
    assert longest_run_weeks(mondays) == 3
    assert longest_run_weeks([]) == 0
    days = _week(calendar, D(2027, 1, 4), 3) + _week(calendar, D(2027, 3, 1), 2)
    assert tally(calendar, days).longest_run_weeks == 3
    assert tally(calendar, days).units == 25


def test_holiday_days(calendar: Calendar) -> None:
    # 2027-02-15..19 are winter holidays (zone A); 2027-05-07 is the Ascension bridge.
    days = [*_week(calendar, D(2027, 2, 15)), D(2027, 5, 7), D(2027, 5, 10)]
    assert holiday_days(calendar, days) == 6


def test_summer_rest_counts_dates_past_the_ends(calendar: Calendar) -> None:
    summer = calendar.summers[0]
    assert (summer.start, summer.end) == (D(2027, 7, 3), D(2027, 8, 31))
    assert summer_rest(calendar, []) == (60,)
    # In company 2027-07-19..23: rest 07-03..07-18 (16 days), then 07-24..08-31 (39 days).
    assert summer_rest(calendar, _week(calendar, D(2027, 7, 19))) == (39,)
    assert tally(calendar, _week(calendar, D(2027, 7, 19))).min_summer_rest == 39


def test_working_day_runs_jump_weekends_and_public_holidays(calendar: Calendar) -> None:
    days = [D(2027, 5, 5), D(2027, 5, 7), D(2027, 5, 10), D(2027, 5, 12)]
    # Wed 5 and Fri 7 around Ascension follow each other, so does Monday 10.
    assert working_day_runs(calendar, days) == (
        (D(2027, 5, 5), D(2027, 5, 7), D(2027, 5, 10)),
        (D(2027, 5, 12),),
    )


def test_build_plan_periods_kinds_and_ids(calendar: Calendar) -> None:
    scenario = _scenario(
        progression={
            "missions": [
                {
                    "id": "m1",
                    "start": "2027-11-15",
                    "end": "2027-12-17",
                    "days": 2,
                    "weekdays": ["mardi"],
                }
            ]
        }
    )
    s1 = [
        *_week(calendar, D(2027, 1, 4), 6),  # block of 6
        *_week(calendar, D(2027, 5, 24), 2),  # period of 2
        D(2027, 6, 10),
        D(2027, 6, 11),  # two single days (Thu, Fri)
        D(2027, 11, 16),
        D(2027, 11, 23),  # missions (Tuesdays)
        D(2027, 11, 25),  # a Thursday in the window: single day
    ]
    plan = build_plan(scenario, calendar, {"s2": [D(2027, 3, 2)], "s1": s1})

    assert [
        (p.period_id, p.kind, p.start, p.end, p.units, p.days_in_company) for p in plan.periods
    ] == [
        ("s1-P1", PeriodKind.BLOCK, D(2027, 1, 4), D(2027, 2, 12), 30, 30),
        ("s1-P2", PeriodKind.PERIOD, D(2027, 5, 24), D(2027, 6, 4), 10, 10),
        ("s1-P3", PeriodKind.DAYS, D(2027, 6, 10), D(2027, 6, 11), 2, 2),
        ("s1-P4", PeriodKind.MISSIONS, D(2027, 11, 16), D(2027, 11, 23), 2, 2),
        ("s1-P5", PeriodKind.DAYS, D(2027, 11, 25), D(2027, 11, 25), 1, 1),
        ("s2-P1", PeriodKind.DAYS, D(2027, 3, 2), D(2027, 3, 2), 1, 1),
    ]
    assert {p.host_id for p in plan.periods if p.student_id == "s1"} == {"h1"}
    assert plan.periods[-1].host_id is None
    # Days: students in scenario order, by date, each with its period and host.
    assert [d.student_id for d in plan.days] == ["s1"] * len(s1) + ["s2"]
    assert [d.date for d in plan.days[: len(s1)]] == sorted(s1)
    assert plan.days[0].period_id == "s1-P1" and plan.days[0].host_id == "h1"
    assert plan.days[-1].period_id == "s2-P1" and plan.days[-1].host_id is None
    by_date = {d.date: d.period_id for d in plan.days if d.student_id == "s1"}
    assert by_date[D(2027, 11, 23)] == "s1-P4"
    assert by_date[D(2027, 11, 25)] == "s1-P5"


def test_build_plan_period_holiday_days_and_mission_exclusion(calendar: Calendar) -> None:
    scenario = _scenario(
        progression={
            "missions": [{"id": "m1", "start": "2027-05-03", "end": "2027-05-14", "days": 1}]
        }
    )
    # The Ascension week is a full week: its days are never mission days.
    plan = build_plan(scenario, calendar, {"s1": _week(calendar, D(2027, 5, 3))})
    assert len(plan.periods) == 1
    period = plan.periods[0]
    assert (period.kind, period.units, period.days_in_company, period.holiday_days) == (
        PeriodKind.PERIOD,
        5,
        4,
        1,
    )


def test_build_plan_keeps_unknown_students_last(calendar: Calendar) -> None:
    plan = build_plan(_scenario(), calendar, {"zz": [D(2027, 3, 2)], "s1": [D(2027, 3, 3)]})
    assert [(d.student_id, d.period_id, d.host_id) for d in plan.days] == [
        ("s1", "s1-P1", "h1"),
        ("zz", "zz-P1", None),
    ]
