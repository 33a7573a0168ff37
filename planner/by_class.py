"""Several classes sharing crowded hosts: solved class by class, with the
hosts' places shared out afterwards (issue 6).

The classes of a school interact only through the hosts they share when
those hosts are crowded (R10): synchronisation and every other term are
per class. So:

1. **First plan.** Class after class, each given the places the classes
   before it left (``ModelData(taken=...)``) and stopped at its first
   solution: a valid plan of the whole, early.
2. **Bound.** Each class alone, every host's full capacity: a relaxation,
   and the sum of these bounds is a valid bound of the school.
3. **Improvement.** Rounds of block descent: each class re-solved with the
   places all the others take, from its current plan; kept when better.
   Stops when a round improves nothing, the plan meets the bound, or the
   time is spent.

Each solve is a class-sized CP-SAT model (a few seconds at most), where
one school-sized model stays far from its bound (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from models import Calendar, PlanStatus, Scenario

from .components import sub_scenario
from .formulation import ModelData, ModelResult, Progress, StagePlanModel, StopHandle

Taken = Counter[tuple[str, dt.date]]


def classes_of(scenario: Scenario) -> list[tuple[str, ...]]:
    """Student ids per class (cohort), in order of first appearance."""
    found: dict[str, list[str]] = {}
    for student in scenario.students:
        found.setdefault(student.cohort, []).append(student.id)
    return [tuple(ids) for ids in found.values()]


def solve_by_class(
    scenario: Scenario,
    calendar: Calendar,
    *,
    time_limit_s: float,
    seed: int,
    workers: int,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopHandle | None = None,
    first_plan_only: bool = False,
) -> ModelResult | None:
    """Plan several classes that share hosts (see the module's text).

    Returns None when the class-by-class first pass finds no plan (the
    caller then solves the whole as one model, which may still find one).
    ``first_plan_only`` stops after step 1 (bound 0: no bound is known yet).
    """
    solver = _ClassSolver(scenario, calendar, time_limit_s, seed, workers, stop)
    current = solver.first_plan()
    if current is None:
        return None
    if first_plan_only:
        return replace(solver.result(current, 0.0), status=PlanStatus.FEASIBLE)
    solver.report(on_progress, current, None)
    relaxed = solver.relax(current)
    bound = sum(r.bound or 0.0 for r in relaxed)
    solver.report(on_progress, current, bound)
    solver.improve(current, bound, on_progress)
    return solver.result(current, bound)


class _ClassSolver:
    """The class models of one school and the time spent on them."""

    def __init__(
        self,
        scenario: Scenario,
        calendar: Calendar,
        time_limit_s: float,
        seed: int,
        workers: int,
        stop: StopHandle | None,
    ):
        self.calendar = calendar
        self.subs = [sub_scenario(scenario, ids) for ids in classes_of(scenario)]
        self.limit = time_limit_s
        self.seed, self.workers, self.stop = seed, workers, stop
        self.spent = 0.0  # deterministic time, against the limit
        self.wall = 0.0
        self.solutions = 0
        self.stats: Counter[str] = Counter()
        self.shared = _shared_hosts(self.subs)

    def _solve(
        self,
        index: int,
        taken: Mapping[tuple[str, dt.date], int],
        hint: Mapping[str, Iterable[dt.date]] | None,
        limit: float,
        first_only: bool = False,
    ) -> ModelResult:
        model = StagePlanModel(ModelData(self.subs[index], self.calendar, taken=taken))
        if hint is not None:
            model.hint({s: tuple(d) for s, d in hint.items()})
        found = model.solve(
            time_limit_s=max(_MIN_LIMIT_S, limit),
            seed=self.seed,
            # A class-sized model: the max_lp worker alone proves it about
            # twice as fast as two interleaved workers (docs/performance.md).
            workers=1,
            stop=self.stop,
            first_solution_only=first_only,
        )
        self.spent += found.deterministic_time
        self.wall += found.wall_time_s
        self.solutions += found.solutions
        if not self.stats:
            self.stats.update(found.stats)
        return found

    def relax(self, current: list[ModelResult]) -> list[ModelResult]:
        """Each class alone with every host's full capacity: the bound. A
        relaxed plan better than the class's current one replaces it when it
        fits in the places the other classes leave."""
        share = 0.5 * self.limit / len(self.subs)
        relaxed = []
        for index, found in enumerate(current):
            alone = self._solve(index, {}, found.dates, share)
            relaxed.append(alone)
        return relaxed

    def first_plan(self) -> list[ModelResult] | None:
        """Class after class, each with the places the previous ones left,
        each stopped at its first plan: a plan of the whole, early."""
        taken: Taken = Counter()
        current = []
        for index in range(len(self.subs)):
            found = self._solve(index, taken, None, self.limit, first_only=True)
            if not found.status.has_plan:
                return None
            current.append(found)
            taken += self.usage(index, found)
        return current

    def improve(
        self,
        current: list[ModelResult],
        bound: float,
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        """Block descent: each class again with the places the others take."""
        share = 0.5 * self.limit / (2 * len(self.subs))
        improved = True
        while improved and self.spent < self.limit and not self._stopped():
            improved = False
            for index in range(len(self.subs)):
                if _total(current) <= bound or self.spent >= self.limit or self._stopped():
                    return
                taken = self._taken_by_others(current, index)
                found = self._solve(index, taken, current[index].dates, share)
                if found.status.has_plan and (found.objective or 0) < (
                    current[index].objective or 0
                ):
                    current[index] = found
                    improved = True
                    self.report(on_progress, current, bound)

    def usage(self, index: int, found: ModelResult) -> Taken:
        """Places of shared crowded hosts one class's plan takes, per date."""
        students = {s.id: s for s in self.subs[index].students}
        used: Taken = Counter()
        for student_id, dates in found.dates.items():
            student = students[student_id]
            for date in dates:
                host = student.host_on(date)
                if host in self.shared:
                    used[host, date] += 1
        return used

    def _taken_by_others(self, current: list[ModelResult], index: int) -> Taken:
        taken: Taken = Counter()
        for other, found in enumerate(current):
            if other != index:
                taken += self.usage(other, found)
        return taken

    def _stopped(self) -> bool:
        return self.stop is not None and self.stop.requested

    def report(
        self,
        on_progress: Callable[[Progress], None] | None,
        current: list[ModelResult],
        bound: float | None,
    ) -> None:
        """The whole plan so far; before the relaxation no valid bound is
        known (a class's bound within the places others left is not one), 0."""
        if on_progress is not None:
            known = bound if bound is not None else 0.0
            on_progress(Progress(_total(current), known, self.wall, self.solutions))

    def result(self, current: list[ModelResult], bound: float) -> ModelResult:
        objective = _total(current)
        terms: Counter[str] = Counter()
        for found in current:
            terms.update(found.terms)
        return ModelResult(
            status=PlanStatus.OPTIMAL if objective <= bound else PlanStatus.FEASIBLE,
            dates={s: d for found in current for s, d in found.dates.items()},
            objective=objective,
            bound=bound,
            terms=dict(terms),
            wall_time_s=self.wall,
            deterministic_time=self.spent,
            solutions=self.solutions,
            stats={**self.stats, "classes": len(self.subs)},
        )


#: Least deterministic time of one class solve.
_MIN_LIMIT_S = 1.0


def _total(current: list[ModelResult]) -> float:
    return sum(found.objective or 0.0 for found in current)


def _shared_hosts(subs: list[Scenario]) -> frozenset[str]:
    """Hosts that students of more than one class go to, more students than
    places (R10 can bind between classes)."""
    classes: dict[str, set[int]] = {}
    interns: Counter[str] = Counter()
    for index, sub in enumerate(subs):
        for student in sub.students:
            for host in student.hosts:
                classes.setdefault(host, set()).add(index)
                interns[host] += 1
    capacity = {h.id: h.capacity for sub in subs[:1] for h in sub.hosts}
    return frozenset(
        host
        for host, seen in classes.items()
        if len(seen) > 1 and interns[host] > capacity.get(host, 0)
    )


__all__ = ["classes_of", "solve_by_class"]
