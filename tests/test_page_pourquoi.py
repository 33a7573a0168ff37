"""The « Pourquoi pas ? » page (Streamlit AppTest): a student and dates,
then « Analyser » gives the rules that forbid them or the cost of forcing
them."""

from __future__ import annotations

import datetime as dt
import functools

from factories import run
from page_support import app_on
from test_whynot import _scn

from models import Scenario
from planner.solve import SolveResult


@functools.cache
def _solved() -> tuple[Scenario, SolveResult]:
    scenario = _scn()
    return scenario, run(scenario)


def _page() -> object:
    scenario, result = _solved()
    return app_on("pourquoi", scenario, result, label="petit")


def test_without_a_plan_the_page_says_how_to_get_one() -> None:
    scenario, _ = _solved()
    app = app_on("pourquoi", scenario, None)
    assert app.title[0].value == "Pourquoi pas ?"  # type: ignore[attr-defined]
    assert "Aucun plan" in app.info[0].value  # type: ignore[attr-defined]
    assert not app.button  # type: ignore[attr-defined]


def test_analysing_a_costly_week_shows_the_objective_delta_by_term() -> None:
    app = _page()
    assert app.title[0].value == "Pourquoi pas ?"  # type: ignore[attr-defined]
    assert app.selectbox[0].value == "s1"  # type: ignore[attr-defined]
    assert app.button[0].label == "Analyser"  # type: ignore[attr-defined]
    app.date_input[0].set_value(dt.date(2027, 3, 15))  # type: ignore[attr-defined]
    app.date_input[1].set_value(dt.date(2027, 3, 19))  # type: ignore[attr-defined]
    app.button[0].click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception  # type: ignore[attr-defined]
    assert "au lieu de" in app.warning[0].value  # type: ignore[attr-defined]
    table = app.dataframe[0].value  # type: ignore[attr-defined]
    assert "Périodes de semaines (fractionnement)" in set(table["Critère"])
    assert (table["Écart pondéré"] > 0).all()


def test_analysing_a_closed_week_names_r10() -> None:
    app = _page()
    app.date_input[0].set_value(dt.date(2027, 3, 8))  # type: ignore[attr-defined]
    app.date_input[1].set_value(dt.date(2027, 3, 12))  # type: ignore[attr-defined]
    app.button[0].click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception  # type: ignore[attr-defined]
    assert "R10" in app.error[0].value  # type: ignore[attr-defined]
