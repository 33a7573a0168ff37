"""R1 / R2 duration and R3 exemption.

R3 needs no constraint: an exempt group has no week variable at all (see
:class:`~planner.formulation.data.ModelData`), and only mission days when
§5 keeps a repeating student in the missions.
"""

from __future__ import annotations

from ortools.sat.python.cp_model import CpModel, LinearExpr

from .data import Group, ModelData
from .switches import RuleSwitches
from .variables import Variables


def placed_units(group: Group, variables: Variables) -> LinearExpr:
    """Weeks of internship of one member, in fifths of a week (rules.md counting)."""
    weeks = list(variables.week[group.index].values())
    days = list(variables.day[group.index].values())
    return LinearExpr.weighted_sum(weeks + days, [5] * len(weeks) + [1] * len(days))


def add_r1_r2_duration(
    model: CpModel, data: ModelData, variables: Variables, switches: RuleSwitches
) -> None:
    """R1: at least 16 weeks; R2: at least the reduced figure instead."""
    for group in data.groups:
        required = group.requirement.required_units
        if required == 0:
            continue
        rule = "R2" if group.requirement.required_weeks < data.profile.required_weeks else "R1"
        constraint = model.add(placed_units(group, variables) >= required)
        switches.enforce(constraint, rule, f"g{group.index}")
