"""The « Vue de classe » page (Streamlit AppTest): Gantt, weekly strip, KPIs,
sort and filter."""

from __future__ import annotations

import json
import re
from typing import Any

from page_support import app_on, default_solved

from dashboard.charts import host_names
from dashboard.views import cohorts_of, plan_of


def _figures(app: Any) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def _rows(figure: dict[str, Any]) -> list[str]:
    return list(figure["layout"]["yaxis"]["categoryarray"])


def test_without_a_plan_the_page_points_to_calcul() -> None:
    app = app_on("classe")
    assert app.title[0].value == "Vue de classe"
    assert "« Calcul »" in app.info[0].value
    assert not app.get("plotly_chart")


def test_class_view_shows_gantt_strip_and_kpis() -> None:
    scenario, result = default_solved()
    app = app_on("classe", scenario, result)
    gantt, strip = _figures(app)
    assert len(_rows(gantt)) == 29  # 33 students, 4 exempt
    assert strip["layout"]["title"]["text"].startswith("Élèves en entreprise par semaine")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Élèves placés"] == "29 / 29"
    assert metrics["Semaines scindées"] == str(result.kpis["split_teaching_weeks"])
    assert {s.label for s in app.selectbox} == {"Trier par", "Verdict"}
    assert {m.label for m in app.multiselect} == {"Parcours", "Entreprise"}


def test_filter_by_host_and_sort_by_start() -> None:
    scenario, result = default_solved()
    app = app_on("classe", scenario, result)
    host = next(m for m in app.multiselect if m.label == "Entreprise")
    host.select("sport-horizon").run()
    assert not app.exception, app.exception
    assert _rows(_figures(app)[0]) == ["Chloé D.", "Hugo B.", "Léa M."]  # by name

    sort = next(s for s in app.selectbox if s.label == "Trier par")
    sort.select("start").run()
    rows = _rows(_figures(app)[0])
    starts = {
        s.name: min(p.start for p in result.plan.periods if p.student_id == s.id)  # type: ignore[union-attr]
        for s in scenario.students
        if s.host == "sport-horizon"
    }
    assert rows == sorted(starts, key=lambda name: (starts[name], name.casefold()))


def test_status_filter_ko_on_a_valid_plan_shows_nobody() -> None:
    scenario, result = default_solved()
    app = app_on("classe", scenario, result)
    next(s for s in app.selectbox if s.label == "Verdict").select("ko").run()
    assert "Aucun élève ne correspond" in app.warning[0].value
    assert len(_figures(app)) == 1  # the weekly strip only


def _two_classes() -> tuple[Any, Any]:
    """The default class split in two cohorts (a school of two classes)."""
    scenario, result = default_solved()
    students = tuple(
        s.model_copy(update={"cohort": "NRC2-B"}) if i % 2 else s
        for i, s in enumerate(scenario.students)
    )
    return scenario.model_copy(update={"students": students}), result


def test_a_school_is_shown_one_class_at_a_time() -> None:
    scenario, result = _two_classes()
    first = scenario.students[0].cohort
    names = {c: {s.name for s in scenario.students if s.cohort == c} for c in (first, "NRC2-B")}
    app = app_on("classe", scenario, result)
    chooser = next(s for s in app.selectbox if s.label == "Classe")
    assert chooser.options == [first, "NRC2-B"] and chooser.value == first
    gantt = _figures(app)[0]
    rows = _rows(gantt)
    assert rows and set(rows) <= names[first]
    # Every student of the class is a row or counted as exempt; no other is.
    exempt = re.search(r"dispensés non affichés : (\d+)", gantt["layout"]["title"]["text"])
    assert len(rows) + int(exempt.group(1) if exempt else 0) == len(names[first])
    # Only the class's hosts are offered.
    host = next(m for m in app.multiselect if m.label == "Entreprise")
    labels = host_names(scenario)
    hosts = {labels.get(s.host, s.host or "") for s in scenario.students if s.cohort == first}
    assert set(host.options) == hosts and len(hosts) < len(labels)

    chooser.select("NRC2-B").run()
    assert not app.exception, app.exception
    rows = _rows(_figures(app)[0])
    assert rows and set(rows) <= names["NRC2-B"]


def test_a_class_s_part_of_the_plan_keeps_its_rows_only() -> None:
    scenario, result = _two_classes()
    assert result.plan is not None
    ids = {s.id for s in scenario.students if s.cohort == "NRC2-B"}
    part = plan_of(result.plan, ids)
    for rows in (part.days, part.periods, part.visits):
        assert rows and {r.student_id for r in rows} <= ids
    assert len(part.days) == sum(len(result.plan.days_of(i)) for i in ids)
    assert cohorts_of(scenario) == [scenario.students[0].cohort, "NRC2-B"]
