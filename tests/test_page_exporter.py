"""The « Exporter » page (Streamlit AppTest): with a solved plan it offers
every download; without one it points to « Calcul »; and the files it
offers are the right ones (HTML offline, PNG drawn by the local Chromium)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from page_support import app_on, default_solved
from streamlit.testing.v1 import AppTest

from dashboard import export_figures
from dashboard.charts import class_gantt
from models import Scenario
from planner.solve import SolveResult

LABEL = "default"

DOWNLOADS = {
    "Fichiers du plan (ZIP)",
    "Classeur Excel",
    "Tous les agendas (ZIP)",
    "Gantt interactif (HTML)",
    "Gantt en image (PNG)",
}


@pytest.fixture(scope="module")
def solved() -> tuple[Scenario, SolveResult]:
    return default_solved()  # solved once per test session


def _app(scenario: Scenario, result: SolveResult | None) -> AppTest:
    """The app on the Exporter page, its session seeded with a scenario and its result."""
    return app_on("exporter", scenario, result, label=LABEL)


def _downloads(app: AppTest) -> dict[str, Any]:
    return {element.proto.label: element.proto for element in app.get("download_button")}


def test_page_offers_every_download_of_a_solved_plan(
    solved: tuple[Scenario, SolveResult],
) -> None:
    app = _app(*solved)
    assert not app.exception, app.exception
    labels = set(_downloads(app))
    assert labels >= DOWNLOADS
    assert any(label.startswith("Agenda de ") for label in labels)
    assert [s.label for s in app.selectbox] == ["Élève"]
    assert len(app.selectbox[0].options) == 30  # the rows of the Planning sheet
    assert app.title[0].value == "Exporter"


def test_choosing_a_student_changes_his_calendar_download(
    solved: tuple[Scenario, SolveResult],
) -> None:
    app = _app(*solved)
    app.selectbox[0].select("e02").run()
    assert not app.exception, app.exception
    assert "Agenda de Hugo B." in _downloads(app)


def test_page_without_a_plan_points_to_calcul(solved: tuple[Scenario, SolveResult]) -> None:
    app = _app(solved[0], None)
    assert not app.exception, app.exception
    assert not _downloads(app)
    assert "« Calcul »" in app.info[0].value


# --- the files behind the buttons -------------------------------------------


def test_gantt_html_is_self_contained(solved: tuple[Scenario, SolveResult]) -> None:
    scenario, result = solved
    assert result.plan is not None
    html = export_figures.gantt_html(class_gantt(result.plan, scenario, result.calendar))
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<script src=" not in html  # plotly.js inlined: nothing to fetch
    assert "Plotly.newPlot" in html
    assert "Hugo B." in html
    assert "<title>Plan de la classe" in html


def test_gantt_png_is_drawn_by_the_local_chromium(solved: tuple[Scenario, SolveResult]) -> None:
    scenario, result = solved
    assert result.plan is not None
    assert export_figures.chromium_path() is not None, (
        "Chromium introuvable : apt-get install chromium (le test ne doit pas être sauté)"
    )
    png = export_figures.gantt_png(class_gantt(result.plan, scenario, result.calendar))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert (width, height) == (1600, 140 + 20 * 29)


def test_the_workbook_and_zips_behind_the_buttons_open(
    solved: tuple[Scenario, SolveResult],
) -> None:
    from planner import exports, plan_io

    scenario, result = solved
    assert result.plan is not None and result.verdict is not None
    info = result.solve_info()
    book = openpyxl.load_workbook(
        io.BytesIO(
            exports.workbook_bytes(scenario, result.calendar, result.plan, result.verdict, info)
        )
    )
    assert book.sheetnames[0] == "Planning"
    data = exports.plan_zip(scenario, result.calendar, result.plan, result.verdict, info)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(plan_io.PLAN_FILES)
