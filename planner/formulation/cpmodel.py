"""The CP-SAT model of a scenario: built rule family by rule family in an
explicit order, solved, and read back in one place."""

from __future__ import annotations

import datetime as dt
import threading
import time
import weakref
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models import PlanStatus

from .data import ModelData
from .objective import ObjectiveTerms, add_objective, weighted_objective
from .pinning import add_locked_days
from .rules_block import add_r4_block, add_r5_single_days
from .rules_duration import add_r1_r2_duration
from .rules_holidays import add_r8_holiday_days, add_r9_summer_rest
from .rules_hosts import add_r10_host_capacity
from .rules_missions import add_r6_missions
from .stability import change_count, hint_dates
from .switches import RuleSwitches
from .symmetry import add_symmetry_breaking
from .variables import Variables

#: Full-problem workers, in the order they are taken for 1, 2, 3... workers.
SUBSOLVERS = (
    "max_lp",
    "default_lp",
    "quick_restart",
    "core",
    "no_lp",
    "reduced_costs",
    "pseudo_costs",
    "quick_restart_no_lp",
)

#: The worker of a solve that only seeks the lower bound (one worker).
BOUND_SUBSOLVERS = ("lb_tree_search",)

_STATUS = {
    cp_model.OPTIMAL: PlanStatus.OPTIMAL,
    cp_model.FEASIBLE: PlanStatus.FEASIBLE,
    cp_model.INFEASIBLE: PlanStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: PlanStatus.INVALID,
    cp_model.UNKNOWN: PlanStatus.UNKNOWN,
}


@dataclass(frozen=True)
class Progress:
    """One line of progress during a solve: always a plan of every student
    (a solve by parts or by class reports the whole, never a part alone)."""

    objective: float
    bound: float
    elapsed_s: float
    solutions: int


@dataclass(frozen=True)
class ModelResult:
    """What a solve of the model gives, independent of CP-SAT's types."""

    status: PlanStatus
    dates: dict[str, tuple[dt.date, ...]]
    objective: float | None
    bound: float | None
    terms: dict[str, int]
    wall_time_s: float
    deterministic_time: float
    solutions: int
    stats: dict[str, int] = field(default_factory=dict)


def configure_solver(
    solver: cp_model.CpSolver,
    time_limit_s: float,
    seed: int,
    workers: int,
    *,
    bound_only: bool = False,
) -> None:
    """Set CP-SAT's parameters for a reproducible solve.

    One worker runs ``max_lp`` alone: the worker with the fullest LP is what
    proves optimality here (the default LP misses the capacity and
    synchronisation rows), and a single worker is deterministic. More
    workers run a portfolio in interleaved (lockstep) search, which is
    deterministic too, at some cost in speed (see docs/performance.md).
    ``bound_only`` runs ``lb_tree_search`` alone instead: the worker that
    only raises the lower bound (it rarely finds a plan). On a school of
    350 it is the far better bound (docs/benchmarks-variants.md).
    """
    if bound_only:
        workers = 1  # the bound worker alone
    parameters = solver.parameters
    parameters.random_seed = seed
    parameters.num_workers = workers
    parameters.max_deterministic_time = time_limit_s
    # A guard only, far above the deterministic limit: a solve stopped by
    # the wall clock would not replay, even on a machine under load.
    parameters.max_time_in_seconds = 10 * time_limit_s + 60
    parameters.interleave_search = workers > 1
    parameters.subsolvers.extend(BOUND_SUBSOLVERS if bound_only else SUBSOLVERS[:workers])


class StopHandle:
    """Lets another thread stop a running solve; the best plan so far is kept.

    Thread-safe: :meth:`request` may come before the solve starts, during
    it, or after it ended.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Several solves may run at once (planner.by_class): all are stopped.
        self._solvers: weakref.WeakSet[cp_model.CpSolver] = weakref.WeakSet()
        self._requested = False
        self._children: list[StopHandle] = []

    @property
    def requested(self) -> bool:
        return self._requested

    def child(self) -> StopHandle:
        """A handle stopped with this one, or on its own (a side search
        that may be cancelled alone)."""
        child = StopHandle()
        with self._lock:
            self._children.append(child)
            requested = self._requested
        if requested:
            child.request()
        return child

    def request(self) -> None:
        """Ask the solve to stop as soon as it can."""
        with self._lock:
            self._requested = True
            for solver in list(self._solvers):
                solver.stop_search()
            children = list(self._children)
        for child in children:
            child.request()

    def attach(self, solver: cp_model.CpSolver) -> None:
        with self._lock:
            self._solvers.add(solver)
            if self._requested:
                solver.stop_search()


class StagePlanModel:
    """CP-SAT formulation of rules R1-R10 over a :class:`ModelData` grid.

    Parameters
    ----------
    data
        The grid (eligible weeks and mission days per group of students).
    switch_rules
        When true, every rule is conditional on an enforcement literal
        (see :class:`RuleSwitches`) and no objective is set: used to find
        which rules conflict in an infeasible scenario.
    """

    def __init__(self, data: ModelData, *, switch_rules: bool = False):
        started = time.perf_counter()
        self.data = data
        self.model = cp_model.CpModel()
        self.switches = RuleSwitches(self.model if switch_rules else None)
        self.variables = Variables(self.model, data)
        # R3 and R7 are in the grid itself (no variable where nothing may go).
        add_locked_days(self.model, data, self.variables)
        add_r1_r2_duration(self.model, data, self.variables, self.switches)
        self.block_starts = add_r4_block(self.model, data, self.variables, self.switches)
        add_r5_single_days(self.model, data, self.variables)
        add_r6_missions(self.model, data, self.variables, self.switches)
        add_r8_holiday_days(self.model, data, self.variables, self.switches)
        add_r9_summer_rest(self.model, data, self.variables, self.switches)
        add_r10_host_capacity(self.model, data, self.variables, self.switches)
        if not switch_rules:
            add_symmetry_breaking(self.model, data, self.variables)
        self.terms: ObjectiveTerms | None = None
        if not switch_rules:
            self.terms = add_objective(self.model, data, self.variables)
        self.build_time_s = time.perf_counter() - started

    def add_change_count(self, previous: Mapping[str, Collection[dt.date]]) -> cp_model.LinearExpr:
        """The number of student-days that differ from ``previous`` (days in
        company per student): an expression for re-planning with minimal change."""
        return change_count(self.data, self.variables, previous)

    def set_objective(self, expression: cp_model.LinearExprT) -> None:
        """Minimise ``expression`` instead of the usual objective."""
        self.model.minimize(expression)

    def restore_objective(self) -> None:
        """Minimise the usual weighted objective again."""
        if self.terms is None:
            raise ValueError("modèle sans objectif (règles commutables)")
        self.model.minimize(weighted_objective(self.terms, self.data.scenario.weights))

    def hint(self, dates: Mapping[str, Collection[dt.date]]) -> None:
        """Warm start from days in company per student (replaces any hint)."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        hint_dates(self.model, self.data, self.variables, dates)

    def solve(
        self,
        *,
        time_limit_s: float,
        seed: int,
        workers: int,
        on_progress: Callable[[Progress], None] | None = None,
        stop: StopHandle | None = None,
        first_solution_only: bool = False,
        fixed_to_hint: bool = False,
        on_bound: Callable[[float], None] | None = None,
        bound_only: bool = False,
    ) -> ModelResult:
        """Solve reproducibly: same model, seed and workers give the same plan.

        ``time_limit_s`` is spent in CP-SAT's deterministic time (about a
        second of this machine each), so that even a run stopped by the limit
        can be replayed; a wall-clock cap of ten times as much only guards
        against a much slower machine. ``first_solution_only`` stops at the
        first plan found (the first pass of a solve by parts).
        ``fixed_to_hint`` fixes every hinted variable (the days of
        :meth:`hint`): the solve then only prices a given plan. ``on_bound``
        hears each better lower bound, also before any plan is found.
        ``bound_only`` spends the time on the lower bound alone (see
        :func:`configure_solver`; one worker): read it from ``on_bound``,
        since such a solve seldom ends with a plan, and a result without a
        plan carries no bound.
        """
        solver = cp_model.CpSolver()
        configure_solver(solver, time_limit_s, seed, workers, bound_only=bound_only)
        solver.parameters.stop_after_first_solution = first_solution_only
        solver.parameters.fix_variables_to_their_hinted_value = fixed_to_hint
        if on_bound is not None:
            solver.best_bound_callback = on_bound
        callback = _ProgressCallback(on_progress, stop)
        if stop is not None:
            if stop.requested:  # CP-SAT forgets a stop asked before solve() starts
                return self._result(solver, PlanStatus.UNKNOWN, 0, solved=False)
            stop.attach(solver)
        status = solver.solve(self.model, callback)
        return self._result(solver, _STATUS[status], callback.solutions)

    def _result(
        self, solver: cp_model.CpSolver, status: PlanStatus, solutions: int, solved: bool = True
    ) -> ModelResult:
        has_plan = status.has_plan
        if not solved:
            return ModelResult(status, {}, None, None, {}, 0.0, 0.0, 0, self.size())
        return ModelResult(
            status=status,
            dates=self._read_dates(solver) if has_plan else {},
            objective=solver.objective_value if has_plan else None,
            bound=solver.best_objective_bound if has_plan else None,
            terms=self._read_terms(solver) if has_plan else {},
            wall_time_s=solver.wall_time,
            deterministic_time=solver.deterministic_time,
            solutions=solutions,
            stats=self.size(),
        )

    def _read_dates(self, solver: cp_model.CpSolver) -> dict[str, tuple[dt.date, ...]]:
        """Every student's days in company: the one place solver values are read."""
        dates: dict[str, tuple[dt.date, ...]] = {}
        for group in self.data.groups:
            chosen: list[dt.date] = []
            for monday, var in self.variables.week[group.index].items():
                if solver.boolean_value(var):
                    chosen.extend(self.data.week_info[monday].working_days)
            chosen.extend(
                d
                for d, var in self.variables.day[group.index].items()
                if solver.boolean_value(var)
            )
            for student in group.students:
                dates[student] = tuple(sorted(chosen))
        return dates

    def _read_terms(self, solver: cp_model.CpSolver) -> dict[str, int]:
        if self.terms is None:
            return {}
        return {name: int(solver.value(expr)) for name, expr in self.terms.as_dict().items()}

    def size(self) -> dict[str, int]:
        proto = self.model.proto
        return {
            "variables": len(proto.variables),
            "constraints": len(proto.constraints),
            "groups": len(self.data.groups),
        }


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: Callable[[Progress], None] | None, stop: StopHandle | None):
        super().__init__()
        self._on_progress = on_progress
        self._stop = stop
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self._stop is not None and self._stop.requested:
            self.stop_search()  # a stop that raced with the start of the solve
        if self._on_progress is not None:
            self._on_progress(
                Progress(
                    objective=self.objective_value,
                    bound=self.best_objective_bound,
                    elapsed_s=self.wall_time,
                    solutions=self.solutions,
                )
            )
