"""Several teachers at once: sessions solving and saving at the same time
keep their own scenario, result and file version; the server's queue lets
one solve run at a time (``STAGEPLAN_MAX_SOLVES=1``), the others wait their
turn, can leave the queue, and a full queue refuses politely.

AppTest sessions run in this process with real solve threads (no
``STAGEPLAN_SYNC_SOLVE``); the last test drives two Chromium contexts
against one ``streamlit run`` server.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from page_support import ROOT, app_on
from playwright.sync_api import Page, sync_playwright
from server_support import streamlit_server
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.export_figures import CHROMIUM_ARGS, SYSTEM_CHROMIUM
from dashboard.scenario_edit import save_scenario
from models import Scenario, load_scenario
from planner import store

BLOC = ROOT / "scenarios" / "bloc-novembre-annee2.yaml"
DEFAULT = ROOT / "scenarios" / "default.yaml"
WAIT_S = 120


@pytest.fixture
def one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> state.SolveQueue:
    """A server queue of one running solve and two waiting; real threads."""
    monkeypatch.delenv(state.SYNC_ENV, raising=False)
    queue = state.SolveQueue(limit=1, capacity=2)
    monkeypatch.setattr(state, "SOLVE_QUEUE", queue)
    return queue


def _button(app: AppTest, label: str) -> object:
    return next(b for b in app.button if b.label == label)


def _click(app: AppTest, label: str) -> None:
    _button(app, label).click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception


def _time_limit(app: AppTest, seconds: float) -> None:
    field = next(n for n in app.number_input if n.label == "Limite de temps (s)")
    field.set_value(seconds).run()
    assert not app.exception, app.exception


def _job(app: AppTest) -> state.SolveJob | None:
    if state.K_JOB not in app.session_state:
        return None
    job: state.SolveJob = app.session_state[state.K_JOB]
    return job


def _until_collected(*apps: AppTest) -> None:
    """Rerun each session (as its page's timer would) until its job is collected."""
    deadline = time.monotonic() + WAIT_S
    while any(_job(app) is not None for app in apps):
        assert time.monotonic() < deadline, "solves still running"
        time.sleep(0.2)
        for app in apps:
            if _job(app) is not None:
                app.run()
                assert not app.exception, app.exception


def _texts(app: AppTest) -> str:
    return " ".join(e.value for e in [*app.info, *app.success, *app.warning, *app.error])


def _owns(scenario: Scenario, app: AppTest, label: str) -> None:
    """The session holds its own scenario, label and plan, nothing of the other."""
    assert app.session_state[state.K_SCENARIO] == scenario
    assert app.session_state[state.K_LABEL] == label
    last = app.session_state[state.K_LAST]
    assert list(last) == [state.scenario_hash(scenario)]
    (result,) = last.values()
    assert result.plan is not None and result.verdict is not None and result.verdict.ok
    students = {s.id for s in scenario.students}
    assert {d.student_id for d in result.plan.days} <= students
    assert list(app.session_state[state.K_SAVED]) == [label]
    assert f"Calcul terminé pour « {label} »." in _texts(app)


def test_two_sessions_solve_at_once_and_keep_their_own_results(
    one_at_a_time: state.SolveQueue,
) -> None:
    started = time.monotonic()
    bloc, default = load_scenario(BLOC), load_scenario(DEFAULT)
    first = app_on("calcul", bloc, None, label="bloc-novembre-annee2")
    second = app_on("calcul", default, None, label="default")
    _time_limit(first, 5)
    _click(first, "Calculer")
    _click(second, "Calculer")
    running, waiting = _job(first), _job(second)
    assert running is not None and waiting is not None
    assert running.ahead is None and waiting.ahead == 1
    assert "En attente : 1 calcul(s) avant le vôtre." in _texts(second)
    assert one_at_a_time.counts == (1, 1)

    _until_collected(first, second)
    _owns(bloc, first, "bloc-novembre-annee2")
    _owns(default, second, "default")
    assert first.session_state[state.K_LAST] != second.session_state[state.K_LAST]
    # one at a time: the second solve started once the first had ended
    assert running._ended is not None and waiting._started >= running._ended
    assert one_at_a_time.counts == (0, 0)
    print(f"\ntwo AppTest sessions solving at once: {time.monotonic() - started:.1f} s")


def test_a_waiting_solve_can_leave_the_queue_and_a_full_queue_refuses(
    one_at_a_time: state.SolveQueue,
) -> None:
    bloc, default = load_scenario(BLOC), load_scenario(DEFAULT)
    sessions = [app_on("calcul", bloc, None, label="bloc-novembre-annee2")]
    sessions += [app_on("calcul", default, None, label=f"default {n}") for n in (2, 3, 4)]
    running, waiting, third, refused = sessions
    _click(running, "Calculer")
    _click(waiting, "Calculer")
    _click(third, "Calculer")
    assert "En attente : 2 calcul(s) avant le vôtre." in _texts(third)
    _click(refused, "Calculer")  # one running, two waiting: full
    assert _job(refused) is None
    assert "Le serveur est occupé" in _texts(refused)
    assert "Réessayez dans quelques minutes" in _texts(refused)

    _click(waiting, "Arrêter")  # leaves the queue: the third moves up
    assert "retiré de la file d'attente" in _texts(waiting)
    _until_collected(waiting)
    assert "annulé avant son début" in _texts(waiting)
    assert state.K_LAST not in waiting.session_state or not waiting.session_state[state.K_LAST]
    third.run()
    assert "En attente : 1 calcul(s) avant le vôtre." in _texts(third)

    _click(running, "Arrêter")  # the running solve stops, keeping its best plan
    _until_collected(running, third)
    assert "Calcul terminé pour « default 3 »." in _texts(third)
    assert one_at_a_time.counts == (0, 0)


def _load_file(app: AppTest, path: Path) -> None:
    app.selectbox[0].select(path)
    _click(app, "Charger ce scénario")


def _set_sync_weight(app: AppTest, value: int) -> None:
    label = "Semaine d'enseignement où la classe est scindée"
    next(s for s in app.slider if s.label == label).set_value(value)
    _click(app, "Appliquer")


def test_two_sessions_saving_the_same_file_the_second_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state, "SCENARIOS_DIR", tmp_path)
    path = save_scenario(load_scenario(DEFAULT), "partage", tmp_path)
    original = path.read_text(encoding="utf-8")
    first, second = app_on(None), app_on(None)
    _load_file(first, path)
    _load_file(second, path)
    assert first.session_state[state.K_ORIGIN] == second.session_state[state.K_ORIGIN]

    _set_sync_weight(first, 40)
    _set_sync_weight(second, 50)
    _click(first, "Enregistrer dans partage.yaml")
    assert load_scenario(path).weights.sync == 40
    _click(second, "Enregistrer dans partage.yaml")
    assert load_scenario(path).weights.sync == 40  # not overwritten without asking
    warning = " ".join(w.value for w in second.warning)
    assert "« partage.yaml » a été modifié le" in warning
    # each session kept its own version of the scenario
    assert first.session_state[state.K_SCENARIO].weights.sync == 40
    assert second.session_state[state.K_SCENARIO].weights.sync == 50

    _click(second, "Écraser quand même")
    assert load_scenario(path).weights.sync == 50
    kept = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in store.backups(path)]
    assert kept[0] == yaml.safe_load(original)
    assert [k["weights"]["sync"] for k in kept] == [30, 40]  # nothing lost
    # the first session's next save is now the one asked
    _set_sync_weight(first, 45)
    _click(first, "Enregistrer dans partage.yaml")
    assert "a été modifié le" in " ".join(w.value for w in first.warning)
    assert load_scenario(path).weights.sync == 50


# --- two browsers against one server ---


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``streamlit run`` with one solve at a time; its default scenario is
    « bloc-novembre-annee2 » limited to 6 s (long enough to see a queue)."""
    scenarios = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", scenarios)
    text = BLOC.read_text(encoding="utf-8").replace("time_limit_s: 60", "time_limit_s: 6")
    (scenarios / "default.yaml").write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != state.SYNC_ENV}
    env |= {state.MAX_SOLVES_ENV: "1", "STAGEPLAN_SCENARIOS_DIR": str(scenarios)}
    with streamlit_server(env, tmp_path / "streamlit.log") as url:
        yield url


def _main_text(page: Page) -> str:
    return page.inner_text("[data-testid='stMain']")


def test_two_browsers_solve_at_once_on_one_server(server: str) -> None:
    if not os.path.exists(SYSTEM_CHROMIUM):
        pytest.fail(f"Chromium introuvable ({SYSTEM_CHROMIUM}) : apt-get install -y chromium")
    started = time.monotonic()
    seen_waiting = False
    verdicts: dict[str, str] = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=SYSTEM_CHROMIUM, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            pages = {}
            for name in ("A", "B"):
                page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
                page.set_default_timeout(60_000)
                page.goto(server, wait_until="domcontentloaded")
                page.get_by_role("link", name="Calcul", exact=True).first.click()
                page.get_by_role("button", name="Calculer", exact=True).wait_for()
                pages[name] = page
            for page in pages.values():
                page.get_by_role("button", name="Calculer", exact=True).click()
            deadline = time.monotonic() + WAIT_S
            while len(verdicts) < 2 and time.monotonic() < deadline:
                for name, page in pages.items():
                    text = _main_text(page)
                    seen_waiting |= "calcul(s) avant le vôtre" in text
                    if "Vérification indépendante" in text and name not in verdicts:
                        verdicts[name] = text
                pages["A"].wait_for_timeout(200)
        finally:
            browser.close()
    elapsed = time.monotonic() - started
    print(f"\ntwo browser sessions solving at once: {elapsed:.1f} s")
    assert set(verdicts) == {"A", "B"}, "each session ends with its own verdict"
    for text in verdicts.values():
        assert "Statut" in text and ("OPTIMAL" in text or "FEASIBLE" in text)
        assert "toutes les règles" in text
    assert seen_waiting, "with one solve at a time, one session waited its turn"
