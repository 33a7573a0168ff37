"""solve(): settings, the stop handle, and the validator's last word."""

from __future__ import annotations

import threading
from dataclasses import replace

from page_support import default_solved

from models import PlanStatus, load_scenario
from planner.explain import objective_breakdown
from planner.formulation import ModelResult, StopHandle
from planner.solve import SolveSettings, _priced, solve

DEFAULT = "scenarios/default.yaml"


def test_settings_override_the_scenario_and_reach_the_summary() -> None:
    scenario = load_scenario(DEFAULT)
    settings = SolveSettings.of(scenario, time_limit_s=30, seed=7, workers=1)

    info = solve(scenario, settings).solve_info("x.yaml")

    assert (info["seed"], info["workers"], info["time_limit_s"]) == (7, 1, 30)
    assert info["subsolvers"] == ["max_lp"] and info["bound_subsolvers"] == []
    assert info["scenario_file"] == "x.yaml"


def test_a_stop_requested_before_the_solve_ends_it_at_once() -> None:
    scenario = load_scenario(DEFAULT)
    stop = StopHandle()
    stop.request()

    result = solve(scenario, SolveSettings.of(scenario), stop=stop)

    assert stop.requested
    assert result.status in (PlanStatus.UNKNOWN, PlanStatus.FEASIBLE)
    assert result.solve_time_s < 5


def test_a_stop_from_another_thread_keeps_the_best_plan_validated() -> None:
    scenario = load_scenario("scenarios/bloc-novembre-annee2.yaml")
    stop = StopHandle()
    found = threading.Event()

    def on_progress(_: object) -> None:
        found.set()

    def stopper() -> None:
        found.wait(timeout=30)
        stop.request()

    thread = threading.Thread(target=stopper)
    thread.start()
    result = solve(scenario, SolveSettings.of(scenario), on_progress, stop)
    thread.join()

    assert result.status in (PlanStatus.FEASIBLE, PlanStatus.OPTIMAL)
    assert result.verdict is not None and result.verdict.ok
    assert result.solve_time_s < 10


def test_a_plan_not_proven_optimal_is_priced_from_its_days() -> None:
    # A first solution may count more split weeks or period starts than its
    # days imply: the result then states what the days cost.
    scenario, result = default_solved()
    assert result.plan is not None
    priced = objective_breakdown(scenario, result.calendar, result.plan)
    found = ModelResult(
        status=PlanStatus.FEASIBLE,
        dates={},
        objective=priced.total + 50.0,
        bound=priced.total - 100.0,
        terms={"sync": 99},
        wall_time_s=0.0,
        deterministic_time=0.0,
        solutions=1,
    )
    assert _priced(scenario, result.calendar, result.plan, found) == (priced.total, priced.terms)
    # Never above the solver's own figure, never below its bound.
    for kept in (
        replace(found, objective=priced.total - 1.0),
        replace(found, bound=priced.total + 1.0),
    ):
        assert _priced(scenario, result.calendar, result.plan, kept) == (
            kept.objective,
            kept.terms,
        )
