"""The « Vue de classe » page (Streamlit AppTest): Gantt, weekly strip, KPIs,
sort and filter."""

from __future__ import annotations

import json
from typing import Any

from page_support import app_on, default_solved


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
