"""« Pourquoi pas là ? » : what keeps a student from being placed on given
dates, and what the objective would become with that placement forced.

The placement is forced with the pinning mechanism: a :class:`LockedPeriod`
for the student over ``[start, end]`` is added to a copy of the scenario.
Then, in order:

1. :func:`planner.locks.check_locks`: forced days on a blocked date (R7),
   before the student's arrival or during an unavailability (R7), during a
   host closure or at an ineligible host (R10), for an exempt student (R3);
2. otherwise the forced scenario is solved: no plan (the diagnosis names
   the rules and students in conflict), or a plan whose objective is
   compared with the baseline's, term by term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from models import Calendar, PlanStatus, Scenario
from models.scenario import LockedPeriod

from .conflict import Conflict
from .counting import holiday_days
from .explain import TERM_LABELS, TERMS
from .locks import LockFault, check_locks, dates_text
from .solve import SolveSettings, solve

#: Label of the lock that forces the placement.
WHY_NOT_LABEL = "pourquoi pas ?"

#: Unit of each term, for the French texts (per unit of the unweighted term).
TERM_UNITS: dict[str, str] = {
    "preferred": "point(s) hors fenêtre préférée",
    "sync": "semaine(s) d'enseignement scindée(s)",
    "fragmentation": "période(s) de semaines",
    "holiday_days": "jour(s) en vacances",
    "surplus_days": "jour(s) au-delà du dû",
    "single_days": "jour(s) isolé(s)",
}


class Outcome(StrEnum):
    """The verdict of :func:`why_not`."""

    BLOCKED = "bloqué"  # the forced days hit a blocked date, closure...
    INFEASIBLE = "impossible"  # no plan keeps the forced days
    FEASIBLE = "possible"  # a plan keeps them, at some cost
    NO_PLAN_IN_TIME = "sans réponse"  # no plan found within the time limit


class WhyNotError(ValueError):
    """A bad request; ``field`` names the input at fault (French message)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field} : {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class TermChange:
    """One objective term, without and with the forced placement."""

    term: str
    before: int
    after: int
    weight: int

    @property
    def delta(self) -> int:
        return self.after - self.before

    @property
    def weighted(self) -> int:
        return self.delta * self.weight

    @property
    def text(self) -> str:
        """``Classe partagée (…) : +2 semaine(s) d'enseignement scindée(s) (× 30 = +60)``."""
        return (
            f"{TERM_LABELS[self.term]} : {self.delta:+d} {TERM_UNITS[self.term]} "
            f"(× {self.weight} = {self.weighted:+d})"
        )


@dataclass(frozen=True)
class WhyNot:
    """The answer of :func:`why_not`.

    Attributes
    ----------
    outcome
        Blocked, infeasible, feasible, or no answer in time.
    forced
        The working days forced in company.
    faults
        Blocked: the rules the forced days break (R3, R7, R10), with dates.
    conflicts
        Infeasible: the rules and students in conflict (the diagnosis).
    notes
        Infeasible: plain figures behind the conflict (R8 holiday days...).
    objective, baseline_objective
        Feasible: the objective with the placement forced, and without it.
    changes
        Feasible: the terms that change, largest weighted change first.
    """

    student_id: str
    student_name: str
    start: dt.date
    end: dt.date
    outcome: Outcome
    forced: tuple[dt.date, ...]
    faults: tuple[LockFault, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[str, ...] = ()
    status: PlanStatus | None = None
    objective: float | None = None
    baseline_objective: float | None = None
    changes: tuple[TermChange, ...] = ()

    @property
    def rules(self) -> tuple[str, ...]:
        """Rule ids that keep the student from these dates, in rule order."""
        found = {f.rule for f in self.faults}
        for conflict in self.conflicts:
            found.update(conflict.rules)
        return tuple(sorted(found, key=lambda r: int(r[1:])))

    @property
    def delta(self) -> float | None:
        if self.objective is None or self.baseline_objective is None:
            return None
        return self.objective - self.baseline_objective

    @property
    def grown(self) -> tuple[TermChange, ...]:
        """The terms that cost more with the placement forced."""
        return tuple(c for c in self.changes if c.weighted > 0)


def why_not(
    scenario: Scenario,
    calendar: Calendar,
    student_id: str,
    start: dt.date,
    end: dt.date,
    settings: SolveSettings | None,
    baseline_objective: float | None,
    baseline_terms: Mapping[str, int] | None = None,
) -> WhyNot:
    """Why ``student_id`` is not in company on every working day of ``[start, end]``.

    Parameters
    ----------
    scenario, calendar
        The scenario and its calendar.
    student_id, start, end
        The student and the dates to force (both ends included).
    settings
        Solver settings; the scenario's when None.
    baseline_objective, baseline_terms
        Objective (and unweighted terms) of the plan without the forced
        placement. When the objective is None, the scenario is solved
        without it to get both.

    Raises
    ------
    WhyNotError
        Unknown student, end before start, dates outside the training, or
        no working day in the range.
    """
    student = next((s for s in scenario.students if s.id == student_id), None)
    if student is None:
        known = ", ".join(s.id for s in scenario.students)
        raise WhyNotError("élève", f"élève inconnu « {student_id} » (élèves : {known})")
    if end < start:
        raise WhyNotError("fin", f"la fin ({end}) précède le début ({start})")
    first, last = calendar.first_date, calendar.last_date
    if start < first or end > last:
        raise WhyNotError(
            "dates",
            f"{start} – {end} sort de la formation ({first} – {last})",
        )
    lock = LockedPeriod(student=student_id, start=start, end=end, label=WHY_NOT_LABEL)
    forced = tuple(d for d in lock.range.dates() if calendar.day(d).is_working_day)
    if not forced:
        raise WhyNotError("dates", f"aucun jour ouvré du {start} au {end}")
    settings = settings or SolveSettings.of(scenario)
    base = WhyNot(student_id, student.name, start, end, Outcome.FEASIBLE, forced)

    forced_scenario = scenario.model_copy(update={"locked": (*scenario.locked, lock)})
    # Only the new lock is checked here: the scenario's own locks are the solve's business.
    faults = check_locks(scenario.model_copy(update={"locked": (lock,)}), calendar)
    if faults:
        return replace(base, outcome=Outcome.BLOCKED, faults=faults)

    result = solve(forced_scenario, settings)
    if result.status is PlanStatus.INFEASIBLE:
        return replace(
            base,
            outcome=Outcome.INFEASIBLE,
            status=result.status,
            conflicts=result.conflicts,
            notes=_notes(scenario, calendar, forced),
        )
    if result.plan is None or result.objective is None:
        return replace(base, outcome=Outcome.NO_PLAN_IN_TIME, status=result.status)

    if baseline_objective is None:
        baseline = solve(scenario, settings)
        baseline_objective = baseline.objective
        baseline_terms = baseline.terms if baseline.objective is not None else None
    changes = _changes(scenario, baseline_terms, result.terms) if baseline_terms else ()
    return replace(
        base,
        status=result.status,
        objective=result.objective,
        baseline_objective=baseline_objective,
        changes=changes,
    )


def _notes(scenario: Scenario, calendar: Calendar, forced: tuple[dt.date, ...]) -> tuple[str, ...]:
    """Figures a teacher can check by hand, behind an infeasible placement."""
    notes: list[str] = []
    cap = scenario.rules.max_holiday_days
    holidays = holiday_days(calendar, forced)
    if holidays > cap:
        notes.append(
            f"R8 : {holidays} jours en vacances imposés par cette période > {cap} "
            "autorisés sur toute la formation"
        )
    elif holidays:
        notes.append(f"R8 : {holidays} jours en vacances imposés par cette période (≤ {cap})")
    return tuple(notes)


def _changes(
    scenario: Scenario, before: Mapping[str, int], after: Mapping[str, int]
) -> tuple[TermChange, ...]:
    weights = scenario.weights
    changes = [
        TermChange(term, int(before.get(term, 0)), int(after.get(term, 0)), getattr(weights, term))
        for term in TERMS
    ]
    moved = [c for c in changes if c.delta != 0]
    return tuple(sorted(moved, key=lambda c: (-c.weighted, TERMS.index(c.term))))


def format_why_not(answer: WhyNot) -> str:
    """The answer in French, with rule ids, for the CLI and the dashboard."""
    who = f"{answer.student_name} ({answer.student_id})"
    lines = [
        f"Pourquoi pas {who} du {answer.start} au {answer.end} "
        f"({len(answer.forced)} jour(s) ouvré(s) : {dates_text(answer.forced)}) ?"
    ]
    if answer.outcome is Outcome.BLOCKED:
        lines.append(f"Impossible ({', '.join(answer.rules)}) : ces dates sont interdites.")
        lines += [f"  - {f.message}" for f in answer.faults]
    elif answer.outcome is Outcome.INFEASIBLE:
        lines.append(
            f"Impossible ({', '.join(answer.rules) or 'règles'}) : aucun plan ne respecte "
            "les règles avec ce placement."
        )
        lines += [f"  - {note}" for note in answer.notes]
        for conflict in answer.conflicts:
            lines.append(f"  - {conflict.message}")
            lines += [f"    levier : {lever}" for lever in conflict.levers]
    elif answer.outcome is Outcome.NO_PLAN_IN_TIME:
        status = answer.status.value if answer.status else "?"
        lines.append(f"Sans réponse : aucun plan trouvé dans le temps imparti (statut {status}).")
    else:
        lines.append(_objective_line(answer))
        grown = answer.grown
        shrunk = [c for c in answer.changes if c.weighted < 0]
        if grown:
            lines.append("Ce qui coûte plus :")
            lines += [f"  - {c.text}" for c in grown]
        if shrunk:
            lines.append("Ce qui coûte moins :")
            lines += [f"  - {c.text}" for c in shrunk]
        if not answer.changes and answer.delta:
            lines.append("(détail par critère indisponible : termes du plan actuel inconnus)")
    return "\n".join(lines)


def _objective_line(answer: WhyNot) -> str:
    status = f" (statut {answer.status.value})" if answer.status else ""
    if answer.delta is None:
        return f"Placement possible : objectif {answer.objective:g}{status}."
    if answer.delta == 0:
        return (
            f"Placement possible sans surcoût : objectif {answer.objective:g}, "
            f"comme le plan actuel{status}."
        )
    return (
        f"Placement possible : objectif {answer.objective:g} au lieu de "
        f"{answer.baseline_objective:g} ({answer.delta:+g}){status}."
    )


__all__ = ["Outcome", "TermChange", "WhyNot", "WhyNotError", "format_why_not", "why_not"]
