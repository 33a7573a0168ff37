"""solve(): scenario in, validated plan out. It only assembles: calendar,
grid, CP-SAT model, plan, independent validation, diagnosis."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from models import Calendar, Plan, PlanStatus, Scenario

from .by_class import classes_of, school_bound, solve_by_class
from .calendar import build_calendar
from .components import independent_parts, sub_scenario
from .counting import build_plan
from .diagnose import Conflict, diagnose
from .explain import objective_breakdown
from .formulation import (
    BOUND_SUBSOLVERS,
    SUBSOLVERS,
    ModelData,
    ModelResult,
    Progress,
    StagePlanModel,
    StopHandle,
)
from .kpis import plan_kpis
from .locks import LockFault, check_locks, missing_locked_days
from .validate import Verdict, validate_plan
from .visits import VisitOutcome, plan_visits


@dataclass(frozen=True)
class SolveSettings:
    """Solver settings in force (the scenario's, possibly overridden)."""

    time_limit_s: float
    seed: int
    workers: int

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        time_limit_s: float | None = None,
        seed: int | None = None,
        workers: int | None = None,
    ) -> SolveSettings:
        solver = scenario.solver
        return cls(
            time_limit_s=solver.time_limit_s if time_limit_s is None else time_limit_s,
            seed=solver.seed if seed is None else seed,
            workers=solver.workers if workers is None else workers,
        )


@dataclass(frozen=True)
class SolveResult:
    """Outcome of :func:`solve`; ``plan`` and ``verdict`` only with a plan."""

    status: PlanStatus
    calendar: Calendar
    settings: SolveSettings
    plan: Plan | None = None
    verdict: Verdict | None = None
    objective: float | None = None
    best_bound: float | None = None
    terms: dict[str, int] = field(default_factory=dict)
    kpis: dict[str, Any] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()
    build_time_s: float = 0.0
    solve_time_s: float = 0.0
    deterministic_time: float = 0.0
    model_size: dict[str, int] = field(default_factory=dict)
    visits_info: dict[str, Any] = field(default_factory=dict)

    def solve_info(self, scenario_file: str = "") -> dict[str, Any]:
        """The solver's part of ``summary.json``."""
        return {
            "status": self.status.value,
            "objective": self.objective,
            "best_bound": self.best_bound,
            "gap": _gap(self.objective, self.best_bound),
            "wall_time_s": round(self.build_time_s + self.solve_time_s, 3),
            "build_time_s": round(self.build_time_s, 3),
            "solve_time_s": round(self.solve_time_s, 3),
            "deterministic_time": round(self.deterministic_time, 3),
            "seed": self.settings.seed,
            "workers": self.settings.workers,
            "subsolvers": list(SUBSOLVERS[: self.settings.workers]),
            # Classes sharing hosts: the bound lane's worker (planner.by_class).
            "bound_subsolvers": (
                list(BOUND_SUBSOLVERS) if self.model_size.get("classes", 0) > 1 else []
            ),
            "time_limit_s": self.settings.time_limit_s,
            "objective_terms": self.terms,
            "model": self.model_size,
            "visits": self.visits_info,
            "kpis": self.kpis,
            "scenario_file": scenario_file,
        }


def solve(
    scenario: Scenario,
    settings: SolveSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: StopHandle | None = None,
) -> SolveResult:
    """Place every student's periods and check the plan independently.

    A plan the validator rejects is never returned as a plan: the status
    becomes ``INVALID`` (a bug of the formulation, reported as such).

    Parameters
    ----------
    scenario
        The validated scenario.
    settings
        Time limit, seed and workers; the scenario's when None.
    on_progress
        Called with each improving solution (from the solver's thread).
    stop
        Lets another thread (the dashboard's Stop button) end the search;
        the best plan found so far is kept and validated as usual.
    """
    settings = settings or SolveSettings.of(scenario)
    started = time.perf_counter()
    calendar = build_calendar(scenario)
    faults = check_locks(scenario, calendar)
    if faults:
        # A lock that breaks a rule is reported as such, never dropped.
        return SolveResult(
            status=PlanStatus.INFEASIBLE,
            calendar=calendar,
            settings=settings,
            conflicts=lock_conflicts(faults),
        )
    parts = independent_parts(scenario)
    searching = time.perf_counter()
    prepared = searching - started  # calendar and lock checks
    if len(parts) > 1:
        found, build_time = _solve_parts(scenario, calendar, parts, settings, on_progress, stop)
    else:
        found, build_time = _solve_whole(scenario, calendar, settings, on_progress, stop)
    # The clock's time, not the solves' times added up: solves that ran at
    # once (the lanes of a school, the schools of an académie) count once.
    searched = time.perf_counter() - searching - build_time
    base = SolveResult(
        status=found.status,
        calendar=calendar,
        settings=settings,
        build_time_s=build_time + prepared,
        solve_time_s=max(0.0, searched),
        deterministic_time=found.deterministic_time,
        model_size=found.stats,
    )
    if found.status is PlanStatus.INFEASIBLE:
        return replace(base, conflicts=diagnose(scenario, calendar))
    if not found.status.has_plan:
        return base
    base = replace(base, model_size={**found.stats, "parts": len(parts)})
    finished = finish_plan(scenario, calendar, found.dates, settings)
    base = replace(base, visits_info=finished.visits_info)
    if finished.visits.conflicts:
        return replace(base, status=PlanStatus.INFEASIBLE, conflicts=finished.visits.conflicts)
    plan, verdict = finished.plan, finished.verdict
    kept = not missing_locked_days(scenario, plan, calendar)  # safety net of pinning
    status = found.status if verdict.ok and kept else PlanStatus.INVALID
    objective, terms = found.objective, found.terms
    if status is PlanStatus.FEASIBLE:
        objective, terms = _priced(scenario, calendar, plan, found)
    return replace(
        base,
        status=status,
        plan=plan,
        verdict=verdict,
        objective=objective,
        best_bound=found.bound,
        terms=terms,
        kpis=plan_kpis(scenario, calendar, plan, verdict),
    )


def _priced(
    scenario: Scenario, calendar: Calendar, plan: Plan, found: ModelResult
) -> tuple[float | None, dict[str, int]]:
    """The cost of a plan not proven optimal, priced from its days.

    A plan kept at a first solution (« Arrêter » before any improvement, a
    part of an académie not yet improved) reports CP-SAT's objective of that
    solution, whose counters (split weeks, period starts) the search had
    not yet brought down to what the days imply: 29,583 for a school plan
    that costs 29,533. Its days priced term by term (:mod:`planner.explain`)
    give what any solve of those days would report; kept only when lower,
    and never below the bound.
    """
    priced = objective_breakdown(scenario, calendar, plan)
    if found.objective is None or not (found.bound or 0.0) <= priced.total < found.objective:
        return found.objective, found.terms
    return float(priced.total), priced.terms


@dataclass(frozen=True)
class FinishedPlan:
    """A placed plan with its visits, and the validator's verdict on it."""

    plan: Plan
    verdict: Verdict
    visits: VisitOutcome

    @property
    def visits_info(self) -> dict[str, Any]:
        """The visit stage's part of ``summary.json``."""
        assignment = self.visits.assignment
        return {
            "method": assignment.method,
            "status": assignment.status.value,
            "missed": len(assignment.unplaced),
            "wall_time_s": round(assignment.wall_time_s, 3),
        }


def finish_plan(
    scenario: Scenario,
    calendar: Calendar,
    dates: Mapping[str, Iterable[dt.date]],
    settings: SolveSettings,
) -> FinishedPlan:
    """Periods from the days, then the visits (R12, second stage), then the
    independent validation of the whole."""
    placed = build_plan(scenario, calendar, dates)
    # The visit models are small (a team, a teacher): one worker each, which
    # is also what keeps them deterministic; more workers only slowed them.
    # Independent ones (teams, teachers) run one per worker instead.
    visits = plan_visits(
        scenario,
        calendar,
        placed,
        time_limit_s=settings.time_limit_s,
        seed=settings.seed,
        threads=settings.workers,
    )
    return FinishedPlan(visits.plan, validate_plan(scenario, calendar, visits.plan), visits)


def _solve_whole(
    scenario: Scenario,
    calendar: Calendar,
    settings: SolveSettings,
    on_progress: Callable[[Progress], None] | None,
    stop: StopHandle | None,
) -> tuple[ModelResult, float]:
    """One CP-SAT model of the whole scenario (class by class when it holds
    several classes: :mod:`planner.by_class`); the result and its build time."""
    started = time.perf_counter()
    if len(classes_of(scenario)) > 1:
        found = _by_class(scenario, calendar, settings, stop, on_progress)
        if found is not None:
            return found, 0.0
    model = StagePlanModel(ModelData(scenario, calendar))
    build_time = time.perf_counter() - started
    found = _run(model, settings, on_progress, stop)
    if found.status is PlanStatus.INFEASIBLE and scenario.rules.allow_single_days:
        # The normal grid leaves out single days inside weeks that could be
        # full; before saying no plan exists, try with every open day.
        complete = StagePlanModel(ModelData(scenario, calendar, complete=True))
        found = _run(complete, settings, on_progress, stop)
    return found, build_time


def _solve_parts(
    scenario: Scenario,
    calendar: Calendar,
    parts: list[tuple[str, ...]],
    settings: SolveSettings,
    on_progress: Callable[[Progress], None] | None,
    stop: StopHandle | None,
) -> tuple[ModelResult, float]:
    """Each independent part (:mod:`planner.components`) solved on its own,
    results summed: the union of the parts' optima is the optimum.

    Three passes, so that the whole has a plan and a bound early (anytime):
    a first plan for every part (CP-SAT stops at its first solution), then
    the bound of every part of several classes, with the share of its time
    its bound lane would take (both passes one part per worker: one-worker
    solves, the same in any order), then each part not yet proven optimal
    is solved again from its plan with its share of the time limit (by
    size, at least 2 s), its bound already known, parts again one per
    worker (:func:`_improve_part`). A stop ends the second and third
    passes, never the first: the whole then keeps its first plan.
    """
    total = sum(len(p) for p in parts)
    shares = [
        min(settings.time_limit_s, max(_MIN_PART_LIMIT_S, settings.time_limit_s * len(p) / total))
        for p in parts
    ]
    subs = [sub_scenario(scenario, part) for part in parts]
    alone = replace(settings, workers=1)
    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        firsts = list(
            pool.map(
                lambda i: _first_plan(
                    subs[i], calendar, replace(alone, time_limit_s=shares[i]), stop
                ),
                range(len(subs)),
            )
        )
        best = [found for found, _ in firsts]
        build_time = sum(built for _, built in firsts)
        if not all(found.status.has_plan for found in best):
            return merge_results(best), build_time
        _report_parts(on_progress, best)
        bounds = list(
            pool.map(
                lambda i: _school_bound(subs[i], calendar, shares[i], settings.seed, stop),
                range(len(subs)),
            )
        )
    best = [
        replace(found, bound=max(found.bound or 0.0, bound)) if bound is not None else found
        for found, bound in zip(best, bounds, strict=True)
    ]
    _report_parts(on_progress, best)
    # Third pass: the parts at once, one per worker, each with the budget it
    # had when they went one after the other (workers × share): the parts
    # are independent, so the result is the same in any order, and the
    # one-worker solves waste no time waiting for each other's batches.
    board = _PartsBoard(best, on_progress)
    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        built = pool.map(
            lambda i: _improve_part(
                i,
                subs[i],
                calendar,
                replace(settings, time_limit_s=shares[i]),
                bounds[i],
                board,
                stop,
            ),
            range(len(subs)),
        )
        build_time += sum(built)
    return merge_results(board.best), build_time


def _improve_part(
    index: int,
    sub: Scenario,
    calendar: Calendar,
    settings: SolveSettings,
    known_bound: float | None,
    board: _PartsBoard,
    stop: StopHandle | None,
) -> float:
    """Part ``index`` solved again from its first plan on one thread, with
    ``settings.workers × settings.time_limit_s`` of deterministic time (its
    bound already known for a part of several classes); the time spent
    building its model is returned."""
    first = board.best[index]
    if (stop is not None and stop.requested) or first.status is PlanStatus.OPTIMAL:
        return 0.0  # a stop keeps every part's first plan: the whole is a plan
    relay = board.relay(index)
    if len(classes_of(sub)) > 1:  # class by class, from the first pass's plan
        # One sweep: two sweeps of half a share each left the gap read at
        # the limit as it was and doubled the final one at 1,400 students
        # (label two-sweeps, docs/benchmarks.md).
        improved = solve_by_class(
            sub,
            calendar,
            time_limit_s=settings.time_limit_s,
            seed=settings.seed,
            workers=settings.workers,
            threads=1,
            on_progress=relay,
            stop=stop,
            start=first.dates,
            known_bound=known_bound,
        )
        if improved is not None:
            board.keep(index, improved)
        return 0.0
    started = time.perf_counter()
    model = StagePlanModel(ModelData(sub, calendar))
    model.hint(first.dates)
    built = time.perf_counter() - started
    # The part's whole budget again: the first pass was short (it stops at
    # the first plan) and the proof starts over on the rebuilt model.
    alone = replace(settings, time_limit_s=settings.workers * settings.time_limit_s, workers=1)
    board.keep(index, _run(model, alone, relay, stop))
    return built


def _report_parts(on_progress: Callable[[Progress], None] | None, best: list[ModelResult]) -> None:
    if on_progress is not None:
        merged = merge_results(best)
        on_progress(Progress(merged.objective or 0.0, merged.bound or 0.0, merged.wall_time_s, 1))


def _school_bound(
    scenario: Scenario, calendar: Calendar, share: float, seed: int, stop: StopHandle | None
) -> float | None:
    """A part of several classes: its bound lane's bound, searched ahead
    (see :func:`planner.by_class.school_bound`); None for a part of one class."""
    if len(classes_of(scenario)) < 2:
        return None
    return school_bound(scenario, calendar, time_limit_s=share, seed=seed, stop=stop)


def _by_class(
    scenario: Scenario,
    calendar: Calendar,
    settings: SolveSettings,
    stop: StopHandle | None,
    on_progress: Callable[[Progress], None] | None = None,
    first_plan_only: bool = False,
) -> ModelResult | None:
    return solve_by_class(
        scenario,
        calendar,
        time_limit_s=settings.time_limit_s,
        seed=settings.seed,
        workers=settings.workers,
        on_progress=on_progress,
        stop=stop,
        first_plan_only=first_plan_only,
    )


def _first_plan(
    scenario: Scenario, calendar: Calendar, settings: SolveSettings, stop: StopHandle | None
) -> tuple[ModelResult, float]:
    """A part's first plan (or its full solve when the first pass finds
    none: the complete grid is tried before any verdict of infeasibility)."""
    if len(classes_of(scenario)) > 1:  # class by class, the first pass only
        first = _by_class(scenario, calendar, settings, stop, first_plan_only=True)
        if first is not None:
            return first, 0.0
        return _solve_whole(scenario, calendar, settings, None, stop)
    started = time.perf_counter()
    model = StagePlanModel(ModelData(scenario, calendar))
    built = time.perf_counter() - started
    # Not stopped: a class's first plan takes a fraction of a second, and a
    # stop now would leave the whole without a plan (the search after it is).
    found = model.solve(
        time_limit_s=settings.time_limit_s,
        seed=settings.seed,
        workers=settings.workers,
        first_solution_only=True,
    )
    if found.status.has_plan:
        return found, built
    again, rebuilt = _solve_whole(scenario, calendar, settings, None, stop)
    return _better(found, again), built + rebuilt


def _better(before: ModelResult, after: ModelResult) -> ModelResult:
    """The second solve of a part if it has a plan at least as good, else
    the first; times added up and the better of the two (valid) bounds."""
    worse = (
        before.status.has_plan
        and after.objective is not None
        and before.objective is not None
        and after.objective > before.objective
    )
    bounds = [b for b in (before.bound, after.bound) if b is not None]
    kept = before if not after.status.has_plan or worse else after
    return replace(
        kept,
        bound=max(bounds) if bounds and kept.status.has_plan else kept.bound,
        wall_time_s=before.wall_time_s + after.wall_time_s,
        deterministic_time=before.deterministic_time + after.deterministic_time,
        solutions=before.solutions + after.solutions,
    )


#: Least deterministic time given to a part (a small class still needs its proof).
_MIN_PART_LIMIT_S = 2.0


class _PartsBoard:
    """Every part's best result while several parts are improved at once,
    and the whole's progress: each part's latest progress added to the
    others' (thread-safe; reports never interleave)."""

    def __init__(self, best: list[ModelResult], on_progress: Callable[[Progress], None] | None):
        self.best = list(best)
        self._on_progress = on_progress
        self._lock = threading.Lock()
        self._latest = [
            Progress(r.objective or 0.0, r.bound or 0.0, r.wall_time_s, r.solutions) for r in best
        ]

    def relay(self, index: int) -> Callable[[Progress], None] | None:
        """The progress callback of part ``index``."""
        if self._on_progress is None:
            return None
        on_progress = self._on_progress

        def relay(progress: Progress) -> None:
            with self._lock:
                self._latest[index] = progress
                latest = self._latest
                on_progress(
                    Progress(
                        objective=sum(p.objective for p in latest),
                        bound=sum(p.bound for p in latest),
                        elapsed_s=sum(p.elapsed_s for p in latest),
                        solutions=sum(p.solutions for p in latest),
                    )
                )

        return relay

    def keep(self, index: int, improved: ModelResult) -> None:
        """Part ``index``'s second solve: kept if at least as good (:func:`_better`)."""
        with self._lock:
            self.best[index] = _better(self.best[index], improved)


def merge_results(results: list[ModelResult]) -> ModelResult:
    """The parts' results as one: dates joined, objectives and bounds
    summed; OPTIMAL only when every part is, no plan when one has none."""
    failed = [r.status for r in results if not r.status.has_plan]
    if failed:
        status = failed[0]
    elif all(r.status is PlanStatus.OPTIMAL for r in results):
        status = PlanStatus.OPTIMAL
    else:
        status = PlanStatus.FEASIBLE
    terms: dict[str, int] = {}
    stats: dict[str, int] = {}
    for r in results:
        for key, value in r.terms.items():
            terms[key] = terms.get(key, 0) + value
        for key, value in r.stats.items():
            stats[key] = stats.get(key, 0) + value
    has_plan = status.has_plan
    return ModelResult(
        status=status,
        dates={sid: days for r in results for sid, days in r.dates.items()},
        objective=sum(r.objective or 0.0 for r in results) if has_plan else None,
        bound=sum(r.bound or 0.0 for r in results) if has_plan else None,
        terms=terms,
        wall_time_s=sum(r.wall_time_s for r in results),
        deterministic_time=sum(r.deterministic_time for r in results),
        solutions=sum(r.solutions for r in results),
        stats=stats,
    )


def lock_conflicts(faults: tuple[LockFault, ...]) -> tuple[Conflict, ...]:
    """The faults of locked periods, as the conflicts of an infeasible solve."""
    return tuple(Conflict((f.student,), (f.rule,), f.message) for f in faults)


def _run(
    model: StagePlanModel,
    settings: SolveSettings,
    on_progress: Callable[[Progress], None] | None,
    stop: StopHandle | None,
) -> ModelResult:
    return model.solve(
        time_limit_s=settings.time_limit_s,
        seed=settings.seed,
        workers=settings.workers,
        on_progress=on_progress,
        stop=stop,
    )


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return round(abs(objective - bound) / max(1.0, abs(objective)), 6)
