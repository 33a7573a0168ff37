"""The « Visites » page (Streamlit AppTest): the teachers' weekly load, the
visits by date and town, one teacher's visits, the referents (R12)."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
from collections import Counter
from typing import Any

from page_support import app_on, default_solved

from models import PeriodKind, Plan, Scenario, Visit, monday_of, scenario_from_dict
from planner.solve import SolveResult


@functools.cache
def solved_with_visits() -> tuple[Scenario, SolveResult]:
    """The default scenario solved; its visits are the solver's (R12 stage)
    or, if the plan has none, :func:`hand_made_visits`."""
    scenario, result = default_solved()
    assert result.plan is not None
    if result.plan.visits:
        return scenario, result
    return scenario, dataclasses.replace(result, plan=hand_made_visits(scenario, result.plan))


def hand_made_visits(scenario: Scenario, plan: Plan) -> Plan:
    """One visit per period of full weeks by the student's referent (named,
    else round the team), on the first day of the period he visits."""
    team = itertools.cycle(scenario.teachers)
    named = {s.id: s.referent for s in scenario.students}
    referents: dict[str, str] = {}
    visits = []
    for period in plan.periods:
        if period.kind not in (PeriodKind.BLOCK, PeriodKind.PERIOD):
            continue
        sid = period.student_id
        teacher = scenario.teacher(referents.setdefault(sid, named[sid] or next(team).id))
        days = sorted(d.date for d in plan.days if d.period_id == period.period_id)
        weekdays = {w.number for w in teacher.visit_days}
        date = next((d for d in days if d.weekday() in weekdays), days[0])
        host = scenario.host(period.host_id)
        town = host.town if host is not None else ""
        visits.append(Visit(sid, period.period_id, teacher.id, date, period.host_id, town))
    return dataclasses.replace(plan, visits=tuple(visits), referents=tuple(referents.items()))


def _figures(app: Any) -> dict[str, dict[str, Any]]:
    """The page's plotly figures by title."""
    figures = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    return {f["layout"]["title"]["text"]: f for f in figures}


def _gantt(app: Any) -> dict[str, Any]:
    (title,) = [t for t in _figures(app) if t.startswith("Visites de ")]
    return _figures(app)[title]


def _markers(figure: dict[str, Any]) -> list[tuple[str, str]]:
    (trace,) = [t for t in figure["data"] if t.get("name") == "Visite"]
    return list(zip(trace["x"], trace["y"], strict=True))


def test_without_a_plan_the_page_points_to_calcul() -> None:
    app = app_on("visites")
    assert app.title[0].value == "Visites"
    assert "« Calcul »" in app.info[0].value
    assert not app.get("plotly_chart")


def test_without_teachers_the_page_says_to_add_them() -> None:
    scenario, _ = solved_with_visits()
    raw = scenario.model_dump(mode="json")
    raw["teachers"] = []
    for student in raw["students"]:
        student["referent"] = None
    bare = scenario_from_dict(raw)
    app = app_on("visites", bare, None)
    (info,) = app.info
    assert "teachers:" in info.value and "R12" in info.value
    assert not app.get("plotly_chart") and not app.metric


def test_the_page_shows_the_load_the_trips_and_the_referents() -> None:
    scenario, result = solved_with_visits()
    plan = result.plan
    assert plan is not None
    app = app_on("visites", scenario, result)
    weekly = Counter((v.teacher_id, monday_of(v.date)) for v in plan.visits)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Visites"] == str(len(plan.visits))
    assert metrics["Maximum par enseignant et semaine"] == str(max(weekly.values()))
    mean = f"{len(plan.visits) / len(weekly):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert metrics["Moyenne par enseignant et semaine"] == mean
    visiting = len({v.teacher_id for v in plan.visits})
    assert metrics["Enseignants qui visitent"] == f"{visiting} / 6"

    load = _figures(app)["Visites par enseignant et par semaine"]
    titles = [a["text"] for a in load["layout"]["annotations"]]
    assert len(titles) == 6
    per_teacher = Counter(v.teacher_id for v in plan.visits)
    durand = scenario.teacher("p-durand")
    assert titles[0] == (
        f"Mme Durand — {per_teacher['p-durand']} visites, "
        f"au plus {durand.max_visits_per_week} par semaine"
    )
    bars = [t for t in load["data"] if t["type"] == "bar"]
    assert sum(sum(t["y"]) for t in bars) == len(plan.visits)

    tables = {tuple(df.value.columns)[:2]: df.value for df in app.dataframe}
    trips = tables["Date", "Ville"]
    assert trips["Visites"].sum() == len(plan.visits)
    trip_keys = {
        (v.date, v.town, v.teacher_id, "" if v.town else v.student_id) for v in plan.visits
    }
    assert len(trips) == len(trip_keys)
    referents = tables["Élève", "Professeur référent"]
    anais = referents[referents["Élève"] == "Anaïs P."].iloc[0]
    assert (anais["Professeur référent"], anais["Désigné par"]) == ("M. Mercier", "le scénario")
    named = {s.id for s in scenario.students if s.referent}  # apprentices too
    assert len(referents) == len(dict(plan.referents).keys() | named)


def test_selecting_a_teacher_shows_his_visits_over_his_students_periods() -> None:
    scenario, result = solved_with_visits()
    plan = result.plan
    assert plan is not None
    app = app_on("visites", scenario, result)
    (select,) = app.selectbox
    assert select.label == "Enseignant" and select.value == "p-durand"
    assert _gantt(app)["layout"]["title"]["text"].startswith("Visites de Mme Durand")

    select.select("p-caron").run()
    assert not app.exception, app.exception
    gantt = _gantt(app)
    mine = sorted(v for v in plan.visits if v.teacher_id == "p-caron")
    names = {s.id: s.name for s in scenario.students}
    followed = {sid for sid, tid in plan.referents if tid == "p-caron"}
    students = f"{len(followed)} " + ("élèves suivis" if len(followed) > 1 else "élève suivi")
    assert len(mine) > 1
    assert gantt["layout"]["title"]["text"] == (
        f"Visites de M. Caron — {len(mine)} visites, {students}"
    )
    assert sorted(_markers(gantt)) == sorted(
        (f"{v.date.isoformat()}T12:00:00", names[v.student_id]) for v in mine
    )
    assert set(gantt["layout"]["yaxis"]["categoryarray"]) == {names[s] for s in followed}
    (listing,) = [df.value for df in app.dataframe if "Tuteur" in df.value.columns]
    assert len(listing) == len(mine)
    assert set(listing["Élève"]) == {names[v.student_id] for v in mine}
