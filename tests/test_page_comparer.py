"""The « Comparer » page (Streamlit AppTest): KPIs, per-student differences
and stacked Gantts of saved results."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from page_support import app_on, default_solved

from dashboard import state
from planner.counting import build_plan
from planner.solve import SolveResult


def _variant() -> SolveResult:
    """The default plan with Léa M. (e01)'s first day moved to 6 October 2026."""
    scenario, result = default_solved()
    assert result.plan is not None
    dates = {s.id: set(result.plan.dates_of(s.id)) for s in scenario.students}
    first = min(dates["e01"])
    moved = dt.date(2026, 10, 6)
    assert moved < first
    dates["e01"] = (dates["e01"] - {first}) | {moved}
    plan = build_plan(scenario, result.calendar, dates)
    return dataclasses.replace(result, plan=plan, solve_time_s=9.0)


def _seeded(labels: list[str]) -> object:
    scenario, result = default_solved()
    results = {"default": result, "variante": _variant(), "copie": result}
    chosen = {label: results[label] for label in labels}
    return app_on(
        "comparer",
        scenario,
        result,
        **{
            state.K_SAVED: chosen,
            state.K_SAVED_SCENARIOS: {label: scenario for label in chosen},
        },
    )


def test_fewer_than_two_results_explains_how_to_get_them() -> None:
    app = _seeded(["default"])
    assert app.title[0].value == "Comparer"  # type: ignore[attr-defined]
    assert "au moins deux scénarios calculés" in app.info[0].value  # type: ignore[attr-defined]


def test_comparing_two_saved_results() -> None:
    app = _seeded(["default", "variante", "copie"])
    chosen = app.multiselect[0]  # type: ignore[attr-defined]
    assert chosen.value == ["variante", "copie"]  # the last two by default
    chosen.set_value(["default", "variante"]).run()
    assert not app.exception, app.exception  # type: ignore[attr-defined]
    kpis = app.dataframe[0].value  # type: ignore[attr-defined]
    assert list(kpis.columns) == ["default", "variante"]
    assert "Élèves placés" in kpis.index and "Temps de calcul (s)" in kpis.index
    diff = app.dataframe[1].value  # type: ignore[attr-defined]
    assert list(diff["Élève"]) == ["Léa M."]
    assert list(diff["Jours ajoutés"]) == [1] and list(diff["Jours retirés"]) == [1]
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)  # type: ignore[attr-defined]
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles == ["default", "variante"]


def test_identical_plans_have_no_difference() -> None:
    app = _seeded(["default", "copie"])
    assert any("exactement les mêmes jours" in s.value for s in app.success)  # type: ignore[attr-defined]
