"""R12: the teachers' visits, planned after the periods (second stage).

:func:`plan_visits` takes a placed plan and returns it with its visits and
referents; the visits it cannot place are returned as R12 conflicts, never
dropped in silence. The independent validator checks the result like any
other rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from models import Calendar, Plan, PlanStatus, Scenario, Visit

from ..components import Links
from ..conflict import Conflict, student_label
from .by_hand import round_robin_referents, visits_by_hand
from .greedy import greedy_referents
from .model import VisitModel
from .referents import ReferentModel
from .result import VisitAssignment
from .tasks import VisitTask, visit_tasks

_T = TypeVar("_T")
_R = TypeVar("_R")

__all__ = [
    "VisitAssignment",
    "VisitOutcome",
    "VisitTask",
    "apply_assignment",
    "plan_visits",
    "visit_tasks",
    "visits_by_hand",
]


@dataclass(frozen=True)
class VisitOutcome:
    """The plan with its visits, and what the visit stage could not do."""

    plan: Plan
    assignment: VisitAssignment
    conflicts: tuple[Conflict, ...] = ()

    @property
    def complete(self) -> bool:
        """Every owed visit is placed (R12 can hold)."""
        return not self.conflicts


def plan_visits(
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    *,
    time_limit_s: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    threads: int = 1,
    by_hand: bool = False,
) -> VisitOutcome:
    """Date every visit the plan owes and name each student's referent.

    Parameters
    ----------
    scenario, calendar, plan
        A placed plan (periods and days) and what it solves.
    time_limit_s, seed, workers
        CP-SAT settings (deterministic time limit; same plan on every run).
    threads
        Independent models (a team's referents, a teacher's dates) solved
        at once; each is a deterministic solve, so the plan is the same.
    by_hand
        Use the by-hand baseline instead of CP-SAT (for comparison).

    Returns
    -------
    VisitOutcome
        The plan with ``visits`` and ``referents``; one R12 conflict per
        visit that no teacher can make, if any.
    """
    tasks = visit_tasks(scenario, calendar, plan)
    if not tasks:
        return VisitOutcome(plan, VisitAssignment({}, {}))
    if by_hand:
        assignment = visits_by_hand(scenario, tasks)
    else:
        solver = _Solver(time_limit_s, seed, workers, threads)
        assignment = _by_sector(scenario, tasks, solver)
    return VisitOutcome(
        plan=apply_assignment(scenario, plan, tasks, assignment),
        assignment=assignment,
        conflicts=_missed(scenario, tasks, assignment),
    )


@dataclass(frozen=True)
class _Solver:
    """CP-SAT settings of the visit models, and how many run at once."""

    time_limit_s: float
    seed: int
    workers: int
    threads: int

    def map(self, work: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
        """``work`` on each item, ``threads`` at a time, results in order
        (each item's solve is deterministic: the order of runs changes
        nothing)."""
        if self.threads <= 1 or len(items) <= 1:
            return [work(item) for item in items]
        with ThreadPoolExecutor(max_workers=self.threads) as pool:
            return list(pool.map(work, items))


def _by_sector(
    scenario: Scenario, tasks: tuple[VisitTask, ...], solver: _Solver
) -> VisitAssignment:
    """Referents first (:class:`ReferentModel`, one per team), then each
    teacher's dates (:class:`VisitModel` on his visits alone: with referents
    fixed the teachers no longer interact, so each one's optimum is the
    team's).

    When no referent choice passes the capacity counts, the joint model
    (teachers and dates together, with missed visits allowed) says which
    visits cannot be made.
    """
    started = time.perf_counter()
    referents, optimal = _choose_referents(scenario, tasks, solver)
    limit, seed, workers = solver.time_limit_s, solver.seed, solver.workers
    if referents is None:
        return VisitModel(scenario, tasks).solve(limit, seed, workers)
    by_teacher: dict[str, list[int]] = {}
    unplaced = []
    for v, task in enumerate(tasks):
        if task.student_id in referents:
            by_teacher.setdefault(referents[task.student_id], []).append(v)
        else:
            unplaced.append(v)
    busy = [t.id for t in scenario.teachers if by_teacher.get(t.id)]

    def dates_of(teacher: str, mine: list[int]) -> VisitAssignment:
        alone = tuple(dataclasses.replace(tasks[v], teachers=(teacher,)) for v in mine)
        return VisitModel(scenario, alone).solve(limit, seed, workers)

    solved = dict(zip(busy, solver.map(lambda t: dates_of(t, by_teacher[t]), busy), strict=True))
    missed = _missed_by(solved, by_teacher)
    if missed:
        _move_referents(scenario, tasks, missed, by_teacher, referents, solved, dates_of)
        missed = _missed_by(solved, by_teacher)
    placed: dict[int, tuple[str, dt.date]] = {}
    for teacher, result in solved.items():
        mine = by_teacher[teacher]
        optimal = optimal and result.status is PlanStatus.OPTIMAL
        placed.update({mine[i]: slot for i, slot in result.placed.items()})
    missed.update(unplaced)
    return VisitAssignment(
        placed=placed,
        referents=referents,
        unplaced=tuple(sorted(missed)),
        status=PlanStatus.OPTIMAL if optimal else PlanStatus.FEASIBLE,
        wall_time_s=time.perf_counter() - started,
        method="cp-sat",
    )


def _missed_by(solved: dict[str, VisitAssignment], by_teacher: dict[str, list[int]]) -> set[int]:
    """The tasks the teachers' date models left unplaced."""
    missed: set[int] = set()
    for teacher, result in solved.items():
        mine = by_teacher[teacher]
        missed.update(mine if not result.status.has_plan else (mine[i] for i in result.unplaced))
    return missed


def _move_referents(
    scenario: Scenario,
    tasks: tuple[VisitTask, ...],
    missed: set[int],
    by_teacher: dict[str, list[int]],
    referents: dict[str, str],
    solved: dict[str, VisitAssignment],
    dates_of: Callable[[str, list[int]], VisitAssignment],
) -> None:
    """Each student with a ``missed`` visit (one his referent cannot make)
    is given to another teacher of the team who can make all his visits,
    the least followed first (``by_teacher``, ``referents`` and ``solved``
    updated in place). A referent named in the scenario is kept.

    The referent choice passes capacity counts only: a week's dates may
    still overload a referent while another teacher has room (one visit of
    the 3,500-student académie was lost so, and the plan with it; the joint
    model of that team, 1,481 visits and 60 teachers, found nothing in
    10 s).
    """
    for student in sorted({tasks[v].student_id for v in missed}):
        known = scenario.student(student)
        if known is None or known.referent:
            continue
        own = [v for v, task in enumerate(tasks) if task.student_id == student]
        old = referents[student]
        eligible = set.intersection(*(set(tasks[v].teachers) for v in own)) - {old}
        for teacher in sorted(eligible, key=lambda t: (len(by_teacher.get(t, [])), t)):
            trial = dates_of(teacher, by_teacher.get(teacher, []) + own)
            if not trial.status.has_plan or trial.unplaced:
                continue
            by_teacher[teacher] = by_teacher.get(teacher, []) + own
            solved[teacher] = trial
            by_teacher[old] = [v for v in by_teacher[old] if v not in own]
            if by_teacher[old]:
                solved[old] = dates_of(old, by_teacher[old])
            else:
                del solved[old], by_teacher[old]
            referents[student] = teacher
            break


def _choose_referents(
    scenario: Scenario, tasks: tuple[VisitTask, ...], solver: _Solver
) -> tuple[dict[str, str] | None, bool]:
    """Referents team by team: students and the teachers who may follow
    them split into independent teams (a class, or the classes that share
    teachers), each balanced on its own. None when a team has no choice
    that passes the capacity counts."""
    teams = team_tasks(tasks)
    # A team's referents are a balancing choice, not a rule: a short solve
    # from the team's round (from which a class is proven in 0.1 s; from the
    # greedy choice, 0.3 s), the better of its choice and the greedy one is
    # kept (FEASIBLE unless proven), and R12 is checked after.
    limit = min(_TEAM_LIMIT_S, max(1.0, solver.time_limit_s / max(1, len(teams))))

    def choose(team: tuple[VisitTask, ...]) -> _TeamChoice:
        chooser = ReferentModel(scenario, team)
        greedy = (
            greedy_referents(
                chooser.team, chooser.by_student, chooser.candidates(), scenario.weights
            )
            if _GREEDY
            else None
        )
        round_of_team = round_robin_referents(scenario, team)
        chooser.hint(round_of_team)
        found = chooser.solve(limit, solver.seed, solver.workers)
        if found is None and chooser.proven_impossible:
            return _TeamChoice(None, optimal=False)
        if greedy is not None and (found is None or chooser.cost(greedy) < chooser.cost(found)):
            return _TeamChoice(greedy, optimal=False)  # it fits every count
        if found is None:  # out of time without a choice (a large team): the team's round
            return _TeamChoice(round_of_team, optimal=False)
        return _TeamChoice(found, optimal=chooser.optimal)

    referents: dict[str, str] = {}
    optimal = True
    for choice in solver.map(choose, teams):
        if choice.referents is None:
            return None, False
        referents.update(choice.referents)
        optimal = optimal and choice.optimal
    return referents, optimal


@dataclass(frozen=True)
class _TeamChoice:
    """One team's referents (None when no choice passes the counts)."""

    referents: dict[str, str] | None
    optimal: bool


#: Most deterministic time given to one team's referent model. On a school
#: of 350 (one team of 60 teachers) it proves nothing within 10 s and finds
#: no choice better than the greedy one within 3 s; a class's choice is
#: proven in 0.1 s (docs/visits.md).
_TEAM_LIMIT_S = 1.0
#: Whether the greedy choice is made and kept when the model finds no better
#: (else the team's round is; ``benchmarks/visit_load.py`` compares both).
_GREEDY = True


def team_tasks(tasks: tuple[VisitTask, ...]) -> list[tuple[VisitTask, ...]]:
    """The tasks split by connected teams (students linked by the teachers
    who may follow them), in the order of their first task."""
    links = Links()
    for task in tasks:
        for teacher in task.teachers:
            links.join("t:" + teacher, "s:" + task.student_id)
    teams: dict[str, list[VisitTask]] = {}
    for task in tasks:
        teams.setdefault(links.root("s:" + task.student_id), []).append(task)
    return [tuple(team) for team in teams.values()]


def apply_assignment(
    scenario: Scenario, plan: Plan, tasks: tuple[VisitTask, ...], assignment: VisitAssignment
) -> Plan:
    """The plan with the assignment's visits and referents (every student
    with a period gets a referent: those without visits go to the teacher
    with the fewest referent students)."""
    visits = tuple(
        sorted(
            Visit(task.student_id, task.period_id, teacher, date, task.host_id, task.town)
            for v, task in enumerate(tasks)
            if v in assignment.placed
            for teacher, date in [assignment.placed[v]]
        )
    )
    referents = _complete_referents(scenario, plan, assignment.referents)
    return dataclasses.replace(plan, visits=visits, referents=tuple(referents.items()))


def _complete_referents(scenario: Scenario, plan: Plan, chosen: dict[str, str]) -> dict[str, str]:
    team = [t.id for t in scenario.teachers]
    if not team:
        return {}
    count = Counter({t: 0 for t in team}) + Counter(chosen.values())
    with_periods = {p.student_id for p in plan.periods}
    referents = {}
    for student in scenario.students:
        if student.id in chosen:
            referents[student.id] = chosen[student.id]
        elif student.id in with_periods:
            teacher = student.referent or _least_followed(scenario, student.cohort, count)
            if teacher is not None:
                count[teacher] += 1
                referents[student.id] = teacher
    return referents


def _least_followed(scenario: Scenario, cohort: str, count: Counter[str]) -> str | None:
    """The teacher of that class with the fewest referent students (team order on ties)."""
    team = [t.id for t in scenario.teachers if t.teaches(cohort)]
    return min(team, key=lambda t: (count[t], team.index(t)), default=None)


def _missed(
    scenario: Scenario, tasks: tuple[VisitTask, ...], assignment: VisitAssignment
) -> tuple[Conflict, ...]:
    if not assignment.status.has_plan:
        return (
            Conflict(
                tuple(sorted({t.student_id for t in tasks})),
                ("R12",),
                "R12 : les visites n'ont pas pu être planifiées dans le temps imparti",
            ),
        )
    conflicts = []
    for v in assignment.unplaced:
        task = tasks[v]
        student = scenario.student(task.student_id)
        assert student is not None  # tasks come from the scenario's students
        conflicts.append(
            Conflict(
                (student.id,),
                ("R12",),
                f"{student_label(student)} : R12 (suivi par l'équipe pédagogique) — la visite "
                f"{task.number}/{task.of} de la période {task.period_id} "
                f"({task.dates[0]:%d/%m/%Y} – {task.dates[-1]:%d/%m/%Y}) ne trouve aucun "
                "enseignant disponible ce jour-là dans sa limite de visites par semaine",
                (
                    "augmenter max_visits_per_week d'un enseignant (R12)",
                    "ajouter un jour de visite (visit_days) ou un enseignant à l'équipe (R12)",
                ),
            )
        )
    return tuple(conflicts)
