"""The dashboard in a real browser: ``streamlit run dashboard/app.py`` as a
subprocess, driven through the system Chromium (``/usr/bin/chromium``) by
playwright. Load the app on the default scenario, solve it on « Calcul »,
open « Vue de classe »: the Gantt shows one row per student owing an
internship and the school holidays shaded.

Never skipped: without Chromium the test fails and says how to install it
(playwright's own browser download is never used).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, sync_playwright
from server_support import streamlit_server

from dashboard.export_figures import CHROMIUM_ARGS, SYSTEM_CHROMIUM
from models import load_scenario, requirement_of

ROOT = Path(__file__).resolve().parent.parent
STARTUP_S = 90
SOLVE_S = 180

#: The Gantt of the page, read from plotly's own state in the page.
_READ_GANTT = """
() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const gd = plots.find(p => p._fullLayout &&
    String((p._fullLayout.title || {}).text || '').includes('Plan de la classe'));
  if (!gd) return null;
  const y = gd._fullLayout.yaxis;
  return {
    title: gd._fullLayout.title.text,
    categories: y._categories || [],
    ticks: [...gd.querySelectorAll('.ytick text')].map(t => t.textContent),
    shapes: (gd._fullLayout.shapes || []).map(s => ({
      x0: String(s.x0), x1: String(s.x1), name: s.name || '', fill: s.fillcolor || ''
    })),
    bars: gd.data.filter(t => t.type === 'bar').reduce((n, t) => n + (t.y || []).length, 0),
  };
}
"""

_LIST_PLOTS = """
() => [...document.querySelectorAll('.js-plotly-plot')].map(p =>
  p._fullLayout ? String((p._fullLayout.title || {}).text || '(sans titre)') : '(non dessiné)')
"""


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free port; always stopped at the end."""
    env = {k: v for k, v in os.environ.items() if k != "STAGEPLAN_SYNC_SOLVE"}
    with streamlit_server(env, tmp_path / "streamlit.log", STARTUP_S) as url:
        yield url


def _chromium() -> str:
    if not os.path.exists(SYSTEM_CHROMIUM):
        pytest.fail(
            f"Chromium introuvable ({SYSTEM_CHROMIUM}) : le test du navigateur ne peut pas "
            "tourner. Installez-le : apt-get install -y chromium"
        )
    return SYSTEM_CHROMIUM


def _open_page(page: Page, name: str) -> None:
    """Click a page of the navigation (the session, and its plan, is kept)."""
    page.get_by_role("link", name=name, exact=True).first.click()


def _read_gantt(page: Page, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = page.evaluate(_READ_GANTT)
        if found and found["categories"] and found["ticks"]:
            return dict(found)
        page.wait_for_timeout(200)
    plots = page.evaluate(_LIST_PLOTS)
    page_text = page.inner_text("body")[-800:]
    pytest.fail(
        f"le Gantt de la classe ne s'affiche pas en {timeout_s:.0f} s "
        f"(graphiques : {plots} ; page : {page_text})"
    )


def _covers(shape: dict[str, str], day: dt.date) -> bool:
    return shape["x0"][:10] <= day.isoformat() < shape["x1"][:10]


def test_solve_then_class_gantt_in_chromium(app_url: str, tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "scenarios" / "default.yaml")
    owing = [s.name for s in scenario.students if not requirement_of(s, scenario.rules).exempt]
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=_chromium(), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(60_000)
            page.goto(app_url, wait_until="domcontentloaded")
            page.get_by_role("link", name="Calcul", exact=True).first.wait_for()
            _open_page(page, "Calcul")
            calculer = page.get_by_role("button", name="Calculer", exact=True)
            calculer.wait_for()
            clicked = time.monotonic()
            calculer.click()
            _wait_for_result(page)
            _open_page(page, "Vue de classe")
            gantt = _read_gantt(page, 60)
            click_to_gantt = time.monotonic() - clicked
            page.screenshot(path=str(tmp_path / "vue-de-classe.png"), full_page=True)
            _open_page(page, "Exporter")
            workbook = _download(page, "Classeur Excel", tmp_path)
            image = _download(page, "Gantt en image (PNG)", tmp_path)
            page.screenshot(path=str(tmp_path / "exporter.png"))
        finally:
            browser.close()
    print(f"\nclick on « Calculer » to the class Gantt shown: {click_to_gantt:.1f} s")
    assert sorted(gantt["categories"]) == sorted(owing)
    assert len(gantt["categories"]) == len(owing) == 29
    assert set(gantt["ticks"]) <= set(owing)
    assert gantt["bars"] > len(owing)
    holidays = [s for s in gantt["shapes"] if s["name"] == "Vacances scolaires"]
    assert holidays, gantt["shapes"][:3]
    assert any(_covers(s, dt.date(2026, 12, 24)) for s in holidays)  # Christmas, zone A
    assert any(_covers(s, dt.date(2027, 8, 2)) for s in holidays)  # summer
    assert (tmp_path / "vue-de-classe.png").stat().st_size > 10_000
    # The files of « Exporter » are made on click, off the script thread.
    assert workbook.name == "default-planning.xlsx"
    planning = openpyxl.load_workbook(workbook)["Planning"]
    assert planning.max_row >= 2 + len(owing)
    assert image.read_bytes().startswith(b"\x89PNG")


def _download(page: Page, label: str, folder: Path) -> Path:
    """Click a download button; the file the browser receives."""
    button = page.get_by_role("button", name=label)
    button.wait_for()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _wait_for_result(page: Page) -> None:
    """Until the Calcul page says the solve has ended (a status is shown)."""
    deadline = time.monotonic() + SOLVE_S
    while time.monotonic() < deadline:
        text = page.inner_text("section.main, [data-testid='stMain']")
        if "OPTIMAL" in text or "FEASIBLE" in text:
            return
        page.wait_for_timeout(200)
    pytest.fail(f"le calcul ne se termine pas en {SOLVE_S} s : {text[-500:]}")
