"""Locked periods (signed conventions): their days are forced in company.

A locked whole week of the grid fixes its week variable; any other locked
day is covered by its week or its single-day variable (the grid holds one,
see :class:`~planner.formulation.data.ModelData`). A locked day with no
variable at all (a blocked date, a closure...) makes the model infeasible:
:func:`planner.locks.check_locks` reports such locks, with their rule,
before any solve.
"""

from __future__ import annotations

from ortools.sat.python.cp_model import CpModel

from .data import ModelData
from .variables import Variables


def add_locked_days(model: CpModel, data: ModelData, variables: Variables) -> None:
    """Every locked day of a group is a day in company."""
    for group in data.groups:
        for date in group.locked:
            literals = variables.in_company(group.index, date)
            if len(literals) == 1:
                model.add(literals[0] == 1)
            else:
                model.add_bool_or(literals)  # empty: no plan keeps this lock
