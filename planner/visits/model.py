"""R12: the CP-SAT model that dates the visits and picks referents.

Second stage of the solve: the periods are placed first (the visits cannot
make a period impossible when a teacher can visit on some day of each part
and weekly capacities leave room, which :func:`plan_visits` checks by
reporting any visit it cannot place). Keeping visits out of the placement
model keeps that model small (see docs/rules.md, R12).

Decisions: ``visit[v, t, d]`` (task ``v`` made by teacher ``t`` on date
``d``), ``referent[s, t]`` and a slack ``missed[v]`` so that the model is
always feasible and says which visits cannot be placed. Constraints: each
task made once or missed; all visits of a student by his referent; at most
``max_visits_per_week`` visits per teacher and week. Objective, in two
solves (:meth:`VisitModel.solve`): missed visits and the busiest
teacher-week first; then, those kept, the busiest teacher and the trips
(distinct teacher, day, town), so that visits to hosts of one town go
together.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import defaultdict

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model import CpModel, IntVar, LinearExpr

from models import PlanStatus, Scenario, monday_of

from ..formulation.cpmodel import configure_solver
from .result import VisitAssignment
from .tasks import VisitTask

#: Cost of a missed visit: above any other term, so visits are missed only
#: when no assignment places them all.
MISSED_COST = 100_000

_STATUS = {
    cp_model.OPTIMAL: PlanStatus.OPTIMAL,
    cp_model.FEASIBLE: PlanStatus.FEASIBLE,
    cp_model.INFEASIBLE: PlanStatus.INFEASIBLE,
}


class VisitModel:
    """The visit model of one plan; build it, then :meth:`solve`."""

    def __init__(self, scenario: Scenario, tasks: tuple[VisitTask, ...]):
        self.scenario = scenario
        self.tasks = tasks
        self.model = CpModel()
        self.visit: dict[tuple[int, str, dt.date], IntVar] = {}
        self.referent: dict[tuple[str, str], IntVar] = {}
        self.missed: dict[int, IntVar] = {}
        self._add_variables()
        self._add_one_visit_each()
        self._add_one_referent()
        self._add_weekly_capacity()
        self._add_objective()

    def _add_variables(self) -> None:
        teachers = {t.id: t for t in self.scenario.teachers}
        for v, task in enumerate(self.tasks):
            self.missed[v] = self.model.new_bool_var(f"missed_{v}")
            for t in task.teachers:
                for date in task.dates_for(teachers[t]):
                    self.visit[v, t, date] = self.model.new_bool_var(f"visit_{v}_{t}_{date}")
                key = (task.student_id, t)
                if key not in self.referent:
                    self.referent[key] = self.model.new_bool_var(f"referent_{key[0]}_{t}")

    def _add_one_visit_each(self) -> None:
        by_task: dict[int, list[IntVar]] = defaultdict(list)
        for (v, _, _), var in self.visit.items():
            by_task[v].append(var)
        for v in range(len(self.tasks)):
            self.model.add_exactly_one([*by_task[v], self.missed[v]])

    def _add_one_referent(self) -> None:
        """R12: one referent per student; he makes all the student's visits."""
        by_student: dict[str, list[IntVar]] = defaultdict(list)
        for (student, _), var in self.referent.items():
            by_student[student].append(var)
        for literals in by_student.values():
            self.model.add_exactly_one(literals)
        by_task_teacher: dict[tuple[int, str], list[IntVar]] = defaultdict(list)
        for (v, t, _), var in self.visit.items():
            by_task_teacher[v, t].append(var)
        for (v, t), literals in by_task_teacher.items():
            self.model.add(sum(literals) <= self.referent[self.tasks[v].student_id, t])

    def _add_weekly_capacity(self) -> None:
        """R12: at most ``max_visits_per_week`` visits per teacher and week."""
        self.week_load: dict[tuple[str, dt.date], list[IntVar]] = defaultdict(list)
        for (_, t, date), var in self.visit.items():
            self.week_load[t, monday_of(date)].append(var)
        for (t, _), literals in self.week_load.items():
            capacity = self.scenario.teacher(t).max_visits_per_week
            if len(literals) > capacity:
                self.model.add(sum(literals) <= capacity)

    def _add_objective(self) -> None:
        top = max((t.max_visits_per_week for t in self.scenario.teachers), default=0)
        self.peak = self.model.new_int_var(0, top, "peak_week")
        for literals in self.week_load.values():
            self.model.add(sum(literals) <= self.peak)
        self.busiest = self.model.new_int_var(0, len(self.tasks), "busiest_teacher")
        per_teacher: dict[str, list[IntVar]] = defaultdict(list)
        for (_, t, _), var in self.visit.items():
            per_teacher[t].append(var)
        for literals in per_teacher.values():
            self.model.add(sum(literals) <= self.busiest)
        self.trips = self._trips()
        self.missed_count = LinearExpr.sum(list(self.missed.values()))

    def _trips(self) -> list[IntVar]:
        """One literal per (teacher, day, town) visited: grouped visits share it."""
        by_trip: dict[tuple[str, dt.date, str], list[tuple[int, IntVar]]] = defaultdict(list)
        for (v, t, date), var in self.visit.items():
            task = self.tasks[v]
            place = task.place
            by_trip[t, date, place].append((v, var))
        trips = []
        covering: dict[int, list[IntVar]] = defaultdict(list)
        for (t, date, place), members in by_trip.items():
            trip = self.model.new_bool_var(f"trip_{t}_{date}_{place}")
            for v, literal in members:
                self.model.add_implication(literal, trip)
                covering[v].append(trip)
            trips.append(trip)
        # Redundant, for the bound: each visit needs one of its trips. On
        # trips alone this is an interval covering, whose LP is integral.
        for v, literals in covering.items():
            self.model.add(LinearExpr.sum(literals) >= 1 - self.missed[v])
        return trips

    def solve(self, time_limit_s: float, seed: int, workers: int) -> VisitAssignment:
        """Solve lexicographically: fewest missed visits and lightest busiest
        week first, then (those fixed) the fewest trips and busiest teacher.

        The busiest week is a max over weeks, whose LP is weak: asked in one
        weighted sum with the trips, the proof took four times longer. With
        ``weights.visit_peak`` at 0 the first phase only counts missed visits.
        """
        weights = self.scenario.weights
        peak = weights.visit_peak * self.peak if weights.visit_peak else 0
        self.model.minimize(MISSED_COST * self.missed_count + peak)
        first = self._solve(time_limit_s / 2, seed, workers)
        if not first.status.has_plan:
            return first
        self.model.add(self.missed_count <= len(first.unplaced))
        if weights.visit_peak:
            self.model.add(self.peak <= self._peak_of(first))
        self.model.minimize(
            MISSED_COST * self.missed_count
            + weights.visit_balance * self.busiest
            + weights.visit_trips * LinearExpr.sum(self.trips)
        )
        for (v, t, d), var in self.visit.items():
            self.model.add_hint(var, first.placed.get(v) == (t, d))
        second = self._solve(time_limit_s / 2, seed, workers)
        if not second.status.has_plan:
            return dataclasses.replace(first, status=PlanStatus.FEASIBLE)
        both = first.status is PlanStatus.OPTIMAL and second.status is PlanStatus.OPTIMAL
        return dataclasses.replace(
            second,
            status=PlanStatus.OPTIMAL if both else PlanStatus.FEASIBLE,
            wall_time_s=first.wall_time_s + second.wall_time_s,
        )

    def _peak_of(self, found: VisitAssignment) -> int:
        load: dict[tuple[str, dt.date], int] = defaultdict(int)
        for teacher, date in found.placed.values():
            load[teacher, monday_of(date)] += 1
        return max(load.values(), default=0)

    def _solve(self, time_limit_s: float, seed: int, workers: int) -> VisitAssignment:
        """One solve with a deterministic time limit; every value read once."""
        solver = cp_model.CpSolver()
        # max_lp first (linearization level 2): the trips' covering rows
        # need the full LP; the placement's reproducible settings.
        configure_solver(solver, time_limit_s, seed, workers)
        started = time.perf_counter()
        code = solver.solve(self.model)
        wall = time.perf_counter() - started
        status = _STATUS.get(code, PlanStatus.UNKNOWN)
        if not status.has_plan:
            return VisitAssignment({}, {}, status=status, wall_time_s=wall)
        placed = {v: (t, d) for (v, t, d), var in self.visit.items() if solver.boolean_value(var)}
        referents = {s: t for (s, t), var in self.referent.items() if solver.boolean_value(var)}
        return VisitAssignment(
            placed=placed,
            referents=referents,
            unplaced=tuple(v for v, var in self.missed.items() if solver.boolean_value(var)),
            status=status,
            objective=solver.objective_value,
            bound=solver.best_objective_bound,
            wall_time_s=wall,
            stats={"variables": len(self.model.proto.variables)},
        )
