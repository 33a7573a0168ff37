"""Decision variables of the CP-SAT model, one set per student group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from ortools.sat.python.cp_model import CpModel, IntVar

from .data import ModelData

#: How an auxiliary literal's value follows from the others' values.
Derivation = Callable[[Callable[[IntVar], bool]], bool]


class Variables:
    """The booleans the model decides.

    Attributes
    ----------
    week
        ``week[g][monday]``: group ``g`` spends that full week in company.
    day
        ``day[g][date]``: group ``g`` spends that date in company as a
        single day (R5), e.g. a project-management mission day (R6).
    derived
        The auxiliary literals the rules and the objective add (block and
        period starts, split weeks, rest windows), each with how its value
        follows from the week and day variables: a warm start then hints
        every variable. A hint CP-SAT must complete itself first comes out
        dearer than the plan it describes (split weeks and period starts
        not yet brought down), and its search starts from there.
    """

    def __init__(self, model: CpModel, data: ModelData):
        self.week: list[dict[dt.date, IntVar]] = []
        self.day: list[dict[dt.date, IntVar]] = []
        for group in data.groups:
            g = group.index
            self.week.append({m: model.new_bool_var(f"week_g{g}_{m}") for m in group.weeks})
            self.day.append({d: model.new_bool_var(f"day_g{g}_{d}") for d in group.single_days})
        self.derived: list[tuple[IntVar, Derivation]] = []

    def derive(self, literal: IntVar, rule: Derivation) -> None:
        """Record how ``literal`` follows from the other variables' values:
        ``rule(value)`` is its least value that satisfies its constraints
        (the objective only ever wants it lower), ``value`` reads the others."""
        self.derived.append((literal, rule))

    def in_company(self, g: int, date: dt.date) -> list[IntVar]:
        """Literals that put group ``g`` in company on ``date`` (at most one is true)."""
        monday = date - dt.timedelta(days=date.weekday())
        found = [self.week[g][monday]] if monday in self.week[g] else []
        if date in self.day[g]:
            found.append(self.day[g][date])
        return found


def all_of(literals: Sequence[IntVar]) -> Derivation:
    """True when every one of ``literals`` is."""
    return lambda value: all(value(lit) for lit in literals)


def any_of(literals: Sequence[IntVar]) -> Derivation:
    """True when one of ``literals`` is."""
    return lambda value: any(value(lit) for lit in literals)


def none_of(literals: Sequence[IntVar]) -> Derivation:
    """True when none of ``literals`` is."""
    return lambda value: not any(value(lit) for lit in literals)


def some_not_all(literals: Sequence[IntVar]) -> Derivation:
    """True when some of ``literals`` are and some are not."""
    return lambda value: len({value(lit) for lit in literals}) == 2


def first_of_run(literal: IntVar, previous: IntVar) -> Derivation:
    """True when ``literal`` is and ``previous`` (the week before) is not."""
    return lambda value: value(literal) and not value(previous)
