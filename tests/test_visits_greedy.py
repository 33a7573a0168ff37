"""R12: the greedy referent choice (planner.visits.greedy) — its capacity
test is exact, its choice fits every teacher, no single move improves it,
and the referent model takes it whole as a start, at the cost it says."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from factories import raw_scenario, student
from ortools.sat.python import cp_model

from models import Scenario, Teacher, Weights, scenario_from_dict
from planner.formulation.cpmodel import configure_solver
from planner.visits import VisitTask, _choose_referents, _Solver
from planner.visits.greedy import (
    _fits,
    _spans,
    greedy_referents,
    improve_referents,
    referent_cost,
)
from planner.visits.referents import ReferentModel

MONDAY = dt.date(2027, 1, 4)
TOWNS = ("Lyon", "Bron", "Vienne")
ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = Weights()


def _teacher(tid: str, per_week: int = 1, town: str = "Lyon") -> Teacher:
    return Teacher(id=tid, name=f"Prof {tid}", max_visits_per_week=per_week, town=town)


def _task(
    student: str, first_week: int, weeks: int, town: str, team: tuple[str, ...]
) -> VisitTask:
    """A visit that may fall on any Tuesday of ``weeks`` weeks from ``first_week``."""
    dates = tuple(MONDAY + dt.timedelta(weeks=first_week + k, days=1) for k in range(weeks))
    return VisitTask(student, f"{student}-p", 1, 1, None, town, dates, team)


def _hall(spans: list[tuple[int, int]], per_week: int) -> bool:
    """Brute force: every window of weeks holds no more visits than it has room."""
    if not spans:
        return True
    low, high = min(a for a, _ in spans), max(b for _, b in spans)
    return all(
        sum(first <= a and b <= last for a, b in spans) <= per_week * (last - first + 1)
        for first, last in itertools.combinations_with_replacement(range(low, high + 1), 2)
    )


def test_the_capacity_test_is_exact_against_every_window() -> None:
    rng = random.Random(0)
    disagreements = []
    for _ in range(400):
        per_week = rng.randint(1, 3)
        spans = []
        for _ in range(rng.randint(1, 9)):
            first = rng.randint(0, 6)
            spans.append((first, first + rng.randint(0, 3)))
        if _fits(spans, _teacher("t", per_week)) != _hall(spans, per_week):
            disagreements.append((per_week, spans))
    assert not disagreements


def test_two_visits_due_the_same_week_do_not_fit_one_a_week() -> None:
    one = _teacher("t", per_week=1)
    assert not _fits([(5, 5), (5, 5)], one)
    assert _fits([(5, 6), (5, 6)], one)
    assert not _fits([(5, 6), (5, 6), (6, 6)], one)


def _team_of(count: int, per_week: int = 1) -> list[Teacher]:
    return [_teacher(f"t{i}", per_week, town=f"Ville{i}") for i in range(count)]


def _instance(seed: int) -> tuple[list[Teacher], dict[str, list[VisitTask]]]:
    """Twelve students, three teachers at two visits a week, four towns:
    tight enough that a teacher's week can be full, loose enough to fit."""
    rng = random.Random(seed)
    team = _team_of(3, per_week=2)
    ids = tuple(t.id for t in team)
    by_student = {}
    for s in range(12):
        town = rng.choice(("Lyon", "Bron", "Vienne", "Givors"))
        first = rng.randint(0, 8)
        by_student[f"s{s}"] = [_task(f"s{s}", first + 3 * k, 2, town, ids) for k in range(2)]
    return team, by_student


def test_the_greedy_choice_fits_every_teacher_and_leaves_nobody_out() -> None:
    for seed in range(20):
        team, by_student = _instance(seed)
        candidates = {s: [t.id for t in team] for s in by_student}
        chosen = greedy_referents(team, by_student, candidates, WEIGHTS)
        assert chosen is not None and set(chosen) == set(by_student)
        for teacher in team:
            spans = [
                x
                for s, t in chosen.items()
                if t == teacher.id
                for x in _spans(by_student[s], teacher)
            ]
            assert _hall(spans, teacher.max_visits_per_week), (seed, teacher.id)


def _no_move_helps(
    chosen: dict[str, str], team: list[Teacher], by_student: dict[str, list[VisitTask]]
) -> bool:
    """Brute force: no student moved to another teacher (who still fits)
    lowers the cost."""
    cost = referent_cost(chosen, team, by_student, WEIGHTS)
    for pupil, other in itertools.product(by_student, team):
        moved = {**chosen, pupil: other.id}
        spans = [
            x for s, t in moved.items() if t == other.id for x in _spans(by_student[s], other)
        ]
        if _hall(spans, other.max_visits_per_week) and (
            referent_cost(moved, team, by_student, WEIGHTS) < cost
        ):
            return False
    return True


def test_no_single_move_lowers_the_cost_of_the_greedy_choice() -> None:
    for seed in range(20):
        team, by_student = _instance(seed)
        candidates = {s: [t.id for t in team] for s in by_student}
        chosen = greedy_referents(team, by_student, candidates, WEIGHTS)
        assert chosen is not None and _no_move_helps(chosen, team, by_student), seed


def test_moves_improve_a_poor_start_until_none_helps() -> None:
    """From a start that loads the first teacher with half the students
    (when it fits), the moves lower the cost and stop where no single move
    helps."""
    lowered = 0
    for seed in range(20):
        team, by_student = _instance(seed)
        order = sorted(by_student)
        start = {s: team[0 if i < 6 else 1 + i % 2].id for i, s in enumerate(order)}
        if not all(
            _hall([x for s, t in start.items() if t == m.id for x in _spans(by_student[s], m)], 2)
            for m in team
        ):
            continue
        candidates = {s: [t.id for t in team] for s in by_student}
        improved = improve_referents(start, team, by_student, candidates, WEIGHTS)
        before = referent_cost(start, team, by_student, WEIGHTS)
        after = referent_cost(improved, team, by_student, WEIGHTS)
        assert after <= before and _no_move_helps(improved, team, by_student), seed
        lowered += after < before
    assert lowered >= 5


def test_the_greedy_gives_way_to_the_round_when_nothing_fits() -> None:
    team = _team_of(1)
    by_student = {s: [_task(s, 2, 1, "Lyon", ("t0",))] for s in ("a", "b")}  # same week, one place
    assert greedy_referents(team, by_student, {"a": ["t0"], "b": ["t0"]}, WEIGHTS) is None


def _small_team() -> tuple[Scenario, tuple[VisitTask, ...]]:
    """Six students in three towns, two teachers at one visit a week."""
    raw = raw_scenario([student(f"s{i}", host=f"h{i}") for i in range(6)],
                       hosts=[{"id": f"h{i}", "name": f"Hôte {i}", "town": TOWNS[i % 3]}
                              for i in range(6)])  # fmt: skip
    raw["teachers"] = [
        {"id": "t0", "name": "Prof 0", "max_visits_per_week": 1, "town": "Lyon"},
        {"id": "t1", "name": "Prof 1", "max_visits_per_week": 1, "town": "Bron"},
    ]
    scenario = scenario_from_dict(raw)
    team = tuple(t.id for t in scenario.teachers)
    return scenario, tuple(_task(f"s{i}", 2 * i, 3, TOWNS[i % 3], team) for i in range(6))


def test_the_cost_of_a_choice_is_the_referent_models_objective() -> None:
    scenario, tasks = _small_team()
    model = ReferentModel(scenario, tasks)
    chosen = greedy_referents(model.team, model.by_student, model.candidates(), scenario.weights)
    assert chosen is not None
    model.hint(chosen)
    solver = cp_model.CpSolver()
    configure_solver(solver, 5.0, 0, 1)
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(model.model) == cp_model.OPTIMAL
    assert solver.objective_value == model.cost(chosen) > 0


@pytest.mark.parametrize("solved", ["worse", "none"])
def test_the_greedy_choice_is_kept_when_the_solver_finds_no_better(
    solved: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of time (a large team), the referent model's choice may be worse
    than its start, or missing: the greedy choice is kept, never the round."""
    scenario, tasks = _small_team()
    model = ReferentModel(scenario, tasks)
    greedy = greedy_referents(model.team, model.by_student, model.candidates(), scenario.weights)
    assert greedy is not None
    worse = {s: "t0" for s in greedy}  # everybody to one teacher: the busiest
    assert model.cost(worse) > model.cost(greedy)

    def out_of_time(self: ReferentModel, *_: object) -> dict[str, str] | None:
        self.proven_impossible, self.optimal = False, False
        return dict(worse) if solved == "worse" else None

    monkeypatch.setattr(ReferentModel, "solve", out_of_time)
    chosen, optimal = _choose_referents(scenario, tasks, _Solver(1.0, 0, 1, 1))
    assert chosen == greedy and not optimal


def test_a_swap_gathers_towns_that_no_single_move_can() -> None:
    """Two teachers each following a student in Vienne and one in Givors:
    moving one student only loads a teacher more, exchanging two gives each
    teacher one town."""
    team = [_teacher("t0", town="Lyon"), _teacher("t1", town="Bron")]
    ids = ("t0", "t1")
    towns = {"a": "Vienne", "b": "Givors", "c": "Vienne", "d": "Givors"}
    by_student = {s: [_task(s, 3 * k, 1, town, ids)] for k, (s, town) in enumerate(towns.items())}
    start = {"a": "t0", "b": "t0", "c": "t1", "d": "t1"}
    assert _no_move_helps(start, team, by_student)  # no single move helps
    candidates = {s: list(ids) for s in by_student}
    improved = improve_referents(start, team, by_student, candidates, WEIGHTS)
    assert improved["a"] == improved["c"] != improved["b"] == improved["d"]
    assert referent_cost(improved, team, by_student, WEIGHTS) == (
        WEIGHTS.visit_balance * 2 + WEIGHTS.visit_trips * 2
    )


_MODEL_DIGEST = """
import hashlib, sys
sys.path.insert(0, "tests")
from test_visits_greedy import TOWNS, _small_team, _task
from planner.visits.referents import ReferentModel
scenario, tasks = _small_team()
ids = tuple(t.id for t in scenario.teachers)
# Each student visited in three towns (host changes): the towns a set holds.
tasks = tuple(_task(t.student_id, 2 * k + j, 1, TOWNS[(k + j) % 3], ids)
              for k, t in enumerate(tasks) for j in range(3))
model = ReferentModel(scenario, tasks).model
print(hashlib.sha256(str(model.proto).encode()).hexdigest())
"""


def test_the_referent_model_is_the_same_in_every_process() -> None:
    """Python orders a set of strings differently in each process (hash
    randomisation); the model, and so the choice CP-SAT returns, must not
    follow that order."""
    digests = {
        subprocess.run(
            [sys.executable, "-c", _MODEL_DIGEST],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(4)
    }
    assert len(digests) == 1
