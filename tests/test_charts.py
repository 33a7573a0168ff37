"""dashboard.charts: the figures are built from hand-made plans (no solve)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from dashboard import charts
from models import Calendar, Plan, Scenario, scenario_from_dict
from planner.calendar import build_calendar
from planner.counting import build_plan

D = dt.date
WEEK = dt.timedelta(days=7)
KIND_NAMES = {"Bloc", "Période", "Journées", "Missions"}


def _raw(students: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": "graphiques",
        "training": {"first_date": "2026-09-01", "last_date": "2028-06-30", "zone": "A"},
        "progression": {
            "blocked": [{"start": "2027-01-18", "end": "2027-01-22", "label": "Partiels"}],
            "missions": [
                {
                    "id": "m1",
                    "start": "2027-01-25",
                    "end": "2027-04-09",
                    "days": 2,
                    "weekdays": ["mardi"],
                }
            ],
        },
        "students": students,
        "hosts": [
            {"id": "h1", "name": "Sport Horizon", "capacity": 300},
            {"id": "h2", "name": "Caves du Beaujolais", "capacity": 300},
        ],
    }


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return scenario_from_dict(
        _raw(
            [
                {"id": "e1", "name": "Léa M.", "host": "h1"},
                {"id": "e2", "name": "Hugo B.", "host": "h2"},
                {"id": "e3", "name": "Inès K.", "exemption_reason": "VAE"},
                {"id": "e4", "name": "Noah T."},
            ]
        )
    )


@pytest.fixture(scope="module")
def calendar(scenario: Scenario) -> Calendar:
    return build_calendar(scenario)


def _weeks(calendar: Calendar, first_monday: dt.date, n: int) -> list[dt.date]:
    return [d.date for i in range(n) for d in calendar.weeks[first_monday + i * WEEK]]


def _plan(scenario: Scenario, calendar: Calendar, dates: Mapping[str, Iterable[dt.date]]) -> Plan:
    return build_plan(scenario, calendar, dates)


@pytest.fixture(scope="module")
def plan(scenario: Scenario, calendar: Calendar) -> Plan:
    return _plan(
        scenario,
        calendar,
        {
            # a 7-week block (Whit Monday inside) and two mission Tuesdays
            "e1": [*_weeks(calendar, D(2027, 5, 10), 7), D(2027, 1, 26), D(2027, 2, 2)],
            # a 2-week period and a run of two single days
            "e2": [*_weeks(calendar, D(2026, 12, 7), 2), D(2027, 3, 3), D(2027, 3, 4)],
        },
    )


def _shapes(figure: Any, name: str) -> list[tuple[str, str]]:
    return [(s.x0, s.x1) for s in figure.layout.shapes if s.name == name]


def _trace(figure: Any, name: str) -> Any:
    return next(t for t in figure.data if t.name == name)


def test_class_gantt_rows_are_the_non_exempt_students(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.class_gantt(plan, scenario, calendar)
    rows = list(figure.layout.yaxis.categoryarray)
    assert rows == ["Léa M.", "Hugo B.", "Noah T."]  # e3 is exempt; e4 has no day, still a row
    assert "Inès K." not in {y for t in figure.data for y in t.y}
    assert "dispensés non affichés : 1" in figure.layout.title.text


def test_class_gantt_follows_the_given_order_and_filter(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.class_gantt(plan, scenario, calendar, students=["e2", "e3", "e1"])
    assert list(figure.layout.yaxis.categoryarray) == ["Hugo B.", "Léa M."]


def test_class_gantt_one_trace_per_kind_with_french_names(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.class_gantt(plan, scenario, calendar)
    bars = [t for t in figure.data if t.type == "bar"]
    assert {t.name for t in bars} == KIND_NAMES
    assert len(figure.data) == 5  # four kinds and the invisible rows
    assert figure.layout.barmode == "overlay"
    assert list(_trace(figure, "Bloc").y) == ["Léa M."]
    # mission days lie weeks apart: one bar per day, one day wide
    missions = _trace(figure, "Missions")
    assert list(missions.base) == ["2027-01-26", "2027-02-02"]
    assert list(missions.x) == [86_400_000, 86_400_000]
    assert list(_trace(figure, "Journées").base) == ["2027-03-03"]


def test_class_gantt_shades_holidays_public_holidays_and_blocked_dates(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.class_gantt(plan, scenario, calendar)
    # Toussaint 2026, zone A: Saturday 17 October to Sunday 1 November (whole days)
    assert ("2026-10-17", "2026-11-02") in _shapes(figure, "Vacances scolaires")
    assert ("2026-11-11", "2026-11-12") in _shapes(figure, "Jours fériés")  # Armistice
    assert _shapes(figure, "Dates bloquées (R7)") == [("2027-01-18", "2027-01-23")]
    colours = {s.name: s.fillcolor for s in figure.layout.shapes}
    assert len(colours) == 3 and len(set(colours.values())) == 3
    legend = [s.name for s in figure.layout.shapes if s.showlegend]
    assert sorted(legend) == sorted(colours)  # one legend entry per kind of shading
    assert all(s.layer == "below" and s.yref == "paper" for s in figure.layout.shapes)


def test_class_gantt_hover_has_dates_weeks_host_and_holiday_days(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.class_gantt(plan, scenario, calendar)
    (block,) = _trace(figure, "Bloc").hovertext
    assert "10/05/2027" in block and "25/06/2027" in block
    assert "7 semaines" in block
    assert "Sport Horizon" in block
    assert "Jours en vacances : 0" in block
    (period,) = _trace(figure, "Période").hovertext
    assert "Caves du Beaujolais" in period and "07/12/2026" in period


def test_class_gantt_axis_months_are_french(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.class_gantt(plan, scenario, calendar)
    ticks = list(figure.layout.xaxis.ticktext)
    assert ticks[0] == "sept.<br>2026" and "janv.<br>2027" in ticks and "août" in ticks
    assert figure.layout.xaxis.range == ("2026-09-01", "2028-07-01")


def test_weekly_strip_counts_students_in_company_per_week(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.weekly_strip(plan, scenario, calendar)
    full = _trace(figure, "Semaine complète en entreprise")
    some = _trace(figure, "Quelques jours en entreprise")
    weeks = list(full.x)
    assert weeks == [m.isoformat() for m in calendar.weeks]
    by_week = dict(zip(weeks, zip(full.y, some.y, strict=True), strict=True))
    assert by_week["2027-05-10"] == (1, 0)  # e1's block
    assert by_week["2026-12-07"] == (1, 0)  # e2's period
    assert by_week["2027-03-01"] == (0, 1)  # e2's two single days
    assert by_week["2027-01-25"] == (0, 1)  # e1's mission Tuesday
    assert by_week["2026-09-07"] == (0, 0)
    assert _shapes(figure, "Vacances scolaires")


def test_student_gantt_has_one_row_even_for_an_exempt_student(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.student_gantt(plan, scenario, calendar, "e1")
    assert list(figure.layout.yaxis.categoryarray) == ["Léa M."]
    assert {t.name for t in figure.data if len(t.y)} >= {"Bloc", "Missions"}
    assert "Léa M." in figure.layout.title.text
    exempt = charts.student_gantt(plan, scenario, calendar, "e3")
    assert list(exempt.layout.yaxis.categoryarray) == ["Inès K."]
    with pytest.raises(KeyError):
        charts.student_gantt(plan, scenario, calendar, "inconnu")


def test_stacked_gantts_share_the_time_axis(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    other = _plan(scenario, calendar, {"e1": _weeks(calendar, D(2027, 3, 1), 6)})
    figure = charts.stacked_gantts(
        {"Plan A": (plan, scenario, calendar), "Plan B": (other, scenario, calendar)}
    )
    assert [a.text for a in figure.layout.annotations] == ["Plan A", "Plan B"]
    assert figure.layout.xaxis.matches == "x2"  # one time axis for every plan
    assert list(figure.layout.yaxis2.categoryarray) == ["Léa M.", "Hugo B.", "Noah T."]
    single = len(charts.class_gantt(plan, scenario, calendar).layout.shapes)
    refs = [s.yref for s in figure.layout.shapes]
    assert refs.count("y domain") == single and refs.count("y2 domain") == single
    legend = [t.name for t in figure.data if t.showlegend is not False and t.type == "bar"]
    assert sorted(legend) == sorted(KIND_NAMES)  # the kinds once, not once per plan
    bloc_b = [t for t in figure.data if t.name == "Bloc" and t.yaxis == "y2"]
    assert list(bloc_b[0].base) == ["2027-03-01"]


def test_date_ranges_merge_consecutive_dates_and_bridges() -> None:
    days = [D(2027, 1, 15), D(2027, 1, 18), D(2027, 1, 19), D(2027, 2, 1)]
    assert charts.date_ranges(days) == [
        (D(2027, 1, 15), D(2027, 1, 15)),
        (D(2027, 1, 18), D(2027, 1, 19)),
        (D(2027, 2, 1), D(2027, 2, 1)),
    ]
    weekend = charts.date_ranges(days, bridge=lambda d: d.weekday() >= 5)
    assert weekend[0] == (D(2027, 1, 15), D(2027, 1, 19))


def test_two_hundred_students_stay_a_few_traces_and_shapes(calendar: Calendar) -> None:
    students = [{"id": f"s{i:03d}", "name": f"Élève {i:03d}", "host": "h1"} for i in range(200)]
    big = scenario_from_dict(_raw(students))
    firsts = [D(2027, 3, 1), D(2027, 5, 10), D(2027, 11, 29)]
    dates = {
        s["id"]: [*_weeks(calendar, firsts[i % 3], 6), D(2027, 1, 26), D(2027, 2, 2)]
        for i, s in enumerate(students)
    }
    plan = build_plan(big, calendar, dates)
    figure = charts.class_gantt(plan, big, calendar)
    assert len(figure.layout.yaxis.categoryarray) == 200
    assert len(figure.data) == 5  # one trace per kind, not one per period
    assert len(_trace(figure, "Bloc").y) == 200
    small = charts.class_gantt(plan, big, calendar, students=["s000"])
    assert len(figure.layout.shapes) == len(small.layout.shapes) < 80  # merged ranges
    assert figure.layout.height >= 200 * 18  # rows stay readable
