"""Symmetry breaking between interchangeable students of a crowded host.

Students of the same host with the same requirement, availability and
missions can swap calendars without changing anything, so some optimal
plan orders them by the weighted index of their full weeks.
"""

from __future__ import annotations

import datetime as dt
import itertools

from ortools.sat.python.cp_model import CpModel, LinearExpr, LinearExprT

from .data import ModelData
from .variables import Variables


def add_symmetry_breaking(model: CpModel, data: ModelData, variables: Variables) -> None:
    """Order the calendars of each set of interchangeable students."""
    position = {monday: i + 1 for i, monday in enumerate(data.mondays)}
    for members in data.interchangeable:
        signatures = [_signature(g, variables, position) for g in members]
        for first, second in itertools.pairwise(signatures):
            model.add(first <= second)


def _signature(group: int, variables: Variables, position: dict[dt.date, int]) -> LinearExprT:
    weeks = variables.week[group]
    return LinearExpr.weighted_sum(list(weeks.values()), [position[m] for m in weeks])
