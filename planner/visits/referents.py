"""R12, first stage of the visits: one referent teacher per student.

Teams follow interns by sector; so does this model. It picks one referent
per student (a named one is kept) to balance the visits across the team and
to give each teacher few towns, so that his visits to one town can share a
day in the second stage (:mod:`planner.visits.model`). A Hall-type count
keeps the second stage feasible: for any span of weeks, the visits a
teacher must make inside it fit his weekly capacity.

Decisions are ``referent[s, t]`` and ``covers[t, town]``; the model is
small (students × teachers) and solves to optimality in well under a second
on a class.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import CpModel, IntVar, LinearExpr

from models import Scenario, Teacher, monday_of

from ..formulation.cpmodel import configure_solver
from .greedy import referent_cost
from .tasks import VisitTask

_ONE_WEEK = dt.timedelta(days=7)
#: Longest span of weeks given a capacity count (longer ones rarely bind;
#: a visit the second stage still cannot place is reported, never dropped).
SPAN_WEEKS = 6


class ReferentModel:
    """Who follows whom; build it, then :meth:`solve`."""

    def __init__(self, scenario: Scenario, tasks: tuple[VisitTask, ...]):
        self.scenario = scenario
        self.tasks = tasks
        self.model = CpModel()
        named = {t for task in tasks for t in task.teachers}
        self.team = [t for t in scenario.teachers if t.max_visits_per_week > 0 and t.id in named]
        self.by_student = self._students()
        self.referent: dict[tuple[str, str], IntVar] = {}
        self._add_variables()
        self._add_capacity_counts()
        self._add_objective()

    def _students(self) -> dict[str, list[VisitTask]]:
        tasks: dict[str, list[VisitTask]] = defaultdict(list)
        for task in self.tasks:
            tasks[task.student_id].append(task)
        return tasks

    def _add_variables(self) -> None:
        for student, tasks in self.by_student.items():
            literals = []
            for teacher in self.team:
                if teacher.id not in tasks[0].teachers:
                    continue
                if not all(task.dates_for(teacher) for task in tasks):
                    continue  # he never visits on the days this intern is in company
                var = self.model.new_bool_var(f"referent_{student}_{teacher.id}")
                self.referent[student, teacher.id] = var
                literals.append(var)
            # No possible referent: the student's visits will be reported missed.
            if literals:
                self.model.add_exactly_one(literals)

    def _add_capacity_counts(self) -> None:
        """For each teacher and span of weeks (from one visit's first possible
        week to another's last, at most :data:`SPAN_WEEKS` weeks: the tight
        ones), the visits that must fall inside fit ``max_visits_per_week``
        times the span's weeks."""
        for teacher in self.team:
            by_span: dict[tuple[dt.date, dt.date], list[IntVar]] = defaultdict(list)
            for first, last, var in self._spans(teacher):
                by_span[first, last].append(var)
            starts = sorted({first for first, _ in by_span})
            ends = sorted({last for _, last in by_span})
            for first in starts:
                for last in ends:
                    weeks = (last - first) // _ONE_WEEK + 1
                    if not 1 <= weeks <= SPAN_WEEKS:
                        continue
                    inside = [
                        var
                        for (a, b), literals in by_span.items()
                        if first <= a and b <= last
                        for var in literals
                    ]
                    room = teacher.max_visits_per_week * weeks
                    if len(inside) > room:
                        self.model.add(LinearExpr.sum(inside) <= room)

    def _spans(self, teacher: Teacher) -> list[tuple[dt.date, dt.date, IntVar]]:
        spans = []
        for task in self.tasks:  # a team's tasks: a few hundred
            var = self.referent.get((task.student_id, teacher.id))
            dates = task.dates_for(teacher)
            if var is not None and dates:
                spans.append((monday_of(dates[0]), monday_of(dates[-1]), var))
        return spans

    def _add_objective(self) -> None:
        weights = self.scenario.weights
        visits = {s: len(tasks) for s, tasks in self.by_student.items()}
        mine: dict[str, list[tuple[str, IntVar]]] = defaultdict(list)
        for (s, t), var in self.referent.items():
            mine[t].append((s, var))
        self.busiest = self.model.new_int_var(0, len(self.tasks), "busiest_teacher")
        self.sectors: list[IntVar] = []
        for teacher in self.team:
            followed = mine[teacher.id]
            self.model.add(sum(visits[s] * var for s, var in followed) <= self.busiest)
            self.sectors.extend(self._towns_of(teacher, followed))
        self.model.minimize(
            weights.visit_balance * self.busiest
            + weights.visit_trips * LinearExpr.sum(self.sectors)
        )

    def _towns_of(self, teacher: Teacher, mine: list[tuple[str, IntVar]]) -> list[IntVar]:
        """One literal per town the teacher covers (his home town is free)."""
        towns: dict[str, list[IntVar]] = defaultdict(list)
        for student, var in mine:
            # Sorted: a set of strings iterates in an order that changes with
            # each process (hash randomisation), and so would the model and
            # the choice CP-SAT returns.
            places = sorted({task.place for task in self.by_student[student]})
            for town in places:
                towns[town].append(var)
        covered = []
        for town, literals in towns.items():
            if town == teacher.town:
                continue
            cover = self.model.new_bool_var(f"covers_{teacher.id}_{town}")
            for literal in literals:
                self.model.add_implication(literal, cover)
            covered.append(cover)
        return covered

    def candidates(self) -> dict[str, list[str]]:
        """Each student's possible referents (ids), in the team's order."""
        found: dict[str, list[str]] = defaultdict(list)
        for student, teacher in self.referent:
            found[student].append(teacher)
        return dict(found)

    def hint(self, referents: dict[str, str]) -> None:
        """Warm start on the referent choice alone (the team's round, which
        may break the counts: CP-SAT repairs it). Hinting the towns and the
        busiest teacher too, or starting from the greedy choice, made the
        proof of a class's choice slower (2 s and 0.3 s instead of 0.1 s)."""
        for (student, teacher), var in self.referent.items():
            self.model.add_hint(var, referents.get(student) == teacher)

    def cost(self, referents: dict[str, str]) -> int:
        """The objective of a choice (:func:`planner.visits.greedy.referent_cost`)."""
        return referent_cost(referents, self.team, self.by_student, self.scenario.weights)

    def solve(self, time_limit_s: float, seed: int, workers: int) -> dict[str, str] | None:
        """The referent of each student with visits; None when none was found
        (``self.proven_impossible`` tells whether none exists within the
        counts, or the time ran out)."""
        solver = cp_model.CpSolver()
        # max_lp: its LP sees the balance and town rows; on the bundled
        # class it proves the choice in 0.07 s where the default worker
        # took 0.5-3.2 s depending on the seed (docs/visits.md).
        configure_solver(solver, time_limit_s, seed, workers)
        code = solver.solve(self.model)
        self.proven_impossible = code in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        self.optimal = code == cp_model.OPTIMAL
        return {s: t for (s, t), var in self.referent.items() if solver.boolean_value(var)}
