"""R10 host: eligibility, closures and capacity.

Eligibility and closures are handled in the grid (an ineligible host or a
closed day leaves no variable); what remains is the capacity of hosts that
have more interns than places.
"""

from __future__ import annotations

import datetime as dt

from ortools.sat.python.cp_model import CpModel, IntVar

from models import Host

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
        taken = {date for h, date in data.taken if h == host.id}
        for literals, capacity in _interns_by_date(data, host, groups, variables, taken):
            if len(literals) > capacity:
                switches.enforce(model.add(sum(literals) <= capacity), "R10", owner)


def _interns_by_date(
    data: ModelData,
    host: Host,
    groups: list[Group],
    variables: Variables,
    taken: set[dt.date],
) -> list[tuple[list[IntVar], int]]:
    """Literals of being in company at ``host`` with the places left, one
    row per distinct situation.

    Only Mondays (a full week covers its Monday), single-day dates, the
    dates a student changes host and the dates other interns take places
    need a row; rows with the same literals keep the fewest places.
    """
    dates: set[dt.date] = set(taken)
    for g in groups:
        dates.update(variables.week[g.index])
        dates.update(variables.day[g.index])
        dates.update(start for start, _ in g.host_changes)
    rows: dict[tuple[int, ...], tuple[list[IntVar], int]] = {}
    for date in sorted(dates):
        literals = [
            lit
            for g in groups
            if g.host_on(date) == host.id
            for lit in variables.in_company(g.index, date)
        ]
        key = tuple(sorted(lit.index for lit in literals))
        capacity = data.capacity_on(host, date)
        if key not in rows or capacity < rows[key][1]:
            rows[key] = (literals, capacity)
    return list(rows.values())
