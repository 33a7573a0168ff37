"""R4 block of consecutive full weeks and R5 split periods (full weeks or
single days)."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python.cp_model import CpModel, IntVar

from .data import ModelData
from .switches import RuleSwitches
from .variables import Variables, all_of

ONE_WEEK = dt.timedelta(days=7)


def add_r4_block(
    model: CpModel, data: ModelData, variables: Variables, switches: RuleSwitches
) -> dict[int, dict[dt.date, IntVar]]:
    """R4: at least one run of ``block_min_weeks`` consecutive full weeks.

    One boolean per possible first week of the block; it forces the whole
    run. Returns the block-start literals by group (for search hints).
    """
    length = data.profile.block_min_weeks
    starts_by_group: dict[int, dict[dt.date, IntVar]] = {}
    for group in data.groups:
        if not group.requirement.needs_block:
            continue
        weeks = variables.week[group.index]
        starts: dict[dt.date, IntVar] = {}
        for monday in group.weeks:
            run = [monday + i * ONE_WEEK for i in range(length)]
            if not all(m in weeks for m in run):
                continue
            start = model.new_bool_var(f"block_g{group.index}_{monday}")
            for m in run:
                model.add_implication(start, weeks[m])
            variables.derive(start, all_of([weeks[m] for m in run]))
            starts[monday] = start
        starts_by_group[group.index] = starts
        constraint = model.add_bool_or(list(starts.values()))
        switches.enforce(constraint, "R4", f"g{group.index}")
    return starts_by_group


def add_r5_single_days(model: CpModel, data: ModelData, variables: Variables) -> None:
    """R5 (counting conventions): a single day is not part of a full week.

    A student's single days never fall in one of his full weeks, and never
    cover every working day of a whole week: that week would count as a
    full week, not as single days (nor as mission days, R6). Written as one
    linear row per week, ``sum(days) + (n - 1) * full <= n - 1``, which the
    LP sees (a week never counts more than 5 units).
    """
    for group in data.groups:
        weeks = variables.week[group.index]
        days = variables.day[group.index]
        for monday, working in data.calendar.weeks.items():
            singles = [days[d.date] for d in working if d.date in days]
            if not singles:
                continue
            room = len(working) - 1 if data.calendar.is_whole_week(monday) else len(working)
            if monday in weeks:
                model.add(sum(singles) + room * weeks[monday] <= room)
            elif len(singles) > room:
                model.add(sum(singles) <= room)
