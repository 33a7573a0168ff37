"""replan(): a new valid plan after the scenario changed (a host closes, a
student arrives late, a week gets blocked), changing as few student-days
of the previous plan as possible.

Lexicographic, in two solves of one model: first minimise the number of
changed student-days (warm-started from the previous plan), then, with that
number fixed as an upper bound, the usual objective. The grid is neither
collapsed (students differ by their previous plan) nor reduced (a kept
single day may sit in a week that could be full).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from models import Plan, PlanStatus, Scenario

from .calendar import build_calendar
from .diagnose import diagnose
from .formulation import ModelData, ModelResult, StagePlanModel, StopHandle
from .kpis import plan_kpis
from .locks import check_locks, missing_locked_days
from .solve import SolveResult, SolveSettings, finish_plan, lock_conflicts


@dataclass(frozen=True)
class DayChanges:
    """What a re-plan changes for one student."""

    student_id: str
    added: tuple[dt.date, ...]
    removed: tuple[dt.date, ...]

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed)


@dataclass(frozen=True)
class ReplanResult:
    """Outcome of :func:`replan`.

    Attributes
    ----------
    result
        The plan and its verdict, as :func:`planner.solve.solve` gives them
        (``objective`` is the usual objective, at the minimal change count).
    changes
        Per student of the scenario with any change, the days added and removed.
    total_changes
        Changed student-days (None without a plan).
    minimal
        Whether the change count is proven minimal (first solve optimal).
    """

    result: SolveResult
    changes: tuple[DayChanges, ...] = ()
    total_changes: int | None = None
    minimal: bool = False
    stage_status: tuple[PlanStatus, ...] = field(default_factory=tuple)

    @property
    def status(self) -> PlanStatus:
        return self.result.status

    @property
    def plan(self) -> Plan | None:
        return self.result.plan

    def solve_info(self, scenario_file: str = "", previous: str = "") -> dict[str, Any]:
        """``summary.json``'s solver part, with the re-plan figures."""
        info = self.result.solve_info(scenario_file)
        info["replan"] = {
            "previous_plan": previous,
            "changed_days": self.total_changes,
            "minimal": self.minimal,
            "stages": [s.value for s in self.stage_status],
            "changes": {
                c.student_id: {"added": list(c.added), "removed": list(c.removed)}
                for c in self.changes
            },
        }
        return info


def replan(
    scenario: Scenario,
    previous: Plan,
    settings: SolveSettings | None = None,
    stop: StopHandle | None = None,
) -> ReplanResult:
    """Re-plan ``scenario`` with as few changed student-days from ``previous``.

    Each of the two solves gets the settings' time limit. A plan the
    validator rejects, or that misses a locked day, is never returned as a
    plan (status ``INVALID``).
    """
    settings = settings or SolveSettings.of(scenario)
    started = time.perf_counter()
    calendar = build_calendar(scenario)
    base = SolveResult(status=PlanStatus.UNKNOWN, calendar=calendar, settings=settings)
    faults = check_locks(scenario, calendar)
    if faults:
        return ReplanResult(
            replace(base, status=PlanStatus.INFEASIBLE, conflicts=lock_conflicts(faults))
        )
    before = {s.id: frozenset(previous.dates_of(s.id)) for s in scenario.students}
    model = StagePlanModel(ModelData(scenario, calendar, collapse=False, complete=True))
    changes = model.add_change_count(before)
    model.set_objective(changes)
    model.hint(before)
    base = replace(base, build_time_s=time.perf_counter() - started, model_size=model.size())
    first = _run(model, settings, stop)
    if first.status is PlanStatus.INFEASIBLE:
        conflicts = diagnose(scenario, calendar)
        return ReplanResult(
            replace(base, status=PlanStatus.INFEASIBLE, conflicts=conflicts),
            stage_status=(first.status,),
        )
    if not first.status.has_plan or first.objective is None:
        return ReplanResult(replace(base, status=first.status), stage_status=(first.status,))
    best = round(first.objective)
    model.model.add(changes <= best)
    model.restore_objective()
    model.hint(first.dates)
    second = _run(model, settings, stop)
    final = second if second.status.has_plan else first
    finished = finish_plan(scenario, calendar, final.dates, settings)
    base = replace(base, visits_info=finished.visits_info)
    if finished.visits.conflicts:
        return ReplanResult(
            replace(base, status=PlanStatus.INFEASIBLE, conflicts=finished.visits.conflicts),
            stage_status=(first.status, second.status),
        )
    plan, verdict = finished.plan, finished.verdict
    kept = not missing_locked_days(scenario, plan, calendar)
    both_optimal = first.status is PlanStatus.OPTIMAL and second.status is PlanStatus.OPTIMAL
    status = PlanStatus.OPTIMAL if both_optimal else PlanStatus.FEASIBLE
    by_student = _changes(scenario, before, plan)
    result = replace(
        base,
        status=status if verdict.ok and kept else PlanStatus.INVALID,
        plan=plan,
        verdict=verdict,
        objective=second.objective if second.status.has_plan else None,
        best_bound=second.bound if second.status.has_plan else None,
        terms=second.terms,
        kpis=plan_kpis(scenario, calendar, plan, verdict),
        solve_time_s=first.wall_time_s + second.wall_time_s,
        deterministic_time=first.deterministic_time + second.deterministic_time,
    )
    return ReplanResult(
        result=result,
        changes=by_student,
        total_changes=sum(c.count for c in by_student),
        minimal=first.status is PlanStatus.OPTIMAL,
        stage_status=(first.status, second.status),
    )


def plan_changes(scenario: Scenario, previous: Plan, plan: Plan) -> tuple[DayChanges, ...]:
    """Days added and removed per student of ``scenario`` from ``previous`` to ``plan``."""
    before = {s.id: frozenset(previous.dates_of(s.id)) for s in scenario.students}
    return _changes(scenario, before, plan)


def _changes(
    scenario: Scenario, before: Mapping[str, frozenset[dt.date]], plan: Plan
) -> tuple[DayChanges, ...]:
    found = []
    for student in scenario.students:
        old, new = before.get(student.id, frozenset()), plan.dates_of(student.id)
        if old != new:
            found.append(
                DayChanges(student.id, tuple(sorted(new - old)), tuple(sorted(old - new)))
            )
    return tuple(found)


def _run(model: StagePlanModel, settings: SolveSettings, stop: StopHandle | None) -> ModelResult:
    return model.solve(
        time_limit_s=settings.time_limit_s,
        seed=settings.seed,
        workers=settings.workers,
        stop=stop,
    )
