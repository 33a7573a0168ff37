"""« Pourquoi ce plan » : the objective of a plan broken down by term and by
student, recomputed from the plan, the scenario and the calendar.

Like the validator, nothing here reads the solver: a hand-edited plan gets
its breakdown too. Each term mirrors :mod:`planner.formulation.objective`
exactly, so that for a plan of the solver the weighted sum equals the
objective the solver reports (the tests check it):

* ``preferred``: per full week, ``best - weight of the week`` (the best
  preferred window holding every working day of the week); per day in
  company outside full weeks, a fifth of the same, rounded up, using the
  best window holding the day; mission days (R6) cost nothing;
* ``sync``: teaching weeks splitting the class (:func:`planner.kpis.split_weeks_by_class`);
* ``fragmentation``: runs of consecutive full weeks;
* ``holiday_days``: days in company on school-holiday dates;
* ``surplus_days``: units placed beyond the requirement (students with days);
* ``single_days``: days in company outside full weeks (mission days included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from models import Calendar, Plan, Scenario, Student, requirement_of

from .counting import (
    UNITS_PER_WEEK,
    count_units,
    full_week_dates,
    full_weeks,
    holiday_days,
    mission_windows_of,
    on_mission_weekday,
    week_runs,
    working_day_runs,
)
from .kpis import split_weeks_by_class

DateSpan = tuple[dt.date, dt.date]

#: The terms of the objective, in the order of :class:`models.Weights`.
TERMS: Final = (
    "preferred",
    "sync",
    "fragmentation",
    "holiday_days",
    "surplus_days",
    "single_days",
)

#: French labels of the terms (tables of the CLI and the dashboard).
TERM_LABELS: Final = {
    "preferred": "Hors des fenêtres préférées",
    "sync": "Classe partagée (semaines d'enseignement)",
    "fragmentation": "Périodes de semaines (fractionnement)",
    "holiday_days": "Jours en vacances",
    "surplus_days": "Jours au-delà du dû",
    "single_days": "Jours isolés (hors semaines complètes)",
}

#: Per-student terms (``sync`` belongs to the class).
STUDENT_TERMS: Final = tuple(t for t in TERMS if t != "sync")


@dataclass(frozen=True)
class StudentCost:
    """One student's share of the objective.

    Attributes
    ----------
    student_id
        The student.
    terms
        Unweighted per-student terms (every term but ``sync``).
    weighted
        The same terms times the scenario's weights.
    missed_dates
        Days in company (of full weeks, or single days other than mission
        days) outside the best preferred window, in order.
    holiday_dates
        Days in company on school-holiday dates, in order.
    missed_ranges, holiday_ranges
        The same dates as (first, last) runs of consecutive working days.
    """

    student_id: str
    terms: Mapping[str, int]
    weighted: Mapping[str, int]
    missed_dates: tuple[dt.date, ...]
    holiday_dates: tuple[dt.date, ...]
    missed_ranges: tuple[DateSpan, ...] = ()
    holiday_ranges: tuple[DateSpan, ...] = ()

    @property
    def total(self) -> int:
        """The student's weighted cost."""
        return sum(self.weighted.values())

    @property
    def missed_text(self) -> str:
        """The missed preferred windows as date ranges (« aucune » if none)."""
        return spans_text(self.missed_ranges) or "aucune"

    @property
    def holiday_text(self) -> str:
        """The holiday days as date ranges (« aucun » if none)."""
        return spans_text(self.holiday_ranges) or "aucun"


@dataclass(frozen=True)
class Breakdown:
    """The objective of a plan, by term and by student.

    Attributes
    ----------
    weights
        The scenario's weights, by term.
    students
        Each student's share, in scenario order.
    split_by_class
        Per class (cohort), the Mondays of the teaching weeks splitting it
        (term ``sync``; empty for a class never split).
    """

    weights: Mapping[str, int]
    students: tuple[StudentCost, ...]
    split_by_class: Mapping[str, tuple[dt.date, ...]]

    @property
    def split_weeks(self) -> tuple[dt.date, ...]:
        """Mondays of the weeks splitting a class, once per class split."""
        return tuple(sorted(m for mondays in self.split_by_class.values() for m in mondays))

    @property
    def terms(self) -> dict[str, int]:
        """Unweighted terms summed over the class (as ``SolveResult.terms``)."""
        summed = {t: sum(s.terms[t] for s in self.students) for t in STUDENT_TERMS}
        summed["sync"] = len(self.split_weeks)
        return {t: summed[t] for t in TERMS}

    @property
    def weighted(self) -> dict[str, int]:
        """Each term times its weight."""
        return {t: v * self.weights[t] for t, v in self.terms.items()}

    @property
    def total(self) -> int:
        """The weighted sum: the objective of the plan."""
        return sum(self.weighted.values())

    def student(self, student_id: str) -> StudentCost:
        return next(s for s in self.students if s.student_id == student_id)


def split_weeks_text(breakdown: Breakdown, date_text: Callable[[dt.date], str]) -> str:
    """The weeks splitting a class, in French: one list for a class, one
    per class split when the plan holds several (a school)."""
    by_class = breakdown.split_by_class
    if len(by_class) <= 1:
        weeks = ", ".join(date_text(m) for m in breakdown.split_weeks) or "aucune"
        return f"Semaines d'enseignement où la classe est partagée : {weeks}"
    parts = "; ".join(
        f"{cohort} : {', '.join(date_text(m) for m in mondays)}"
        for cohort, mondays in by_class.items()
        if mondays
    )
    return f"Semaines d'enseignement où une classe est partagée, par classe — {parts or 'aucune'}"


def objective_breakdown(scenario: Scenario, calendar: Calendar, plan: Plan) -> Breakdown:
    """Break the objective of ``plan`` down by term and by student.

    Parameters
    ----------
    scenario, calendar
        The scenario the plan answers and its calendar.
    plan
        The plan (of the solver, or read back from a plan directory).

    Returns
    -------
    Breakdown
        Whose ``total`` equals the solver's objective for a plan it found.
    """
    weights = scenario.weights.model_dump()
    dates = {s.id: plan.dates_of(s.id) for s in scenario.students}
    best = max((w.weight for w in scenario.progression.preferred), default=0)
    students = tuple(
        _student_cost(scenario, calendar, s, dates[s.id], best, weights) for s in scenario.students
    )
    split = split_weeks_by_class(scenario, calendar, dates)
    return Breakdown(weights=weights, students=students, split_by_class=split)


def _student_cost(
    scenario: Scenario,
    calendar: Calendar,
    student: Student,
    dates: set[dt.date],
    best: int,
    weights: Mapping[str, int],
) -> StudentCost:
    student_id = student.id
    required = requirement_of(student, scenario.rules).required_units
    mondays = full_weeks(calendar, dates)
    in_weeks = full_week_dates(calendar, mondays)
    singles = sorted(d for d in dates if d not in in_weeks)
    windows = mission_windows_of(scenario, student_id)
    loose = [d for d in singles if not any(on_mission_weekday(w, d) for w in windows)]

    preferred = 0
    missed: list[dt.date] = []
    for monday in mondays:
        gap = best - _week_weight(scenario, calendar, monday)
        preferred += gap
        if gap:
            missed.extend(d.date for d in calendar.weeks[monday])
    for date in loose:
        gap = best - _day_weight(scenario, date)
        preferred += -(-gap // UNITS_PER_WEEK)  # a fifth of a week, rounded up
        if gap:
            missed.append(date)

    units = count_units(calendar, dates)
    # The model counts the surplus of students with days in company only; a
    # shortfall (a hand-edited plan) is R1's business, not a negative cost.
    surplus = max(0, units - required) if units else 0
    terms = {
        "preferred": preferred,
        "fragmentation": len(week_runs(mondays)),
        "holiday_days": holiday_days(calendar, dates),
        "surplus_days": surplus,
        "single_days": len(singles),
    }
    holidays = tuple(sorted(d for d in dates if d in calendar and calendar.day(d).school_holidays))
    return StudentCost(
        student_id=student_id,
        terms=terms,
        weighted={t: v * weights[t] for t, v in terms.items()},
        missed_dates=tuple(sorted(missed)),
        holiday_dates=holidays,
        missed_ranges=_spans(calendar, missed),
        holiday_ranges=_spans(calendar, holidays),
    )


def _spans(calendar: Calendar, dates: Iterable[dt.date]) -> tuple[DateSpan, ...]:
    """Runs of consecutive working days (a public holiday does not cut a run)."""
    return tuple((run[0], run[-1]) for run in working_day_runs(calendar, dates))


def spans_text(spans: Iterable[DateSpan]) -> str:
    """``2027-01-04 – 2027-01-08, 2027-03-02``: date ranges as text."""
    return ", ".join(str(a) if a == b else f"{a} – {b}" for a, b in spans)


def _week_weight(scenario: Scenario, calendar: Calendar, monday: dt.date) -> int:
    """Weight of the best preferred window holding every working day of the week."""
    days = calendar.weeks[monday]
    return max(
        (w.weight for w in scenario.progression.preferred if all(d.date in w for d in days)),
        default=0,
    )


def _day_weight(scenario: Scenario, date: dt.date) -> int:
    """Weight of the best preferred window holding ``date``."""
    return max((w.weight for w in scenario.progression.preferred if date in w), default=0)


# --------------------------------------------------------------------------
# Text (``stageplan explain``)
# --------------------------------------------------------------------------


def format_breakdown(breakdown: Breakdown, scenario: Scenario, top: int = 5) -> str:
    """The breakdown as French text: the table of the terms, then, per term,
    the students who cost most, the weeks splitting the class, and the
    missed windows and holiday days of each student concerned."""
    names = {s.id: s.name for s in scenario.students}
    lines = [f"Pourquoi ce plan : objectif {breakdown.total} = somme des coûts par critère", ""]
    width = max(len(label) for label in TERM_LABELS.values())
    lines.append(f"{'Critère':<{width}}  {'Valeur':>7}  {'Poids':>5}  {'Coût':>7}")
    for term in TERMS:
        lines.append(
            f"{TERM_LABELS[term]:<{width}}  {breakdown.terms[term]:>7}  "
            f"{breakdown.weights[term]:>5}  {breakdown.weighted[term]:>7}"
        )
    lines.append(f"{'Total':<{width}}  {'':>7}  {'':>5}  {breakdown.total:>7}")

    lines += ["", split_weeks_text(breakdown, str)]
    for term in STUDENT_TERMS:
        costly = sorted(
            (s for s in breakdown.students if s.terms[term]),
            key=lambda s: (-s.terms[term], s.student_id),
        )
        if not costly:
            continue
        lines += ["", f"{TERM_LABELS[term]} — élèves les plus concernés :"]
        for cost in costly[:top]:
            lines.append(
                f"  {names.get(cost.student_id, cost.student_id)} ({cost.student_id}) : "
                f"{cost.terms[term]} (coût {cost.weighted[term]})"
            )
        if len(costly) > top:
            lines.append(f"  … et {len(costly) - top} autre(s)")

    detailed = sorted(
        (s for s in breakdown.students if s.missed_dates or s.holiday_dates),
        key=lambda s: (-s.total, s.student_id),
    )
    if detailed:
        lines += ["", "Élèves les plus coûteux : fenêtres préférées manquées, jours en vacances"]
    for cost in detailed[: 2 * top]:
        lines.append(
            f"  {names.get(cost.student_id, cost.student_id)} ({cost.student_id}) : "
            f"coût {cost.total} ; fenêtres préférées manquées : {cost.missed_text} ; "
            f"jours en vacances ({cost.terms['holiday_days']}) : {cost.holiday_text}"
        )
    if len(detailed) > 2 * top:
        lines.append(f"  … et {len(detailed) - 2 * top} autre(s)")
    return "\n".join(lines)
