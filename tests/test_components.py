"""Exact decomposition into independent parts (planner.components): classes
that share no crowded host are planned apart, with the same optimum."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import pytest
from factories import SETTINGS, D, host, mission, raw_scenario, student

from models import PlanStatus, scenario_from_dict
from planner.by_class import school_bound, solve_by_class
from planner.calendar import build_calendar
from planner.components import independent_parts, sub_scenario
from planner.explain import objective_breakdown
from planner.formulation import ModelData, ModelResult, StagePlanModel, StopHandle
from planner.solve import solve

RULES = {"required_weeks": 6, "min_reduced_weeks": 6}


def _two_classes(shared_capacity: int) -> dict[str, object]:
    students = [
        student("a1", cohort="A", host="hA"),
        student("a2", cohort="A", host="shared"),
        student("b1", cohort="B", host="hB"),
        student("b2", cohort="B", host="shared"),
    ]
    hosts = [host("hA"), host("hB"), host("shared", capacity=shared_capacity)]
    windows = [mission("m", D(2027, 1, 4), D(2027, 2, 12), 1, students=["a1", "b1"])]
    return raw_scenario(students, hosts=hosts, rules=RULES, missions=windows)


def test_classes_without_a_crowded_host_in_common_are_independent() -> None:
    apart = scenario_from_dict(_two_classes(shared_capacity=2))
    assert independent_parts(apart) == [("a1", "a2"), ("b1", "b2")]
    joined = scenario_from_dict(_two_classes(shared_capacity=1))  # 2 interns, 1 place
    assert independent_parts(joined) == [("a1", "a2", "b1", "b2")]


def test_a_part_keeps_its_students_missions_and_hosts() -> None:
    scenario = scenario_from_dict(_two_classes(shared_capacity=2))
    part = sub_scenario(scenario, ("b1", "b2"))
    assert [s.id for s in part.students] == ["b1", "b2"]
    assert part.progression.missions[0].students == ("b1",)
    assert part.hosts == scenario.hosts and part.teachers == ()


def test_solving_by_parts_gives_the_whole_models_optimum() -> None:
    raw = _two_classes(shared_capacity=2)
    raw["weights"] = {"sync": 50}
    scenario = scenario_from_dict(raw)
    by_parts = solve(scenario, SETTINGS)
    assert by_parts.status is PlanStatus.OPTIMAL and by_parts.verdict is not None
    assert by_parts.verdict.ok and by_parts.model_size["parts"] == 2
    whole = StagePlanModel(ModelData(scenario, build_calendar(scenario))).solve(
        time_limit_s=20, seed=0, workers=1
    )
    assert whole.status is PlanStatus.OPTIMAL
    assert by_parts.objective == whole.objective
    assert by_parts.best_bound == whole.bound
    assert sum(by_parts.terms.values()) > 0 and by_parts.terms == whole.terms


def test_by_parts_a_first_plan_of_the_whole_comes_before_the_optimum() -> None:
    raw = _two_classes(shared_capacity=2)
    raw["weights"] = {"sync": 50}
    seen: list[float] = []
    result = solve(
        scenario_from_dict(raw), SETTINGS, on_progress=lambda p: seen.append(p.objective)
    )
    assert result.status is PlanStatus.OPTIMAL and result.objective is not None
    # The first report is a whole plan (both classes), never better than the optimum.
    assert seen and seen[0] >= result.objective
    assert seen == sorted(seen, reverse=True)  # each report a whole plan, improving


def test_classes_sharing_a_crowded_host_are_solved_class_by_class() -> None:
    raw = _two_classes(shared_capacity=1)  # a2 and b2 cannot be out together
    raw["weights"] = {"sync": 50}
    scenario = scenario_from_dict(raw)
    result = solve(scenario, SETTINGS)
    assert result.status.has_plan and result.verdict is not None and result.verdict.ok
    assert result.model_size["classes"] == 2
    # The bound lane's worker is written with the plan's solver settings.
    assert result.solve_info()["bound_subsolvers"] == ["lb_tree_search"]
    whole = StagePlanModel(ModelData(scenario, build_calendar(scenario))).solve(
        time_limit_s=20, seed=0, workers=1
    )
    assert whole.status is PlanStatus.OPTIMAL and whole.objective is not None
    assert result.best_bound is not None and result.objective is not None
    # The class-by-class bound is valid and the plan no worse than the optimum allows.
    assert result.best_bound <= whole.objective <= result.objective


def _two_schools() -> dict[str, object]:
    """Two schools of two classes sharing a crowded host: two parts."""
    raw = _two_classes(shared_capacity=1)
    other = _two_classes(shared_capacity=1)
    for s in other["students"]:  # type: ignore[attr-defined]
        s.update(id="x" + s["id"], cohort="X" + s["cohort"], host="x" + s["host"])
    for h in other["hosts"]:  # type: ignore[attr-defined]
        h["id"] = "x" + h["id"]
    raw["students"] += other["students"]  # type: ignore[operator]
    raw["hosts"] += other["hosts"]  # type: ignore[operator]
    return raw


def test_two_schools_of_two_classes_each_are_two_parts_solved_class_by_class() -> None:
    scenario = scenario_from_dict(_two_schools())
    assert len(independent_parts(scenario)) == 2
    seen: list[float] = []
    bounds: list[float] = []
    result = solve(
        scenario,
        SETTINGS,
        on_progress=lambda p: (seen.append(p.objective), bounds.append(p.bound)),
    )
    assert result.status.has_plan and result.verdict is not None and result.verdict.ok
    assert result.model_size["parts"] == 2
    # The whole's bound only rises: a school's bound, searched in the first
    # pass, is shown while its plan is improved.
    assert bounds == sorted(bounds) and bounds[-1] > 0
    whole = StagePlanModel(ModelData(scenario, build_calendar(scenario))).solve(
        time_limit_s=20, seed=0, workers=1
    )
    assert whole.objective is not None and result.objective is not None
    assert result.best_bound is not None and result.best_bound <= whole.objective
    assert whole.objective <= result.objective <= seen[0]


def test_two_schools_improved_at_once_replay_byte_for_byte() -> None:
    """The third pass improves the parts one per worker, at once: each part's
    plan depends only on the part, so the whole replays whatever the order
    in which the threads ran, and the whole's reported cost only falls."""
    scenario = scenario_from_dict(_two_schools())
    runs = []
    for _ in range(2):
        seen: list[float] = []
        result = solve(
            scenario, SETTINGS, on_progress=lambda p, seen=seen: seen.append(p.objective)
        )
        assert result.plan is not None and result.objective is not None
        # (objectives are sums of CP-SAT's floats: equal up to rounding)
        assert all(b <= a + 1e-6 for a, b in itertools.pairwise(seen))
        assert seen[-1] >= result.objective - 1e-6
        runs.append(result)
    first, second = runs
    assert first.plan == second.plan and first.objective == second.objective
    assert first.best_bound == second.best_bound


@pytest.mark.parametrize("raw", [_two_classes(shared_capacity=1), _two_schools()])
def test_the_time_of_a_search_in_lanes_is_the_clocks(
    raw: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Solves that run at once (a school's two lanes, an académie's schools)
    count once in the time shown (« Temps de calcul »): the clock's time of
    the call, not the solves' times added up (here made to add up to an
    hour)."""
    import planner.solve as solving

    real_merge = solving.merge_results
    real_school = solving._by_class

    def hour(found: ModelResult | None) -> ModelResult | None:
        return None if found is None else replace(found, wall_time_s=3600.0)

    monkeypatch.setattr(solving, "merge_results", lambda results: hour(real_merge(results)))
    monkeypatch.setattr(solving, "_by_class", lambda *a, **k: hour(real_school(*a, **k)))
    started = time.perf_counter()
    result = solve(scenario_from_dict(raw), SETTINGS)
    took = time.perf_counter() - started
    assert result.plan is not None and result.solve_time_s > 0
    assert result.build_time_s + result.solve_time_s <= took


def test_the_parts_board_adds_each_parts_latest_progress_to_the_others() -> None:
    from planner.formulation import ModelResult, Progress
    from planner.solve import _PartsBoard

    def part(objective: float, bound: float) -> ModelResult:
        return ModelResult(PlanStatus.FEASIBLE, {}, objective, bound, {}, 1.0, 1.0, 1)

    shown: list[tuple[float, float]] = []
    board = _PartsBoard(
        [part(100, 50), part(200, 80)], lambda p: shown.append((p.objective, p.bound))
    )
    first, second = board.relay(0), board.relay(1)
    assert first is not None and second is not None
    first(Progress(90, 60, 2.0, 2))
    second(Progress(150, 90, 2.0, 2))  # part 0's 90 is kept, not its first 100
    first(Progress(85, 60, 3.0, 3))
    assert shown == [(290, 140), (240, 150), (235, 150)]
    board.keep(0, part(85, 60))
    assert board.best[0].objective == 85 and board.best[1].objective == 200


def test_class_by_class_lanes_reach_the_optimum_and_replay_byte_for_byte() -> None:
    raw = _two_classes(shared_capacity=1)
    raw["weights"] = {"sync": 50}
    scenario = scenario_from_dict(raw)
    calendar = build_calendar(scenario)
    runs = [
        solve_by_class(scenario, calendar, time_limit_s=4, seed=0, workers=2) for _ in range(2)
    ]
    whole = StagePlanModel(ModelData(scenario, calendar)).solve(time_limit_s=20, seed=0, workers=1)
    first, second = runs
    assert first is not None and second is not None
    # Two classes are one pair: the descent re-solves them together, and the
    # bound lane's whole model proves it.
    assert first.objective == whole.objective and first.status is PlanStatus.OPTIMAL
    assert first.dates == second.dates and first.bound == second.bound


@pytest.mark.parametrize("raw", [_two_classes(shared_capacity=1), _two_schools()])
def test_a_stop_before_the_first_plan_still_gives_the_first_plan(raw: dict[str, object]) -> None:
    """« Arrêter » keeps the best plan so far; before the first one (a
    school's first seconds, an académie's first pass) that first plan is
    finished, not dropped, and nothing after it runs."""
    scenario = scenario_from_dict(raw)
    stop = StopHandle()
    stop.request()
    result = solve(scenario, SETTINGS, stop=stop)
    assert result.status.has_plan and result.verdict is not None and result.verdict.ok
    assert result.plan is not None and {p.student_id for p in result.plan.periods} == {
        s.id for s in scenario.students
    }
    assert result.solve_time_s < 5
    # The cost shown is the plan's, not that of CP-SAT's first solution
    # (whose counters of split weeks and period starts may be too high).
    priced = objective_breakdown(scenario, result.calendar, result.plan)
    assert result.objective == pytest.approx(priced.total) and result.terms == priced.terms


def test_a_start_plan_is_taken_up_as_it_is_not_searched_again() -> None:
    from planner.by_class import _School

    raw = _two_classes(shared_capacity=1)
    raw["weights"] = {"sync": 50}
    scenario = scenario_from_dict(raw)
    calendar = build_calendar(scenario)
    solved = solve_by_class(scenario, calendar, time_limit_s=4, seed=0, workers=1)
    assert solved is not None and solved.objective is not None
    school = _School(scenario, calendar, seed=0, stop=None)
    priced = school.first_plan(4, start=solved.dates)
    assert priced is not None
    # Every class priced with its days fixed: the same plan, the same cost.
    assert {s: d for r in priced for s, d in r.dates.items()} == solved.dates
    assert sum(r.objective or 0 for r in priced) == pytest.approx(solved.objective)


def test_a_school_bound_searched_ahead_is_the_bound_lanes_and_replaces_it() -> None:
    raw = _two_classes(shared_capacity=1)
    raw["weights"] = {"sync": 50}
    scenario = scenario_from_dict(raw)
    calendar = build_calendar(scenario)
    ahead = school_bound(scenario, calendar, time_limit_s=4, seed=0)
    with_lane = solve_by_class(scenario, calendar, time_limit_s=4, seed=0, workers=2)
    assert ahead is not None and with_lane is not None
    # Same share of the time, same seed: the bound the lane would have found.
    assert ahead == with_lane.bound
    # A known bound is taken as it is: no lane runs to better it.
    lower = ahead - 1
    known = solve_by_class(
        scenario, calendar, time_limit_s=4, seed=0, workers=2, known_bound=lower
    )
    assert known is not None
    assert known.bound == lower and known.objective == with_lane.objective


def test_the_bound_worker_gives_a_higher_valid_bound_than_max_lp_in_the_same_time() -> None:
    from benchmark_support import load_benchmark

    # Two generated classes sharing two crowded hosts (benchmarks/instances.py).
    scenario = load_benchmark("instances").generate(70, 0)
    calendar = build_calendar(scenario)
    bounds = {}
    plans = []
    for bound_only in (False, True):
        heard: list[float] = []
        found = StagePlanModel(ModelData(scenario, calendar)).solve(
            time_limit_s=3, seed=0, workers=1, on_bound=heard.append, bound_only=bound_only
        )
        bounds[bound_only] = max(heard)
        if found.objective is not None:
            plans.append(found.objective)
    # The by-class bound lane runs lb_tree_search for this (planner.by_class).
    assert plans and bounds[False] < bounds[True] <= min(plans)


def test_the_bound_lane_falls_back_on_each_class_alone_when_the_whole_gives_no_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner import by_class
    from planner.formulation import ModelResult

    raw = _two_classes(shared_capacity=1)
    raw["weights"] = {"sync": 50}
    scenario = scenario_from_dict(raw)
    calendar = build_calendar(scenario)
    school = by_class._School(scenario, calendar, seed=0, stop=None)
    relaxed = school.relaxed(1)
    solve = by_class._School.solve

    def whole_without_bound(self: object, *args: object, **options: object) -> ModelResult:
        if options.get("bound_only"):  # as when stopped before its first LP
            return ModelResult(PlanStatus.UNKNOWN, {}, None, None, {}, 0.0, 0.0, 0)
        return solve(self, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(by_class._School, "solve", whole_without_bound)
    fallback = school_bound(scenario, calendar, time_limit_s=4, seed=0)
    assert relaxed is not None and relaxed > 0 and fallback == relaxed
