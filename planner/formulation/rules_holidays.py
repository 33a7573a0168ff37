"""R8 holiday days and R9 summer rest."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python.cp_model import CpModel, IntVar, LinearExpr

from models import DateRange

from .data import Group, ModelData
from .switches import RuleSwitches
from .variables import Variables, none_of


def holiday_days(group: Group, data: ModelData, variables: Variables) -> LinearExpr:
    """Days in company on school-holiday dates of one member of ``group``."""
    terms: list[IntVar] = []
    coefficients: list[int] = []
    for monday, var in variables.week[group.index].items():
        count = data.week_info[monday].holiday_days
        if count:
            terms.append(var)
            coefficients.append(count)
    for date, var in variables.day[group.index].items():
        if data.calendar.day(date).school_holidays:
            terms.append(var)
            coefficients.append(1)
    return LinearExpr.weighted_sum(terms, coefficients)


def add_r8_holiday_days(
    model: CpModel, data: ModelData, variables: Variables, switches: RuleSwitches
) -> None:
    """R8: at most ``max_holiday_days`` days in company during school holidays."""
    for group in data.groups:
        expression = holiday_days(group, data, variables)
        constraint = model.add(expression <= data.profile.max_holiday_days)
        switches.enforce(constraint, "R8", f"g{group.index}")


def add_r9_summer_rest(
    model: CpModel, data: ModelData, variables: Variables, switches: RuleSwitches
) -> None:
    """R9: in each summer holiday, ``summer_rest_days`` consecutive days off.

    The student's rest is one window of that length inside the summer; the
    model chooses which. Windows that keep the same days free are merged,
    and a window whose free days include another's is dropped (dominated).
    """
    length = data.profile.summer_rest_days
    if length == 0:
        return
    for group in data.groups:
        for summer in data.calendar.summers:
            windows = _rest_windows(summer, length, group, variables)
            if windows is None:
                continue  # some window has nothing to keep free
            choices = []
            for blocking in windows:
                rest = model.new_bool_var(f"rest_g{group.index}_{summer.start}")
                for var in blocking:
                    model.add_implication(rest, var.Not())
                variables.derive(rest, none_of(blocking))
                choices.append(rest)
            constraint = model.add_bool_or(choices)
            switches.enforce(constraint, "R9", f"g{group.index}")


def _rest_windows(
    summer: DateRange, length: int, group: Group, variables: Variables
) -> list[list[IntVar]] | None:
    """The minimal sets of literals a rest window must keep false, or None
    when a window needs nothing (the rule cannot bind)."""
    sets: dict[frozenset[int], list[IntVar]] = {}
    first = summer.start
    while first + dt.timedelta(days=length - 1) <= summer.end:
        window = DateRange(start=first, end=first + dt.timedelta(days=length - 1))
        blocking = {
            var.index: var
            for date in window.dates()
            for var in variables.in_company(group.index, date)
        }
        if not blocking:
            return None
        sets.setdefault(frozenset(blocking), list(blocking.values()))
        first += dt.timedelta(days=1)
    minimal = [k for k in sets if not any(other < k for other in sets)]
    return [sets[k] for k in minimal]
