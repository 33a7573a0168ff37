"""The scale benchmark's instance generator (``benchmarks/instances.py``).

Fast: only the 35-student instance is solved; the larger ones are only
generated and counted.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from benchmark_support import load_benchmark

from models import PlanStatus, Route, Scenario, load_scenario, requirement_of
from planner.solve import SolveSettings, solve

ROOT = Path(__file__).resolve().parent.parent


instances = load_benchmark("instances")


@pytest.fixture(scope="module")
def school() -> Scenario:
    scenario: Scenario = instances.generate(350, 0)
    return scenario


def test_same_seed_gives_the_same_scenario() -> None:
    assert instances.generate(350, 7) == instances.generate(350, 7)
    assert instances.scenario_dict(70, 3) == instances.scenario_dict(70, 3)


def test_different_seeds_give_different_scenarios() -> None:
    first, second = instances.generate(350, 0), instances.generate(350, 1)
    assert first != second
    assert [s.host for s in first.students] != [s.host for s in second.students]
    assert first.hosts != second.hosts


@pytest.mark.parametrize(("students", "classes"), [(35, 1), (350, 10), (1400, 40), (100, 3)])
def test_students_in_classes_of_35(students: int, classes: int) -> None:
    scenario = instances.generate(students, 0)
    assert len(scenario.students) == students
    sizes = Counter(s.cohort for s in scenario.students)
    assert len(sizes) == classes
    assert sorted(sizes)[:2] == (["c01", "c02"] if classes > 1 else ["c01"])
    assert all(size == 35 for size in list(sizes.values())[: students // 35])
    assert len({s.id for s in scenario.students}) == students


def test_every_class_mixes_routes_and_special_cases_like_the_bundled_class(
    school: Scenario,
) -> None:
    for cohort in sorted({s.cohort for s in school.students}):
        members = [s for s in school.students if s.cohort == cohort]
        routes = Counter(s.route for s in members)
        assert 0.80 <= routes[Route.SCOLAIRE] / len(members) <= 0.92
        assert 1 <= routes[Route.APPRENTI] <= 3
        assert 1 <= routes[Route.FORMATION_CONTINUE] <= 2
        assert sum(s.exemption_reason is not None for s in members) == 1
        reduced = [s for s in members if s.reduced_weeks is not None]
        assert len(reduced) == 2
        assert all(10 <= s.reduced_weeks <= 12 and s.reduction_reason for s in reduced)  # type: ignore[operator]
        repeating = [s for s in members if s.repeating]
        assert len(repeating) == 1 and not repeating[0].new_internship
        late = [s for s in members if s.earliest_start is not None]
        assert len(late) == 3
        assert all(s.earliest_start.month in (11, 12, 1) for s in late)  # type: ignore[union-attr]
        assert all(s.earliest_start.year in (2026, 2027) for s in late)  # type: ignore[union-attr]
        assert sum(bool(s.unavailable) for s in members) == 2
        owing = [s for s in members if s.route is Route.SCOLAIRE and not s.exemption_reason]
        assert sum(s.host is None for s in owing) == 2
        assert sum(bool(s.host_changes) for s in members) == 1


def test_hosts_are_shared_about_one_per_1_4_students_and_exist(school: Scenario) -> None:
    hosts = {h.id: h for h in school.hosts}
    hosted = [s for s in school.students if s.host is not None]
    assert 1.25 <= len(hosted) / len(hosts) <= 1.6
    for student in school.students:
        assert all(h in hosts for h in student.hosts)
    for host in school.hosts:
        assert 1 <= host.capacity <= 3
        assert host.tutor is not None and host.town
    interns: Counter[str] = Counter(h for s in school.students for h in s.hosts)
    assert set(interns) == set(hosts), "every host takes at least one intern"
    crowded = [h for h in school.hosts if interns[h.id] > h.capacity]
    assert len(crowded) == 20  # two per class, as in the bundled class
    assert all(not h.closures for h in crowded)
    assert all(interns[h.id] == h.capacity + 1 for h in crowded)
    closed = [h for h in school.hosts if h.closures]
    assert 0.05 <= len(closed) / len(hosts) <= 0.15
    for host in closed:
        for closure in host.closures:
            assert 1 <= ((closure.end - closure.start).days + 3) // 7 <= 3
    # Classes share hosts: some host takes interns from two classes.
    classes_of: dict[str, set[str]] = {}
    for student in school.students:
        for host_id in student.hosts:
            classes_of.setdefault(host_id, set()).add(student.cohort)
    assert any(len(classes) > 1 for classes in classes_of.values())


def test_schools_share_hosts_with_their_neighbours() -> None:
    scenario = instances.generate(1400, 0)
    school_of_host = {h.id: h.id.split("-")[0] for h in scenario.hosts}
    assert len(set(school_of_host.values())) == 4
    cohorts = sorted({s.cohort for s in scenario.students})
    school_of_class = {c: f"l{i // 10 + 1:02d}" for i, c in enumerate(cohorts)}
    hosted = [s for s in scenario.students if s.host is not None]
    elsewhere = [s for s in hosted if school_of_host[s.host] != school_of_class[s.cohort]]  # type: ignore[index]
    assert 0.05 <= len(elsewhere) / len(hosted) <= 0.15


def test_teachers_six_per_class_each_teaching_two_classes_of_his_school(
    school: Scenario,
) -> None:
    assert len(school.teachers) == 60
    cohorts = {s.cohort for s in school.students}
    for teacher in school.teachers:
        assert len(teacher.cohorts) == 2 and set(teacher.cohorts) <= cohorts
        assert 2 <= len(teacher.visit_days) <= 4
        assert 2 <= teacher.max_visits_per_week <= 4
        assert teacher.town
    for cohort in cohorts:
        assert sum(t.teaches(cohort) for t in school.teachers) == 12
        referents = [s.referent for s in school.students if s.cohort == cohort and s.referent]
        assert referents and all(school.teacher(r).teaches(cohort) for r in referents)


def test_shared_training_progression_and_solver_settings(school: Scenario) -> None:
    default = load_scenario(ROOT / "scenarios" / "default.yaml")
    assert school.training == default.training
    assert school.progression == default.progression
    assert school.solver.workers == 2


def test_write_instance_reads_back_identically(tmp_path: Path) -> None:
    scenario = instances.generate(70, 5)
    path = tmp_path / "instance.yaml"
    instances.write_instance(scenario, path)
    assert load_scenario(path) == scenario


def test_a_class_of_35_solves_to_a_proven_optimum_with_a_valid_plan() -> None:
    scenario = instances.generate(35, 0)
    result = solve(scenario, SolveSettings(time_limit_s=30, seed=0, workers=1))
    assert result.status is PlanStatus.OPTIMAL
    assert result.plan is not None and result.verdict is not None and result.verdict.ok
    assert result.verdict.visits_checked
    owing = [s for s in scenario.students if requirement_of(s, scenario.rules).required_weeks > 0]
    assert len(owing) == 31  # 35 minus 2 apprentices, the VAE and the repeating student
    assert result.solve_time_s < 15
