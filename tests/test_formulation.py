"""The CP-SAT grid (ModelData): grouping of interchangeable students, and
collapsing groups never changes the optimal objective."""

from __future__ import annotations

from typing import Any

import pytest
from factories import D_, SETTINGS, B, C, D, host, mission, scenario, span, student, weeks_of

from models import PlanStatus, Scenario
from planner.calendar import build_calendar
from planner.formulation import ModelData, StagePlanModel

NOV = span(D(2026, 11, 16), 3)
REDUCED_9 = {"reduced_weeks": 9, "reduction_reason": "positionnement"}


def _data(scn: Scenario, collapse: bool = True) -> ModelData:
    return ModelData(scn, build_calendar(scn), collapse=collapse)


def _groups(data: ModelData) -> list[tuple[str, ...]]:
    return [g.students for g in data.groups]


def test_identical_students_without_host_share_one_group() -> None:
    data = _data(scenario([student("s1"), student("s2"), student("s3")]))
    assert _groups(data) == [("s1", "s2", "s3")]
    (group,) = data.groups
    assert group.size == 3
    assert group.weeks == tuple(weeks_of([B, C, D_]))
    assert group.host is None and group.ineligible_host is None
    assert data.interchangeable == ()


def test_without_collapse_every_student_is_alone() -> None:
    data = _data(scenario([student("s1"), student("s2"), student("s3")]), collapse=False)
    assert _groups(data) == [("s1",), ("s2",), ("s3",)]


@pytest.mark.parametrize(
    "different",
    [
        {"earliest_start": "2027-03-01"},
        {"unavailable": [{"start": "2027-01-11", "end": "2027-01-15"}]},
        {"reduced_weeks": 10, "reduction_reason": "force majeure"},
        {"route": "apprenti"},
        {"repeating": True, "new_internship": False},
    ],
    ids=["earliest-start", "unavailable", "reduced", "apprentice", "repeating"],
)
def test_a_different_student_gets_his_own_group(different: dict[str, Any]) -> None:
    scn = scenario([student("s1"), student("s2", **different), student("s3")])
    assert _groups(_data(scn)) == [("s1", "s3"), ("s2",)]


def test_late_starter_group_has_only_later_weeks() -> None:
    scn = scenario([student("s1"), student("s2", earliest_start="2027-03-03")])
    late = _data(scn).group_of("s2")
    assert late.weeks == tuple(weeks_of([span(D(2027, 3, 8), 5), D_]))
    assert late.first_concerned == D(2027, 3, 1)


def test_exempt_group_has_no_week_and_no_mission_day() -> None:
    scn = scenario(
        [student("s1"), student("s2", exemption_reason="VAE")],
        open_ranges=[NOV, B, C, D_],
        missions=[mission("m1", *NOV, days=3)],
    )
    data = _data(scn)
    exempt = data.group_of("s2")
    assert exempt.weeks == () and exempt.mission_days == {}
    days = data.group_of("s1").mission_days["m1"]
    assert len(days) == 6 and {d.weekday() for d in days} == {1, 3}


def test_students_of_a_host_with_room_share_a_group() -> None:
    scn = scenario(
        [student("s1", host="h1"), student("s2", host="h1"), student("s3")],
        hosts=[host("h1", capacity=2)],
    )
    data = _data(scn)
    assert data.coupled_hosts == frozenset()
    # A host that can take them all changes nothing: one group with s3.
    assert _groups(data) == [("s1", "s2", "s3")]
    assert data.groups[0].host is None


def test_students_of_a_host_with_closures_share_their_own_group() -> None:
    closure = {"start": "2027-01-11", "end": "2027-01-15"}
    scn = scenario(
        [student("s1", host="h1"), student("s2"), student("s3", host="h1")],
        hosts=[host("h1", capacity=2, closures=[closure])],
    )
    data = _data(scn)
    assert _groups(data) == [("s1", "s3"), ("s2",)]
    assert D(2027, 1, 11) not in data.group_of("s1").weeks
    assert D(2027, 1, 11) in data.group_of("s2").weeks


def test_students_of_a_crowded_host_are_singletons_and_interchangeable() -> None:
    scn = scenario(
        [
            student("s1", host="h1"),
            student("s2", host="h1"),
            student("s3", host="h1"),
            student("s4"),
        ],
        hosts=[host("h1", capacity=2)],
    )
    data = _data(scn)
    assert data.coupled_hosts == frozenset({"h1"})
    assert _groups(data) == [("s1",), ("s2",), ("s3",), ("s4",)]
    assert data.interchangeable == ((0, 1, 2),)
    assert [g.host for g in data.groups] == ["h1", "h1", "h1", None]


def test_crowded_host_students_with_different_needs_are_not_interchangeable() -> None:
    scn = scenario(
        [
            student("s1", host="h1"),
            student("s2", host="h1", earliest_start="2027-03-01"),
            student("s3", host="h1"),
        ],
        hosts=[host("h1", capacity=1)],
    )
    assert _data(scn).interchangeable == ((0, 2),)


def test_exempt_students_do_not_crowd_a_host() -> None:
    scn = scenario(
        [student("s1", host="h1"), student("s2", host="h1", route="apprenti")],
        hosts=[host("h1", capacity=1)],
    )
    assert _data(scn).coupled_hosts == frozenset()


def test_host_not_selling_leaves_no_variable() -> None:
    scn = scenario([student("s1", host="h1")], hosts=[host("h1", sells_goods_or_services=False)])
    (group,) = _data(scn).groups
    assert group.ineligible_host == "h1"
    assert group.weeks == () and group.mission_days == {}


def _objective(scn: Scenario, collapse: bool) -> float:
    model = StagePlanModel(_data(scn, collapse=collapse))
    found = model.solve(
        time_limit_s=SETTINGS.time_limit_s, seed=SETTINGS.seed, workers=SETTINGS.workers
    )
    assert found.status is PlanStatus.OPTIMAL
    assert found.objective is not None
    return found.objective


COLLAPSE_CASES = {
    "identical-and-late": lambda: scenario(
        [student("s1"), student("s2"), student("s3"), student("s4", earliest_start="2027-01-11")],
        preferred=[(C, 10)],
    ),
    "hosts-and-missions": lambda: scenario(
        [
            student("s1", host="h1", **REDUCED_9),
            student("s2", host="h1", **REDUCED_9),
            student("s3", host="h2"),
            student("s4", host="h2"),
            student("s5"),
        ],
        open_ranges=[NOV, B, C, D_],
        hosts=[host("h1", capacity=1), host("h2", capacity=2)],
        missions=[mission("m1", *NOV, days=3)],
        preferred=[(D_, 10)],
    ),
}


@pytest.mark.parametrize("case", sorted(COLLAPSE_CASES))
def test_collapsing_groups_keeps_the_optimal_objective(case: str) -> None:
    scn = COLLAPSE_CASES[case]()
    assert len(_data(scn).groups) < len(_data(scn, collapse=False).groups)
    assert _objective(scn, collapse=True) == _objective(scn, collapse=False)


def test_model_reads_back_the_same_days_for_every_member() -> None:
    scn = scenario([student("s1"), student("s2")])
    model = StagePlanModel(_data(scn))
    found = model.solve(time_limit_s=20, seed=0, workers=2)
    assert found.status is PlanStatus.OPTIMAL
    assert found.dates["s1"] == found.dates["s2"]
    assert len(found.dates["s1"]) == 78  # 16 weeks, Easter and Whit Mondays off
    assert model.size()["groups"] == 1


def test_switched_model_has_one_literal_per_rule_and_owner() -> None:
    scn = scenario(
        [student("s1", host="h1"), student("s2", host="h1")], hosts=[host("h1", capacity=1)]
    )
    model = StagePlanModel(_data(scn, collapse=False), switch_rules=True)
    assert sorted(model.switches.literals) == [
        ("R1", "g0"),
        ("R1", "g1"),
        ("R10", "host:h1"),
        ("R4", "g0"),
        ("R4", "g1"),
        ("R8", "g0"),
        ("R8", "g1"),
    ]
    assert model.terms is None


def _generated_class() -> Scenario:
    from benchmark_support import load_benchmark

    generated: Scenario = load_benchmark("instances").generate(35, 0)
    return generated


HINT_CASES = {
    # no crowded host: a split week is "some out, not all" (every/anyone
    # literals); the optimum splits the class (9 weeks against 16: days
    # beyond a requirement cost more than split weeks)
    "two groups": (
        lambda: scenario(
            [student("s1"), student("s2"), student("s3", **REDUCED_9)],
            weights={"surplus_days": 100},
        ),
        False,
    ),
    # crowded hosts, closures, missions, summer rest: "anyone out" splits;
    # CP-SAT's first solution, whose counters are not yet brought down
    "generated class": (_generated_class, True),
}


@pytest.mark.parametrize("case", sorted(HINT_CASES))
def test_a_plans_hint_sets_every_variable_at_the_plans_own_cost(case: str) -> None:
    """A warm start hints the auxiliary literals too (period and block
    starts, split weeks, rest windows): the model with every variable fixed
    to the hint holds, and costs what the plan's days cost when priced
    independently (not the dearer first solution CP-SAT reported)."""
    from planner.counting import build_plan
    from planner.explain import objective_breakdown

    make, first_only = HINT_CASES[case]
    scn = make()
    calendar = build_calendar(scn)
    first = StagePlanModel(_data(scn)).solve(
        time_limit_s=20, seed=0, workers=1, first_solution_only=first_only
    )
    assert first.status.has_plan
    model = StagePlanModel(_data(scn))
    model.hint(first.dates)
    assert sorted(model.model.proto.solution_hint.vars) == list(
        range(len(model.model.proto.variables))
    )
    fixed = model.solve(time_limit_s=5, seed=0, workers=1, fixed_to_hint=True)
    assert fixed.status is PlanStatus.OPTIMAL and fixed.dates == first.dates
    priced = objective_breakdown(scn, calendar, build_plan(scn, calendar, first.dates))
    assert fixed.objective == priced.total and fixed.terms == priced.terms
    assert priced.terms["sync"] > 0  # split literals set to true are covered
