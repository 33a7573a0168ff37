"""Several classes sharing crowded hosts: solved class by class, with the
hosts' places shared out afterwards (issue 6).

The classes of a school interact only through the hosts they share when
those hosts are crowded (R10): synchronisation and every other term are
per class. One school-sized CP-SAT model stays far from its bound
(docs/benchmarks.md); class-sized models solve in a fraction of a second.
So two lanes run side by side:

- **The plan lane** (the calling thread).

  1. *First plan*: class after class, each given the places the classes
     before it left (``ModelData(taken=...)``) and stopped at its first
     solution: a valid plan of the whole, early.
  2. *Descent* (a large neighbourhood search): rounds over neighbourhoods,
     each re-solved with the places every other class takes and kept when
     it costs less. A neighbourhood is one class, or two classes that share
     a crowded host: the pair can decide which of them gives way at the
     host (moves its interns out of the class's weeks), a move no single
     class makes, since giving way only pays once the other has moved.
     Neighbourhoods that touch no common host run at once, one per worker.

- **The bound lane** (a thread): the whole school as one model on
  CP-SAT's ``lb_tree_search`` worker, which spends its time on the lower
  bound alone: its LP sees what sharing the hosts costs, and its search
  tree raises the bound branch by branch (each class alone with every
  place, a far weaker relaxation, only if it finds none). Its bound is the
  result's bound; a plan it finds (seldom) replaces the descent's if
  better.

Reproducible: every solve is a one-worker solve under a deterministic time
limit, the descent's rounds and batches are fixed in advance, and the lanes
meet only at the end (the bound lane's live bound is shown, never used to
decide anything).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from models import Calendar, PlanStatus, Scenario

from .components import sub_scenario
from .formulation import ModelData, ModelResult, Progress, StagePlanModel, StopHandle

Taken = Counter[tuple[str, dt.date]]
#: One or two class indices, re-solved together.
Neighbourhood = tuple[int, ...]


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
    start: Mapping[str, Iterable[dt.date]] | None = None,
    known_bound: float | None = None,
    threads: int | None = None,
) -> ModelResult | None:
    """Plan several classes that share hosts (see the module's text).

    ``time_limit_s`` is deterministic time per worker: the lanes share
    ``workers × time_limit_s`` of it. ``threads`` (``workers`` when None)
    is how many of the descent's solves run at once: an académie improving
    several schools at once gives each one thread, and the same budget.
    Returns None when the class-by-class first plan fails (the caller then
    solves the whole as one model, which may still find one).
    ``first_plan_only`` stops after the first plan (bound 0: no bound is
    known yet); ``start``, a first plan found so before, is taken up instead
    of searched again. ``known_bound``, a bound found before with the bound
    lane's share of the time (:func:`school_bound`, in an académie's first
    pass), replaces the lane.
    """
    school = _School(scenario, calendar, seed, stop)
    if first_plan_only:
        first = school.first_plan(time_limit_s)
        return None if first is None else school.result(first, 0.0, status=PlanStatus.FEASIBLE)
    shown = _Shown(on_progress, school)
    lane_budget = _BOUND_SHARE * time_limit_s
    lane: _BoundLane | _KnownBound = (
        _BoundLane(school, lane_budget, stop.child() if stop else StopHandle(), shown)
        if known_bound is None
        else _KnownBound(known_bound, shown)
    )
    current = school.first_plan(time_limit_s, start)
    if current is None:
        return None
    shown.plan(current)
    # Started once the first plan is out: that plan comes first (anytime).
    lane.start()
    try:
        budget = max(_MIN_LIMIT_S, workers * time_limit_s - lane_budget)
        _Descent(school, budget, threads or workers, shown).run(current)
    except BaseException:
        lane.stop.request()  # no result to bound
        raise
    finally:
        lane.join()
    if lane.error is not None:
        raise lane.error
    return school.finish(current, lane.outcome)


def school_bound(
    scenario: Scenario,
    calendar: Calendar,
    *,
    time_limit_s: float,
    seed: int,
    stop: StopHandle | None = None,
) -> float | None:
    """The bound lane's bound, searched on its own: what
    :func:`solve_by_class` with the same ``time_limit_s`` would find for it
    (the whole on ``lb_tree_search``). An académie computes it for every
    school in its first pass, so that the bound of the whole is known early
    rather than school after school. None when no bound above 0 was found."""
    school = _School(scenario, calendar, seed, stop)
    budget = _BOUND_SHARE * time_limit_s
    bound = _bound_search(school, budget, stop or StopHandle(), _Shown(None, school)).bound
    return bound if bound > 0 else None


#: Share of the time limit given to the bound lane.
_BOUND_SHARE = 0.5
#: Whether the bound lane's whole model runs CP-SAT's bound worker
#: (``lb_tree_search``) rather than ``max_lp``. On three schools of 350, its
#: bound after the lane's 30 deterministic seconds was higher by 0.9 % to
#: 3.0 %, the gap at the end 1.6-2.2 % instead of 2.5-5.1 %
#: (docs/benchmarks-variants.md; the variants script switches it off).
_LANE_BOUND_ONLY = True
#: Least deterministic time of one solve.
_MIN_LIMIT_S = 1.0


class _School:
    """The class models of one school, and the time and solutions they used."""

    def __init__(self, scenario: Scenario, calendar: Calendar, seed: int, stop: StopHandle | None):
        self.scenario = scenario
        self.calendar = calendar
        self.seed = seed
        self.stop = stop
        self.classes = classes_of(scenario)
        self.subs = [sub_scenario(scenario, ids) for ids in self.classes]
        self.shared = _shared_hosts(self.subs)
        self.pairs = _coupled_pairs(self.subs, self.shared)
        self.neighbours: dict[int, set[int]] = {i: set() for i in range(len(self.subs))}
        for a, b in self.pairs:
            self.neighbours[a].add(b)
            self.neighbours[b].add(a)
        self._lock = threading.Lock()
        self.spent = 0.0  # deterministic time of every solve, both lanes
        self.wall = 0.0
        self.solutions = 0
        self.stats: Counter[str] = Counter()

    def solve(
        self,
        scenario: Scenario,
        taken: Mapping[tuple[str, dt.date], int],
        hint: Mapping[str, Iterable[dt.date]] | None,
        limit: float,
        *,
        first_only: bool = False,
        fixed: bool = False,
        stop: StopHandle | None = None,
        on_bound: Callable[[float], None] | None = None,
        bound_only: bool = False,
    ) -> ModelResult:
        """One single-worker solve (``max_lp``: the worker with the fullest
        LP, twice as fast as two interleaved workers on a class; with
        ``bound_only``, ``lb_tree_search``: the bound alone)."""
        model = StagePlanModel(ModelData(scenario, self.calendar, taken=taken))
        if hint is not None:
            model.hint({s: tuple(d) for s, d in hint.items()})
        found = model.solve(
            time_limit_s=max(_MIN_LIMIT_S, limit),
            seed=self.seed,
            workers=1,
            stop=stop or self.stop,
            first_solution_only=first_only,
            fixed_to_hint=fixed,
            on_bound=on_bound,
            bound_only=bound_only,
        )
        with self._lock:
            self.spent += found.deterministic_time
            self.wall += found.wall_time_s
            self.solutions += found.solutions
            if not self.stats:
                self.stats.update(found.stats)
        return found

    def relaxed(self, budget: float, stop: StopHandle | None = None) -> float | None:
        """The relaxation's bound: each class alone with every place, a
        quarter of ``budget`` shared out between them (None when a class
        has no bound within its share)."""
        bound = 0.0
        limit = budget / (4 * len(self.subs))
        for sub in self.subs:
            alone = self.solve(sub, {}, None, limit, stop=stop)
            if alone.bound is None:
                return None
            bound += alone.bound
        return bound

    def scenario_of(self, group: Neighbourhood) -> Scenario:
        if len(group) == 1:
            return self.subs[group[0]]
        return sub_scenario(self.scenario, [s for i in group for s in self.classes[i]])

    def first_plan(
        self, limit: float, start: Mapping[str, Iterable[dt.date]] | None = None
    ) -> list[ModelResult] | None:
        """Class after class, each with the places the previous ones left,
        each stopped at its first plan: a plan of the whole, early. A
        ``start`` plan (such a first plan, found before) is priced instead.

        A stop does not cut it short: a class's first plan takes a fraction
        of a second, and a stop before the whole's first plan would leave the
        user no plan at all."""
        if start is not None:
            priced = self._priced_start(start)
            if priced is not None:
                return priced
        taken: Taken = Counter()
        current = []
        for index, sub in enumerate(self.subs):
            found = self.solve(sub, taken, None, limit, first_only=True, stop=StopHandle())
            if not found.status.has_plan:
                return None
            current.append(found)
            taken += self.usage(index, found.dates)
        return current

    def _priced_start(self, start: Mapping[str, Iterable[dt.date]]) -> list[ModelResult] | None:
        """Each class of a known plan priced by its own model, its days fixed
        and the places all the others take (as in the descent); None if a
        class's model cannot hold its part of the plan."""
        used = [self.usage(index, start) for index in range(len(self.subs))]
        priced = []
        for index, sub in enumerate(self.subs):
            others: Taken = Counter()
            for other, places in enumerate(used):
                if other != index:
                    others += places
            dates = {s.id: tuple(start.get(s.id, ())) for s in sub.students}
            found = self.solve(sub, others, dates, _MIN_LIMIT_S, fixed=True, stop=StopHandle())
            if found.status is not PlanStatus.OPTIMAL or any(
                dates[s] != days for s, days in found.dates.items()
            ):
                return None
            priced.append(found)
        return priced

    def usage(self, index: int, dates: Mapping[str, Iterable[dt.date]]) -> Taken:
        """Places of shared crowded hosts one class's plan takes, per date."""
        used: Taken = Counter()
        for student in self.subs[index].students:
            for date in dates.get(student.id, ()):
                host = student.host_on(date)
                if host in self.shared:
                    used[host, date] += 1
        return used

    def taken_outside(self, current: Sequence[ModelResult], group: Neighbourhood) -> Taken:
        taken: Taken = Counter()
        for other, found in enumerate(current):
            if other not in group:
                taken += self.usage(other, found.dates)
        return taken

    def independent(self, first: Neighbourhood, second: Neighbourhood) -> bool:
        """Whether two neighbourhoods may be re-solved at once: no class in
        common and no crowded host shared between them."""
        touched = set(first).union(*(self.neighbours[i] for i in first))
        return not touched.intersection(second)

    def stopped(self) -> bool:
        return self.stop is not None and self.stop.requested

    def finish(self, current: list[ModelResult], outcome: _LaneOutcome) -> ModelResult:
        """The descent's plan, or the bound lane's when it costs less; the
        best bound of the two."""
        bound = max(outcome.bound, 0.0)
        whole = outcome.plan
        if whole is not None and (whole.objective or 0.0) < total(current):
            found = self.result([whole], bound)
            return replace(found, terms=dict(whole.terms))
        return self.result(current, bound)

    def result(
        self, current: list[ModelResult], bound: float, status: PlanStatus | None = None
    ) -> ModelResult:
        objective = total(current)
        terms: Counter[str] = Counter()
        for found in current:
            terms.update(found.terms)
        optimal = PlanStatus.OPTIMAL if objective <= bound else PlanStatus.FEASIBLE
        return ModelResult(
            status=status or optimal,
            dates={s: d for found in current for s, d in found.dates.items()},
            objective=objective,
            bound=bound,
            terms=dict(terms),
            wall_time_s=self.wall,
            deterministic_time=self.spent,
            solutions=self.solutions,
            stats={**self.stats, "classes": len(self.subs)},
        )


@dataclass(frozen=True)
class _LaneOutcome:
    bound: float
    plan: ModelResult | None


class _BoundLane(threading.Thread):
    """Each class alone with every place, then the whole school as one
    model: the bound, and sometimes a better plan."""

    def __init__(self, school: _School, budget: float, stop: StopHandle, shown: _Shown):
        super().__init__(name="stageplan-bound", daemon=True)
        self.school, self.budget, self.stop, self.shown = school, budget, stop, shown
        self.outcome = _LaneOutcome(0.0, None)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._search()
        except BaseException as error:  # re-raised on the calling thread
            self.error = error

    def _search(self) -> None:
        self.outcome = _bound_search(self.school, self.budget, self.stop, self.shown)


def _bound_search(school: _School, budget: float, stop: StopHandle, shown: _Shown) -> _LaneOutcome:
    """The bound lane's work: the whole school on ``lb_tree_search`` with all
    of ``budget``; each class alone with every place (a relaxation, far
    weaker) only when that found no bound above 0 (stopped early, say)."""
    best = [float("-inf")]

    def heard(bound: float) -> None:
        best[0] = max(best[0], bound)
        shown.bound(bound)

    whole = school.solve(
        school.scenario,
        {},
        None,
        budget,
        stop=stop,
        on_bound=heard,
        bound_only=_LANE_BOUND_ONLY,
    )
    bound = max(best[0], whole.bound or float("-inf"))
    if bound <= 0:  # every term of the objective is >= 0: no bound yet
        relaxed = school.relaxed(budget, stop)
        if relaxed is not None:
            bound = max(bound, relaxed)
            shown.bound(relaxed)
    return _LaneOutcome(bound, whole if whole.status.has_plan else None)


class _KnownBound:
    """Stands in for the bound lane when the bound was searched before."""

    def __init__(self, bound: float, shown: _Shown):
        self.outcome = _LaneOutcome(bound, None)
        self.error: BaseException | None = None
        self.stop = StopHandle()
        # Shown from the first plan on: the académie's bound never dips
        # while this school waits for it.
        shown.bound(bound)

    def start(self) -> None:
        return None

    def join(self) -> None:
        return None


class _Descent:
    """Rounds of re-solved neighbourhoods (one class, or two classes that
    share a crowded host), in fixed batches of independent ones."""

    def __init__(self, school: _School, budget: float, workers: int, shown: _Shown):
        self.school, self.budget, self.workers, self.shown = school, budget, workers, shown
        singles = [(i,) for i in range(len(school.subs))]
        self.rounds = self._batches(school.pairs) + self._batches(singles)
        count = len(school.subs)
        self.limit = min(_MAX_STEP_S, max(_MIN_LIMIT_S, budget / (4 * count)))
        self.step = self.limit
        self.spent = 0.0

    def _batches(self, groups: Sequence[Neighbourhood]) -> list[list[Neighbourhood]]:
        """``groups`` in order, cut into batches of mutually independent
        neighbourhoods of at most ``workers`` each."""
        left = list(groups)
        batches = []
        while left:
            batch = [left.pop(0)]
            for group in list(left):
                if len(batch) == self.workers:
                    break
                if all(self.school.independent(group, b) for b in batch):
                    batch.append(group)
                    left.remove(group)
            batches.append(batch)
        return batches

    def run(self, current: list[ModelResult]) -> None:
        # The first round takes short steps, so that every neighbourhood is
        # visited early (anytime: on three schools of 350, the plan after 20
        # of their 120 deterministic seconds cost 6 % less); later rounds
        # take the full step, until one improves nothing
        # (docs/benchmarks-variants.md).
        self.step = min(_FIRST_ROUND_STEP_S, self.limit)
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            improved = True
            while improved:
                short = self.step < self.limit
                improved = self.round(pool, current) or short
                self.step = self.limit
                if self.spent >= self.budget or self.school.stopped():
                    return

    def round(self, pool: ThreadPoolExecutor, current: list[ModelResult]) -> bool:
        """One pass over every neighbourhood; whether any was improved."""
        improved = False
        for batch in self.rounds:
            if self.spent >= self.budget or self.school.stopped():
                return improved
            outcomes = list(pool.map(lambda g: self._resolve(current, g), batch))
            for outcome in outcomes:
                if outcome is not None:
                    for index, found in outcome:
                        current[index] = found
                    improved = True
            if any(outcomes):
                self.shown.plan(current)
        return improved

    def _resolve(
        self, current: list[ModelResult], group: Neighbourhood
    ) -> list[tuple[int, ModelResult]] | None:
        """``group`` re-solved from its plan, with the places the others
        take; each class's new plan with its own cost, or None if no better."""
        school = self.school
        taken = school.taken_outside(current, group)
        hint = {s: d for i in group for s, d in current[i].dates.items()}
        found = school.solve(school.scenario_of(group), taken, hint, self.step * len(group))
        self._spend(found)
        before = sum(current[i].objective or 0.0 for i in group)
        if not found.status.has_plan or (found.objective or 0.0) >= before:
            return None
        if len(group) == 1:
            return [(group[0], found)]
        return self._priced(group, found, taken)

    def _priced(
        self, group: Neighbourhood, found: ModelResult, taken: Taken
    ) -> list[tuple[int, ModelResult]] | None:
        """Each class's share of a pair's plan: its own model with those
        days fixed, and the places the others take (so that its students
        are grouped as in its own solves; a plan its groups cannot hold is
        refused)."""
        school = self.school
        priced = []
        for index in group:
            dates = {s: found.dates[s] for s in school.classes[index]}
            others = taken.copy()
            for partner in group:
                if partner != index:
                    others += school.usage(partner, found.dates)
            alone = school.solve(school.subs[index], others, dates, _MIN_LIMIT_S, fixed=True)
            self._spend(alone)
            if alone.status is not PlanStatus.OPTIMAL or alone.dates != dates:
                return None
            priced.append((index, alone))
        return priced

    def _spend(self, found: ModelResult) -> None:
        with self.school._lock:
            self.spent += found.deterministic_time


#: Most deterministic time of one class's re-solve in the descent.
_MAX_STEP_S = 5.0
#: Deterministic time of one class's re-solve in the descent's first round
#: (a pair's: twice as much; no solve takes less than ``_MIN_LIMIT_S``).
#: Such short solves take about 1.9 s of wall clock per deterministic second
#: on the 2-core machine, even alone (a pair: 2.8 s for 1.5; a 10 s solve
#: 11.6 s): presolve and the first LP rounds count for little deterministic
#: time. Capping the lanes at two solves at once (no third one on two cores)
#: found the same plan no sooner (123 s against 116 s on a school of 350),
#: so the lanes are left to share the cores.
_FIRST_ROUND_STEP_S = 0.75


class _Shown:
    """Progress as the user sees it: the plan lane's total, the best bound
    either lane knows so far (shown only; decisions never read it)."""

    def __init__(self, on_progress: Callable[[Progress], None] | None, school: _School):
        self.on_progress, self.school = on_progress, school
        self._lock = threading.Lock()
        self._objective: float | None = None
        self._bound = 0.0

    def plan(self, current: Sequence[ModelResult]) -> None:
        with self._lock:
            self._objective = total(current)
        self._emit()

    def bound(self, bound: float) -> None:
        with self._lock:
            if bound <= self._bound:
                return
            self._bound = bound
        self._emit()

    def _emit(self) -> None:
        if self.on_progress is None:
            return
        with self._lock:
            objective, bound = self._objective, self._bound
            if objective is None:
                return
            progress = Progress(
                objective, min(bound, objective), self.school.wall, self.school.solutions
            )
            self.on_progress(progress)


def total(current: Sequence[ModelResult]) -> float:
    """The whole plan's cost: the classes' costs added up."""
    return sum(found.objective or 0.0 for found in current)


def _coupled_pairs(subs: list[Scenario], shared: frozenset[str]) -> list[tuple[int, int]]:
    """Pairs of classes with students at the same shared crowded host."""
    at: dict[str, set[int]] = {}
    for index, sub in enumerate(subs):
        for student in sub.students:
            for host in student.hosts:
                if host in shared:
                    at.setdefault(host, set()).add(index)
    pairs = {(a, b) for seen in at.values() for a in seen for b in seen if a < b}
    return sorted(pairs)


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


__all__ = ["classes_of", "school_bound", "solve_by_class", "total"]
