"""Decision variables of the CP-SAT model, one set per student group."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python.cp_model import CpModel, IntVar

from .data import ModelData


class Variables:
    """The booleans the model decides.

    Attributes
    ----------
    week
        ``week[g][monday]``: group ``g`` spends that full week in company.
    day
        ``day[g][date]``: group ``g`` spends that date in company as a
        single day (R5), e.g. a project-management mission day (R6).
    """

    def __init__(self, model: CpModel, data: ModelData):
        self.week: list[dict[dt.date, IntVar]] = []
        self.day: list[dict[dt.date, IntVar]] = []
        for group in data.groups:
            g = group.index
            self.week.append({m: model.new_bool_var(f"week_g{g}_{m}") for m in group.weeks})
            self.day.append({d: model.new_bool_var(f"day_g{g}_{d}") for d in group.single_days})

    def in_company(self, g: int, date: dt.date) -> list[IntVar]:
        """Literals that put group ``g`` in company on ``date`` (at most one is true)."""
        monday = date - dt.timedelta(days=date.weekday())
        found = [self.week[g][monday]] if monday in self.week[g] else []
        if date in self.day[g]:
            found.append(self.day[g][date])
        return found
