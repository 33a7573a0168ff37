"""The objective: soft goals of the progression, weighted by the scenario.

Every term is minimised and kept as an unweighted expression, so that a
plan's cost can be broken down term by term (KPIs, explanations).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python.cp_model import CpModel, IntVar, LinearExpr

from models import Weights

from .data import Group, ModelData
from .rules_duration import placed_units
from .rules_holidays import holiday_days
from .variables import Variables, all_of, any_of, first_of_run, some_not_all

ONE_WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class ObjectiveTerms:
    """Unweighted terms of the objective, summed over students.

    Attributes
    ----------
    preferred
        Full weeks outside the best preferred window, weighted by how far
        their window's weight falls below the best one (R7, soft).
    sync
        Teaching weeks in which the class is split between school and
        companies.
    fragmentation
        Periods of full weeks (runs of consecutive full weeks).
    holiday_days
        Days in company on school-holiday dates.
    surplus_days
        Days placed beyond each student's requirement.
    single_days
        Days in company outside full weeks (mission days included): the
        team prefers whole weeks where the progression allows them.
    """

    preferred: LinearExpr
    sync: LinearExpr
    fragmentation: LinearExpr
    holiday_days: LinearExpr
    surplus_days: LinearExpr
    single_days: LinearExpr

    def as_dict(self) -> dict[str, LinearExpr]:
        return dict(self.__dict__)


def add_objective(model: CpModel, data: ModelData, variables: Variables) -> ObjectiveTerms:
    """Build the terms, set their weighted sum as the objective, return them."""
    placed = [g for g in data.groups if variables.week[g.index] or variables.day[g.index]]
    terms = ObjectiveTerms(
        preferred=_sum_over(placed, lambda g: _preferred_misses(g, data, variables)),
        sync=_split_weeks(model, data, variables),
        fragmentation=_sum_over(placed, lambda g: _periods(model, g, variables)),
        holiday_days=_sum_over(placed, lambda g: holiday_days(g, data, variables)),
        surplus_days=_sum_over(
            placed, lambda g: placed_units(g, variables) - g.requirement.required_units
        ),
        single_days=_sum_over(placed, lambda g: _single_days(g, variables)),
    )
    model.minimize(weighted_objective(terms, data.scenario.weights))
    return terms


def weighted_objective(terms: ObjectiveTerms, weights: Weights) -> LinearExpr:
    """The objective: the terms weighted by the scenario's weights."""
    by_name = weights.model_dump()
    named = terms.as_dict()
    return LinearExpr.weighted_sum(list(named.values()), [by_name[n] for n in named])


def _sum_over(groups: list[Group], term: Callable[[Group], LinearExpr]) -> LinearExpr:
    """Sum of a per-member term over groups, each counted once per member."""
    return LinearExpr.sum([g.size * term(g) for g in groups])


def _single_days(group: Group, variables: Variables) -> LinearExpr:
    return LinearExpr.sum(list(variables.day[group.index].values()))


def _preferred_misses(group: Group, data: ModelData, variables: Variables) -> LinearExpr:
    """How far each full week (and single day) falls below the best window.

    A single day costs a fifth of a week's miss, rounded up so that it is
    never cheaper than the full week it could replace; mission days cost
    nothing here, the progression puts them where they are.
    """
    best = data.max_preferred_weight
    weeks = variables.week[group.index]
    missions = {d for dates in group.mission_days.values() for d in dates}
    days = {d: var for d, var in variables.day[group.index].items() if d not in missions}
    literals = [*weeks.values(), *days.values()]
    costs = [best - data.week_info[m].preferred_weight for m in weeks]
    costs += [-(-(best - data.preferred_weight_of(d)) // 5) for d in days]
    return LinearExpr.weighted_sum(literals, costs)


def _periods(model: CpModel, group: Group, variables: Variables) -> LinearExpr:
    """Number of runs of full weeks: a week starts a run unless the week
    before is also in company."""
    weeks = variables.week[group.index]
    starts: list[IntVar] = []
    for monday, var in weeks.items():
        previous = weeks.get(monday - ONE_WEEK)
        if previous is None:
            starts.append(var)
            continue
        start = model.new_bool_var(f"start_g{group.index}_{monday}")
        model.add(start >= var - previous)
        variables.derive(start, first_of_run(var, previous))
        starts.append(start)
    return LinearExpr.sum(starts)


def _split_weeks(model: CpModel, data: ModelData, variables: Variables) -> LinearExpr:
    """Teaching weeks in which some students of a class (cohort) are in
    company and others at school, summed over the classes."""
    cohorts: dict[str, list[Group]] = {}
    for group in data.groups:
        if group.requirement.needs_block:
            cohorts.setdefault(group.cohort, []).append(group)
    splits: list[IntVar] = []
    for number, groups in enumerate(cohorts.values()):
        for monday, info in data.week_info.items():
            if info.teaching:
                split = _split_week(model, data, variables, groups, monday, f"{number}_{monday}")
                if split is not None:
                    splits.append(split)
    return LinearExpr.sum(splits)


def _split_week(
    model: CpModel,
    data: ModelData,
    variables: Variables,
    groups: list[Group],
    monday: dt.date,
    name: str,
) -> IntVar | None:
    """The literal "this class is split in the week of ``monday``", or None
    when it cannot be (nobody can be out, or the class moves as one group)."""
    concerned = [g for g in groups if g.first_concerned <= monday]
    out = {
        g.index: variables.week[g.index][monday]
        for g in concerned
        if monday in variables.week[g.index]
    }
    if not out or len(concerned) == 1:
        return None
    split = model.new_bool_var(f"split_{name}")
    full_hosts = _hosts_that_cannot_all_go(data, concerned, monday)
    if len(out) < len(concerned) or full_hosts:
        # Somebody must stay at school: anyone out splits the class.
        for literal in out.values():
            model.add_implication(literal, split)
        variables.derive(split, any_of(list(out.values())))
        # Redundant, for the LP bound: a host's interns out that week are
        # at most its capacity, and each needs the split.
        for host, capacity in full_hosts.items():
            interns = [
                out[g.index] for g in concerned if g.host_on(monday) == host and g.index in out
            ]
            model.add(capacity * split >= sum(interns))
    else:
        every = model.new_bool_var(f"all_out_{name}")
        anyone = model.new_bool_var(f"any_out_{name}")
        for literal in out.values():
            model.add_implication(every, literal)
            model.add_implication(literal, anyone)
        model.add(split >= anyone - every)
        literals = list(out.values())
        variables.derive(every, all_of(literals))
        variables.derive(anyone, any_of(literals))
        variables.derive(split, some_not_all(literals))
    return split


def _hosts_that_cannot_all_go(
    data: ModelData, concerned: list[Group], monday: dt.date
) -> dict[str, int]:
    """Hosts (with their capacity) holding more of the concerned students
    than places in the week of ``monday``: the class can never be out together."""
    capacity = {h.id: h.capacity for h in data.scenario.hosts}
    interns: dict[str, int] = {}
    for group in concerned:
        host = group.host_on(monday)
        if host is not None:
            interns[host] = interns.get(host, 0) + group.size
    return {h: capacity[h] for h, n in interns.items() if n > capacity[h]}
