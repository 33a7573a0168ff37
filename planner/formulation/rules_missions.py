"""R6 project-management missions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python.cp_model import CpModel, IntVar

from models import monday_of

from .data import ModelData
from .switches import RuleSwitches
from .variables import Variables


def add_r6_missions(
    model: CpModel, data: ModelData, variables: Variables, switches: RuleSwitches
) -> None:
    """R6: in each mission window, the required single days on allowed
    weekdays, at most ``max_per_week`` of them a week."""
    missions = {m.id: m for m in data.scenario.progression.missions}
    for group in data.groups:
        owner = f"g{group.index}"
        days = variables.day[group.index]
        for mission_id, dates in group.mission_days.items():
            mission = missions[mission_id]
            chosen = [days[d] for d in dates]
            # Exactly the days asked in the normal grid (extra days in a window
            # would only be surplus); at least them in the complete grid, which
            # must not miss any plan before one is declared impossible.
            needed = sum(chosen) >= mission.days if data.complete else sum(chosen) == mission.days
            switches.enforce(model.add(needed), "R6", owner)
            for week in _by_week(dates, days).values():
                if len(week) > mission.max_per_week:
                    switches.enforce(model.add(sum(week) <= mission.max_per_week), "R6", owner)


def _by_week(
    dates: tuple[dt.date, ...], days: dict[dt.date, IntVar]
) -> dict[dt.date, list[IntVar]]:
    weeks: dict[dt.date, list[IntVar]] = defaultdict(list)
    for date in dates:
        weeks[monday_of(date)].append(days[date])
    return weeks
