"""R10 host: eligibility, closures and capacity.

Eligibility and closures are handled in the grid (an ineligible host or a
closed day leaves no variable); what remains is the capacity of hosts that
have more interns than places.
"""

from __future__ import annotations

import datetime as dt

from ortools.sat.python.cp_model import CpModel, IntVar

from .data import Group, ModelData
from .switches import RuleSwitches
from .variables import Variables


def add_r10_host_capacity(
    model: CpModel, data: ModelData, variables: Variables, switches: RuleSwitches
) -> None:
    """R10: on every date, at most ``capacity`` interns at the same host."""
    for host in data.scenario.hosts:
        groups = [g for g in data.groups if host.id in g.hosts]
        if not groups:
            continue
        owner = f"host:{host.id}"
        for literals in _interns_by_date(host.id, groups, variables).values():
            if len(literals) > host.capacity:
                switches.enforce(model.add(sum(literals) <= host.capacity), "R10", owner)


def _interns_by_date(
    host: str, groups: list[Group], variables: Variables
) -> dict[object, list[IntVar]]:
    """Literals of being in company at ``host``, one list per distinct situation.

    Only Mondays (a full week covers its Monday), single-day dates and the
    dates a student changes host need a row; rows with the same literals
    are kept once.
    """
    dates: set[dt.date] = set()
    for g in groups:
        dates.update(variables.week[g.index])
        dates.update(variables.day[g.index])
        dates.update(start for start, _ in g.host_changes)
    result: dict[object, list[IntVar]] = {}
    for date in sorted(dates):
        literals = [
            lit
            for g in groups
            if g.host_on(date) == host
            for lit in variables.in_company(g.index, date)
        ]
        result.setdefault(tuple(sorted(lit.index for lit in literals)), literals)
    return result
