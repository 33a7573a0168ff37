"""Stability for re-planning: how many student-days a plan changes against
a previous one, and a warm start from a plan.

A student-day changes when the student is in company on a working day in
one plan and not in the other. With the variables of a group, a day in
company is the sum of its literals (at most one is true), so the count is
linear: ``1 - lit`` for a day of the previous plan, ``lit`` for another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from ortools.sat.python.cp_model import CpModel, IntVar, LinearExpr

from .data import ModelData
from .variables import Variables


def change_count(
    data: ModelData, variables: Variables, previous: Mapping[str, Collection[dt.date]]
) -> LinearExpr:
    """Σ over students and days of |in company now − in company before|."""
    literals: list[IntVar] = []
    coefficients: list[int] = []
    constant = 0
    for group in data.groups:
        g = group.index
        reachable = {d for m in variables.week[g] for d in data.week_info[m].working_days}
        reachable.update(variables.day[g])
        for student in group.students:
            before = set(previous.get(student, ()))
            for date in sorted(reachable | before):
                found = variables.in_company(g, date)
                if date in before:
                    constant += 1
                    sign = -1
                else:
                    sign = 1
                literals.extend(found)
                coefficients.extend([sign] * len(found))
    return LinearExpr.weighted_sum(literals, coefficients) + constant


def hint_dates(
    model: CpModel,
    data: ModelData,
    variables: Variables,
    dates: Mapping[str, Collection[dt.date]],
) -> None:
    """Hint every variable: the week and day variables of each group from its
    first member's days, then the auxiliary literals they imply
    (:attr:`Variables.derived`)."""
    values: dict[int, bool] = {}

    def hint(var: IntVar, value: bool) -> None:
        model.add_hint(var, value)
        values[var.index] = value

    for group in data.groups:
        g = group.index
        chosen = set(dates.get(group.students[0], ()))
        full = set()
        for monday, var in variables.week[g].items():
            whole = all(d in chosen for d in data.week_info[monday].working_days)
            hint(var, whole)
            if whole:
                full.add(monday)
        for date, var in variables.day[g].items():
            monday = date - dt.timedelta(days=date.weekday())
            hint(var, date in chosen and monday not in full)
    for literal, rule in variables.derived:
        model.add_hint(literal, rule(lambda var: values[var.index]))
