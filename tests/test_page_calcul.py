"""The « Calcul » page (Streamlit AppTest) and the background solve job."""

from __future__ import annotations

import dataclasses
import time

import pytest
from page_support import DEFAULT, app_on, default_solved

from dashboard import state
from models import PlanStatus, load_scenario
from planner.diagnose import Conflict
from planner.solve import SolveResult, SolveSettings


def _button(app: object, label: str) -> object:
    return next(b for b in app.button if b.label == label)  # type: ignore[attr-defined]


def test_without_a_result_the_page_invites_to_solve() -> None:
    app = app_on("calcul")
    assert app.title[0].value == "Calcul"
    assert "Calculer" in [b.label for b in app.button]
    assert "Cliquez sur « Calculer »" in app.info[0].value
    labels = {n.label for n in app.number_input}
    assert labels == {"Limite de temps (s)", "Graine", "Processus de recherche"}


def test_calculer_solves_the_default_scenario_then_reuses_the_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(state.SYNC_ENV, "1")  # AppTest cannot wait for a thread's rerun
    app = app_on("calcul")
    _button(app, "Calculer").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    result = app.session_state[state.K_LAST]
    (solved,) = result.values()
    assert solved.status is PlanStatus.OPTIMAL
    assert "default" in app.session_state[state.K_SAVED]
    assert any("optimal" in s.value for s in app.success)
    assert any("toutes les règles R1 à R10 et R12 sont respectées" in s.value for s in app.success)
    verdict = app.dataframe[0].value
    assert list(verdict["Règle"]) == [*(f"R{i}" for i in range(1, 11)), "R12"]  # teachers: R12
    assert set(verdict["Verdict"]) == {"✓ respectée"}
    assert any(h.value == "Pourquoi ce plan : coût par critère" for h in app.subheader)
    # the objective by term, summing to the solver's
    why = next(d.value for d in app.dataframe if "Critère" in d.value.columns)
    assert list(why["Critère"])[-1] == "Total"
    assert why["Coût"].iloc[-1] == solved.objective
    assert [int(v) for v in why["Valeur"][:-1]] == list(solved.terms.values())
    assert why["Valeur"].iloc[-1] == ""  # the total row has no value of its own

    # a second click (or a rerun) does not solve the unchanged scenario again
    monkeypatch.setattr(state, "solve", _no_solve)
    _button(app, "Calculer").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert any("sans nouveau calcul" in i.value for i in app.info)


def _no_solve(*args: object, **kwargs: object) -> SolveResult:
    raise AssertionError("the cached result should have been reused")


def test_infeasible_result_lists_the_conflicts() -> None:
    scenario, solved = default_solved()
    infeasible = SolveResult(
        status=PlanStatus.INFEASIBLE,
        calendar=solved.calendar,
        settings=solved.settings,
        conflicts=(Conflict(("e01",), ("R1", "R7"), "Léa M. (e01) : R1 et R7 en conflit"),),
    )
    app = app_on("calcul", scenario, infeasible)
    errors = " ".join(e.value for e in app.error)
    assert "aucun plan ne respecte les règles" in errors
    assert "Léa M. (e01) : R1 et R7 en conflit" in errors
    assert "R7 intégration dans la progression" in errors


def test_a_running_solve_shows_live_figures_and_can_be_stopped() -> None:
    scenario, _ = default_solved()
    job = state.SolveJob(scenario, SolveSettings.of(scenario), "default")  # not started
    app = app_on("calcul", scenario, None, **{state.K_JOB: job})
    metrics = {m.label for m in app.metric}
    assert {"Meilleur objectif", "Borne", "Écart", "Temps écoulé", "Solutions trouvées"} <= metrics
    _button(app, "Arrêter").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert job.stop_requested
    assert any("Arrêt demandé" in i.value for i in app.info)


def test_solve_job_runs_on_a_background_thread_and_keeps_the_best_plan() -> None:
    scenario = load_scenario(DEFAULT)
    job = state.SolveJob(scenario, SolveSettings.of(scenario), "default").start()
    assert job._thread is not None and job._thread.name == "stageplan-solve"
    deadline = time.monotonic() + 60
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.done and job.error is None
    assert job.result is not None and job.result.status is PlanStatus.OPTIMAL
    assert job.progress is not None and job.progress.solutions >= 1

    stopped = state.SolveJob(scenario, SolveSettings.of(scenario), "arrêté")
    stopped.stop()  # before the start: CP-SAT stops at once
    stopped.run()
    assert stopped.result is not None
    assert stopped.result.status in (PlanStatus.FEASIBLE, PlanStatus.UNKNOWN, PlanStatus.OPTIMAL)


def test_solve_key_changes_with_the_scenario_and_the_settings() -> None:
    scenario, _ = default_solved()
    settings = SolveSettings.of(scenario)
    other = scenario.model_copy(update={"name": "autre"})
    assert state.solve_key(scenario, settings) == state.solve_key(scenario, settings)
    assert state.solve_key(scenario, settings) != state.solve_key(other, settings)
    longer = dataclasses.replace(settings, time_limit_s=120)
    assert state.solve_key(scenario, settings) != state.solve_key(scenario, longer)
