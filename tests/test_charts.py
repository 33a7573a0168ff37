"""dashboard.charts: the figures are built from hand-made plans (no solve);
with the tables of the Visites page (dashboard.views) on hand-made visits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from dashboard import charts, views
from models import Calendar, Plan, Scenario, Visit, scenario_from_dict
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


# --- teachers' visits (R12): Visites page figures and tables ---------------------

TEAM = [
    {"id": "t1", "name": "Mme Durand", "visit_days": ["mardi", "jeudi"], "max_visits_per_week": 2},
    {"id": "t2", "name": "M. Caron", "visit_days": ["mardi", "jeudi"], "max_visits_per_week": 1},
    {"id": "t3", "name": "Mme Lemoine", "visit_days": ["mercredi"], "max_visits_per_week": 2},
]


@pytest.fixture(scope="module")
def team(scenario: Scenario) -> Scenario:
    raw = scenario.model_dump(mode="json")
    raw["teachers"] = TEAM
    raw["hosts"][0] |= {"address": "12 rue X", "postcode": "69100", "town": "Villeurbanne"}
    raw["hosts"][0]["tutor"] = {"name": "Nadia Benali", "email": "n.b@example.fr"}
    raw["hosts"][1] |= {"town": "Villefranche-sur-Saône"}
    raw["students"][1]["referent"] = "t2"  # Hugo B.: named by the scenario
    return scenario_from_dict(raw)


@pytest.fixture(scope="module")
def visited(plan: Plan) -> Plan:
    """Léa M. (e1, block at h1) followed by t1, Hugo B. (e2, period at h2) by t2."""
    block = next(p for p in plan.periods if p.student_id == "e1" and p.kind.value == "block")
    period = next(p for p in plan.periods if p.student_id == "e2" and p.kind.value == "period")
    visits = (
        Visit("e1", block.period_id, "t1", D(2027, 5, 11), "h1", "Villeurbanne"),
        Visit("e1", block.period_id, "t1", D(2027, 5, 13), "h1", "Villeurbanne"),
        Visit("e1", block.period_id, "t1", D(2027, 6, 8), "h1", "Villeurbanne"),
        # t2 twice in one week: above his maximum of 1
        Visit("e2", period.period_id, "t2", D(2026, 12, 8), "h2", "Villefranche-sur-Saône"),
        Visit("e2", period.period_id, "t2", D(2026, 12, 10), "h2", "Villefranche-sur-Saône"),
    )
    return dataclasses.replace(plan, visits=visits, referents=(("e1", "t1"), ("e2", "t2")))


def _panel(figure: Any, index: int) -> tuple[Any, Any]:
    """(bars, maximum line) of a teacher's panel of the load chart."""
    axis = "y" if index == 0 else f"y{index + 1}"
    bars = next(t for t in figure.data if t.type == "bar" and t.yaxis == axis)
    line = next(t for t in figure.data if t.type == "scatter" and t.yaxis == axis)
    return bars, line


def test_teacher_load_chart_counts_visits_per_teacher_and_week(
    visited: Plan, team: Scenario, calendar: Calendar
) -> None:
    figure = charts.teacher_load_chart(visited, team, calendar)
    assert [a.text for a in figure.layout.annotations] == [
        "Mme Durand — 3 visites, au plus 2 par semaine",
        "M. Caron — 2 visites, au plus 1 par semaine",
        "Mme Lemoine — 0 visite, au plus 2 par semaine",
    ]
    durand, durand_max = _panel(figure, 0)
    assert list(durand.x) == ["2027-05-10", "2027-06-07"]
    assert list(durand.y) == [2, 1]
    assert list(durand.marker.color) == [charts.VISIT_COLOUR] * 2
    assert list(durand_max.y) == [2, 2]
    assert list(durand_max.x) == ["2026-09-01", "2028-07-01"]  # the whole training
    caron, caron_max = _panel(figure, 1)
    assert (list(caron.x), list(caron.y)) == (["2026-12-07"], [2])
    assert list(caron.marker.color) == [charts.OVER_COLOUR]  # above his maximum of 1
    assert list(caron_max.y) == [1, 1]
    lemoine, _ = _panel(figure, 2)
    assert len(lemoine.x) == 0
    legend = [t.name for t in figure.data if t.showlegend]
    assert legend == ["Maximum de visites par semaine"]  # once, not once per teacher
    assert figure.layout.yaxis3.range == (0, 2.6)
    refs = {s.yref for s in figure.layout.shapes if s.name == "Vacances scolaires"}
    assert refs == {"y domain", "y2 domain", "y3 domain"}


def test_teacher_load_chart_without_teachers_says_so(
    plan: Plan, scenario: Scenario, calendar: Calendar
) -> None:
    figure = charts.teacher_load_chart(plan, scenario, calendar)
    assert not figure.data
    assert figure.layout.title.text == "Aucun enseignant dans le scénario"


def test_teacher_gantt_marks_his_visits_over_his_students_periods(
    visited: Plan, team: Scenario, calendar: Calendar
) -> None:
    figure = charts.teacher_gantt(visited, team, calendar, "t1")
    assert list(figure.layout.yaxis.categoryarray) == ["Léa M."]
    assert figure.layout.title.text == "Visites de Mme Durand — 3 visites, 1 élève suivi"
    markers = _trace(figure, "Visite")
    assert list(markers.x) == ["2027-05-11T12:00:00", "2027-05-13T12:00:00", "2027-06-08T12:00:00"]
    assert list(markers.y) == ["Léa M."] * 3
    assert "mardi 11/05/2027" in markers.hovertext[0]
    assert "Tuteur : Nadia Benali" in markers.hovertext[0]
    assert list(_trace(figure, "Bloc").y) == ["Léa M."]
    assert len(_trace(figure, "Période").y) == 0  # Hugo B.'s period is not his
    other = charts.teacher_gantt(visited, team, calendar, "t2")
    assert list(_trace(other, "Visite").y) == ["Hugo B."] * 2
    assert list(_trace(other, "Période").y) == ["Hugo B."]
    with pytest.raises(KeyError):
        charts.teacher_gantt(visited, team, calendar, "inconnu")


def test_teacher_gantt_keeps_a_referent_student_without_visits(
    plan: Plan, team: Scenario, calendar: Calendar
) -> None:
    figure = charts.teacher_gantt(plan, team, calendar, "t2")  # no visits at all
    assert list(figure.layout.yaxis.categoryarray) == ["Hugo B."]  # t2 is his referent
    assert len(_trace(figure, "Visite").x) == 0
    assert figure.layout.title.text == "Visites de M. Caron — 0 visite, 1 élève suivi"


def test_visit_load_figures(visited: Plan, team: Scenario) -> None:
    load = views.visit_load(visited, team)
    assert load.visits == 5
    assert load.teacher_weeks == 3  # t1: two weeks, t2: one
    assert load.max_per_week == 2
    assert load.mean_per_week == pytest.approx(5 / 3)
    assert load.per_teacher == {"t1": 3, "t2": 2, "t3": 0}
    # the mean is over teacher-weeks with a visit, not over teachers or weeks
    one_week = views.visit_load(dataclasses.replace(visited, visits=visited.visits[:2]), team)
    assert (one_week.teacher_weeks, one_week.mean_per_week) == (1, 2.0)
    table = views.teacher_load_table(visited, team)
    assert list(table["Visites"]) == [3, 2, 0]
    assert list(table["Maximum par semaine"]) == [2, 1, 2]
    assert list(table["Semaines avec visites"]) == [2, 1, 0]
    assert list(table["Élèves suivis"]) == [1, 1, 0]
    assert list(table["Semaine la plus chargée"]) == [
        "2 visites (semaine du 10/05/2027)",
        "2 visites (semaine du 07/12/2026)",
        "—",
    ]


def test_visit_trips_group_the_visits_of_a_day_and_town(visited: Plan, team: Scenario) -> None:
    extra = Visit("e2", "x", "t1", D(2027, 5, 11), "h1", "Villeurbanne")
    # two students without a host yet: town unknown, so no shared trip
    unknown = [Visit(s, "y", "t2", D(2027, 5, 12), None, "") for s in ("e3", "e4")]
    plan = dataclasses.replace(visited, visits=(*visited.visits, extra, *unknown))
    table = views.visit_trips_table(plan, team)
    assert list(table.columns) == [
        "Date",
        "Ville",
        "Enseignant",
        "Visites",
        "Élèves",
        "Entreprises",
    ]
    first = table.iloc[2].to_dict()  # after t2's two December visits
    assert first == {
        "Date": "mardi 11/05/2027",
        "Ville": "Villeurbanne",
        "Enseignant": "Mme Durand",
        "Visites": 2,
        "Élèves": "Léa M., Hugo B.",
        "Entreprises": "Sport Horizon",
    }
    assert list(table["Date"])[:2] == ["mardi 08/12/2026", "jeudi 10/12/2026"]
    alone = table[table["Ville"] == "à préciser"]
    assert list(alone["Élèves"]) == ["Inès K.", "Noah T."]
    assert set(alone["Entreprises"]) == {"entreprise à trouver"}
    assert len(table) == 7
    assert len(views.visit_trips_table(plan, team, "t2")) == 4


def test_teacher_visits_and_referents_tables(visited: Plan, team: Scenario) -> None:
    visits = views.teacher_visits_table(visited, team, "t1")
    assert list(visits["Visite"]) == ["1 / 3", "2 / 3", "3 / 3"]
    assert list(visits["Adresse"]) == ["12 rue X, 69100 Villeurbanne"] * 3
    assert list(visits["Tuteur"]) == ["Nadia Benali — n.b@example.fr"] * 3
    assert visits["Période"][0] == "Bloc du 10/05/2027 au 25/06/2027"
    referents = views.referents_table(visited, team)
    assert referents.to_dict("records") == [
        {
            "Élève": "Léa M.",
            "Professeur référent": "Mme Durand",
            "Désigné par": "le planificateur",
            "Visites": 3,
            "Entreprise": "Sport Horizon",
        },
        {
            "Élève": "Hugo B.",
            "Professeur référent": "M. Caron",
            "Désigné par": "le scénario",
            "Visites": 2,
            "Entreprise": "Caves du Beaujolais",
        },
    ]
