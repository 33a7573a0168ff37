"""The « Calcul » page (Streamlit AppTest) and the background solve job."""

from __future__ import annotations

import dataclasses
import os
import threading
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


def test_the_queue_runs_solves_in_turn_up_to_its_limit() -> None:
    """Six jobs, two at a time: never more than two run, and they start in
    the order they came (first come, first served)."""
    queue = state.SolveQueue(limit=2, capacity=10)
    lock = threading.Lock()
    running: list[int] = []
    peak: list[int] = []
    order: list[int] = []

    class Sleeper(state.SolveJob):
        def __init__(self, number: int) -> None:
            scenario, _ = default_solved()
            super().__init__(scenario, SolveSettings.of(scenario), f"job {number}", queue)
            self.number = number

        def _work(self) -> SolveResult:
            with lock:
                order.append(self.number)
                running.append(self.number)
                peak.append(len(running))
            time.sleep(0.05 + 0.04 * self.number)  # places free up one at a time
            with lock:
                running.remove(self.number)
            return default_solved()[1]

    jobs = [Sleeper(n) for n in range(6)]
    for job in jobs:
        queue.submit(job)  # the order of the clicks
    assert [job.ahead for job in jobs] == [None, None, 2, 3, 4, 5]  # two places taken at once
    for job in reversed(jobs):  # threads start in any order
        job.start()
    deadline = time.monotonic() + 30
    while not all(job.done for job in jobs) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(job.result is not None for job in jobs)
    assert sorted(order[:2]) == [0, 1] and order[2:] == [2, 3, 4, 5]
    assert max(peak) == 2
    assert queue.counts == (0, 0)


def test_a_full_queue_refuses_in_french_and_sizes_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario, _ = default_solved()
    queue = state.SolveQueue(limit=1, capacity=1)
    jobs = [state.SolveJob(scenario, SolveSettings.of(scenario), str(n), queue) for n in range(3)]
    queue.submit(jobs[0])  # takes the free place at once
    assert queue.counts == (1, 0) and jobs[0].ahead is None
    queue.submit(jobs[1])  # waits: the queue is now full
    assert jobs[1].ahead == 1
    with pytest.raises(state.QueueFullError, match="Le serveur est occupé : 1 calcul"):
        queue.submit(jobs[2])
    queue.withdraw(jobs[1])
    queue.submit(jobs[2])
    assert queue.counts == (1, 1)
    queue.withdraw(jobs[0])  # its thread could not start: the place is free again
    assert queue.counts == (0, 1)

    monkeypatch.setenv(state.MAX_SOLVES_ENV, "3")
    assert state._env_count(state.MAX_SOLVES_ENV, 1, 1) == 3
    monkeypatch.setenv(state.MAX_SOLVES_ENV, "0")
    assert state._env_count(state.MAX_SOLVES_ENV, 1, 1) == 1  # at least one
    monkeypatch.setenv(state.MAX_SOLVES_ENV, "beaucoup")
    assert state._env_count(state.MAX_SOLVES_ENV, 2, 1) == 2  # the default
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert state.default_max_solves() == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert state.default_max_solves() == 4


def test_a_queued_solve_says_how_many_come_before_and_can_be_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario, _ = default_solved()
    queue = state.SolveQueue(limit=1, capacity=4)
    monkeypatch.setattr(state, "SOLVE_QUEUE", queue)
    ahead = [state.SolveJob(scenario, SolveSettings.of(scenario), f"autre {n}") for n in (1, 2)]
    for job in ahead:
        queue.submit(job)  # another session's solves, not started
    mine = state.SolveJob(scenario, SolveSettings.of(scenario), "default")
    queue.submit(mine)
    mine.start()  # waits for its turn
    app = app_on("calcul", scenario, None, **{state.K_JOB: mine})
    assert any("En attente : 2 calcul(s) avant le vôtre." in i.value for i in app.info)
    assert not app.metric  # no live figures before it runs
    _button(app, "Arrêter").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    deadline = time.monotonic() + 10
    while not mine.done and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mine.cancelled and mine.result is None
    assert queue.counts == (1, 1)  # out of the queue; the others keep their place
    app.run()
    assert any("annulé avant son début" in i.value for i in app.info)
    assert state.K_JOB not in app.session_state


def test_while_no_bound_is_known_the_live_bound_and_gap_show_a_dash() -> None:
    from planner.formulation import Progress

    scenario, _ = default_solved()
    job = state.SolveJob(scenario, SolveSettings.of(scenario), "default")  # not started
    shown = {}
    for bound in (0.0, 2500.0):
        job._on_progress(Progress(objective=2699.0, bound=bound, elapsed_s=1.0, solutions=1))
        app = app_on("calcul", scenario, None, **{state.K_JOB: job})
        shown[bound] = {m.label: m.value for m in app.metric}
    # A school's first plan comes before its bound (bound 0): no « 100 % ».
    assert shown[0.0]["Borne"] == "—" and shown[0.0]["Écart"] == "—"
    assert shown[2500.0]["Borne"] == "2500" and shown[2500.0]["Écart"] == "7,4 %"


def test_a_result_without_a_bound_shows_a_dash_not_a_gap_of_100_percent() -> None:
    """« Arrêter » before any bound (a school's first seconds): the result
    keeps the first plan, with a bound of 0 that says nothing."""
    scenario, solved = default_solved()
    shown = {}
    for bound in (0.0, solved.best_bound):
        result = dataclasses.replace(solved, status=PlanStatus.FEASIBLE, best_bound=bound)
        app = app_on("calcul", scenario, result)
        shown[bound] = {m.label: m.value for m in app.metric}
    assert shown[0.0]["Borne"] == "—" and shown[0.0]["Écart"] == "—"
    assert shown[solved.best_bound]["Écart"] == "0,0 %"  # the class is proven optimal
