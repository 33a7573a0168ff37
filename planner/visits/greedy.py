"""R12, first stage without a solver: a referent per student, chosen as a
team would but checked against every teacher's weekly capacity.

The referent model (:mod:`planner.visits.referents`) has a short limit;
the better of its choice and this one is kept. On a class it proves the
optimum in a fraction of a second. On a school of 350 it proves nothing
and, from the team's round (which breaks the capacity counts), needed
10 s or more to repair and improve it, with results from 0.9 to 2.1 times
this choice's cost (docs/visits.md).

Two steps, both deterministic:

1. *Greedy*: students with the fewest possible referents first, each given
   the teacher who adds the least to the objective (towns he does not
   cover yet, visits above the team's mean), among those whose visits
   still fit their weekly capacity.
2. *Moves and swaps*: a student goes to another teacher, or two students
   of two teachers change places, when that lowers the objective and the
   teachers' visits still fit, until neither helps.

"Fit" is exact: a teacher's visits, each with the weeks it may fall in,
fit ``max_visits_per_week`` when earliest-deadline-first places them all
(one unit per visit and week, the classic interval scheduling test). It
implies every capacity count of the referent model.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from models import Teacher, Weights, monday_of

from .tasks import VisitTask

#: A visit's weeks for one teacher: ordinals of its first and last Monday
#: divided by 7 (consecutive weeks are consecutive integers).
Span = tuple[int, int]


@dataclass
class _Load:
    """What one teacher follows so far."""

    teacher: Teacher
    spans: list[Span] = field(default_factory=list)
    towns: Counter[str] = field(default_factory=Counter)
    visits: int = 0

    def new_towns(self, towns: set[str]) -> int:
        """Towns of ``towns`` he would cover anew (his home town is free)."""
        return sum(1 for t in towns if not self.towns[t] and t != self.teacher.town)

    def covered(self) -> int:
        """Towns he covers away from home."""
        return sum(1 for t, n in self.towns.items() if n > 0 and t != self.teacher.town)

    def freed_towns(self, towns: set[str]) -> int:
        """Towns he would no longer cover without a student in ``towns``."""
        return sum(1 for t in towns if self.towns[t] == 1 and t != self.teacher.town)


def greedy_referents(
    team: Sequence[Teacher],
    by_student: Mapping[str, Sequence[VisitTask]],
    candidates: Mapping[str, Sequence[str]],
    weights: Weights,
) -> dict[str, str] | None:
    """A referent per student of ``candidates`` whose visits fit each
    teacher's weekly capacity, improved by :func:`improve_referents`; None
    when the greedy finds none (which proves nothing: the referent model
    then starts from the team's round).

    Parameters
    ----------
    team
        The teachers who may be chosen.
    by_student
        Each student's visit tasks.
    candidates
        Each student's possible referents (ids), in the team's order.
    weights
        The scenario's weights (``visit_balance``, ``visit_trips``).
    """
    choice = _Choice(team, by_student, candidates, weights)
    mean = sum(choice.visits.values()) / max(1, len(team))
    order = sorted(candidates, key=lambda s: (len(candidates[s]), -choice.visits[s], s))
    for student in order:

        def cost(teacher: str, student: str = student) -> tuple[float, ...]:
            load = choice.loads[teacher]
            above = max(0.0, load.visits + choice.visits[student] - mean)
            added = weights.visit_trips * load.new_towns(choice.towns[student])
            return (added + weights.visit_balance * above, load.visits)

        fitting = (t for t in sorted(candidates[student], key=cost) if choice.fits(student, t))
        teacher = next(fitting, None)
        if teacher is None:
            return None
        choice.give(student, teacher)
    choice.improve()
    return choice.chosen


def improve_referents(
    chosen: Mapping[str, str],
    team: Sequence[Teacher],
    by_student: Mapping[str, Sequence[VisitTask]],
    candidates: Mapping[str, Sequence[str]],
    weights: Weights,
) -> dict[str, str]:
    """``chosen`` (whose visits fit every teacher) after moves of one
    student and swaps of two that lower :func:`referent_cost` and still
    fit, in a fixed order, until none does."""
    choice = _Choice(team, by_student, candidates, weights)
    for student, teacher in chosen.items():
        choice.give(student, teacher)
    choice.improve()
    return choice.chosen


def referent_cost(
    chosen: Mapping[str, str],
    team: Sequence[Teacher],
    by_student: Mapping[str, Sequence[VisitTask]],
    weights: Weights,
) -> int:
    """The referent model's objective for ``chosen``: busiest teacher's
    visits and towns covered away from home, weighted."""
    loads = {t.id: _Load(t) for t in team}
    for student, teacher in chosen.items():
        _give(loads[teacher], [], _towns(by_student[student]), len(by_student[student]))
    return _objective(loads.values(), weights)


class _Choice:
    """Referents chosen so far, and what each teacher follows."""

    def __init__(
        self,
        team: Sequence[Teacher],
        by_student: Mapping[str, Sequence[VisitTask]],
        candidates: Mapping[str, Sequence[str]],
        weights: Weights,
    ):
        self.candidates, self.weights = candidates, weights
        self.loads = {t.id: _Load(t) for t in team}
        self.towns = {s: _towns(by_student[s]) for s in candidates}
        self.visits = {s: len(by_student[s]) for s in candidates}
        self.spans = {
            (s, t): _spans(by_student[s], self.loads[t].teacher)
            for s, ts in candidates.items()
            for t in ts
        }
        self.chosen: dict[str, str] = {}
        self.followed: dict[str, set[str]] = {t.id: set() for t in team}

    def fits(self, student: str, teacher: str) -> bool:
        """Whether the student's visits fit beside the teacher's others."""
        spans = [*self.loads[teacher].spans, *self.spans[student, teacher]]
        return _fits(spans, self.loads[teacher].teacher)

    def give(self, student: str, teacher: str) -> None:
        self.chosen[student] = teacher
        self.followed[teacher].add(student)
        _give(
            self.loads[teacher],
            self.spans[student, teacher],
            self.towns[student],
            self.visits[student],
        )

    def take_back(self, student: str) -> None:
        teacher = self.chosen.pop(student)
        self.followed[teacher].discard(student)
        left = [x for s in sorted(self.followed[teacher]) for x in self.spans[s, teacher]]
        _take_back(self.loads[teacher], left, self.towns[student], self.visits[student])

    def improve(self) -> None:
        """Single moves, then swaps, that lower the objective, until none does."""
        moved = True
        while moved:
            moved = False
            for student in sorted(self.chosen):
                teacher = self._better_teacher(student)
                if teacher is not None:
                    self.take_back(student)
                    self.give(student, teacher)
                    moved = True
            moved = self._swaps() or moved

    def objective(self) -> int:
        """:func:`referent_cost` of the choice so far."""
        return _objective(self.loads.values(), self.weights)

    def _swaps(self) -> bool:
        """Two students of two teachers exchanged when that lowers the
        objective and both teachers' visits still fit; whether any was."""
        swapped = False
        students = sorted(self.chosen)
        for a in students:
            if not self.loads[self.chosen[a]].freed_towns(self.towns[a]):
                continue  # a's towns stay covered by his teacher: no trip saved
            for b in students:
                if self._worth_swapping(a, b):
                    before = self.objective()
                    self._exchange(a, b)
                    if self.objective() < before and self._both_fit(a, b):
                        swapped = True
                        break
                    self._exchange(a, b)  # back
        return swapped

    def _worth_swapping(self, a: str, b: str) -> bool:
        """Whether b's teacher may take a without covering a new town, and
        a's teacher may take b."""
        ta, tb = self.chosen[a], self.chosen[b]
        return (
            ta != tb
            and ta in self.candidates[b]
            and tb in self.candidates[a]
            and not self.loads[tb].new_towns(self.towns[a])
        )

    def _exchange(self, a: str, b: str) -> None:
        ta, tb = self.chosen[a], self.chosen[b]
        self.take_back(a)
        self.take_back(b)
        self.give(a, tb)
        self.give(b, ta)

    def _both_fit(self, a: str, b: str) -> bool:
        return all(
            _fits(self.loads[t].spans, self.loads[t].teacher)
            for t in (self.chosen[a], self.chosen[b])
        )

    def _better_teacher(self, student: str) -> str | None:
        """The candidate whose taking the student lowers the objective most
        (and whose visits still fit), or None."""
        old, visits, weights = self.chosen[student], self.visits[student], self.weights
        busiest = max(load.visits for load in self.loads.values())
        freed = self.loads[old].freed_towns(self.towns[student])
        best: tuple[int, str] | None = None
        for teacher in self.candidates[student]:
            if teacher == old:
                continue
            others = max(
                (load.visits for t, load in self.loads.items() if t not in (old, teacher)),
                default=0,
            )
            top = max(self.loads[teacher].visits + visits, others, self.loads[old].visits - visits)
            added = self.loads[teacher].new_towns(self.towns[student])
            change = weights.visit_trips * (added - freed) + weights.visit_balance * (
                top - busiest
            )
            if change < 0 and (best is None or change < best[0]) and self.fits(student, teacher):
                best = (change, teacher)
        return None if best is None else best[1]


def _objective(loads: Collection[_Load], weights: Weights) -> int:
    """The referent model's objective: the busiest teacher's visits and the
    towns covered away from home, weighted."""
    busiest = max((load.visits for load in loads), default=0)
    covered = sum(load.covered() for load in loads)
    return weights.visit_balance * busiest + weights.visit_trips * covered


def _give(load: _Load, spans: list[Span], towns: set[str], visits: int) -> None:
    """A student's visits and towns added to a teacher's."""
    load.spans.extend(spans)
    load.towns.update(towns)
    load.visits += visits


def _take_back(load: _Load, spans: list[Span], towns: set[str], visits: int) -> None:
    """A student's visits and towns taken back (``spans``: what is left)."""
    load.spans = spans
    load.towns.subtract(towns)
    load.visits -= visits


def _towns(tasks: Sequence[VisitTask]) -> set[str]:
    """Where the student's visits go, as the referent model counts towns."""
    return {task.place for task in tasks}


def _spans(tasks: Sequence[VisitTask], teacher: Teacher) -> list[Span]:
    spans = []
    for task in tasks:
        dates = task.dates_for(teacher)
        if dates:
            spans.append((_week(dates[0]), _week(dates[-1])))
    return spans


def _week(date: dt.date) -> int:
    return monday_of(date).toordinal() // 7


def _fits(spans: list[Span], teacher: Teacher) -> bool:
    """Whether visits with these weeks fit ``max_visits_per_week`` a week
    (earliest deadline first, one week after the other)."""
    if not spans:
        return True
    pending = sorted(spans)
    deadlines: list[int] = []
    index, week = 0, pending[0][0]
    while index < len(pending) or deadlines:
        if not deadlines and pending[index][0] > week:
            week = pending[index][0]  # nothing due: jump to the next release
        while index < len(pending) and pending[index][0] <= week:
            heapq.heappush(deadlines, pending[index][1])
            index += 1
        for _ in range(min(teacher.max_visits_per_week, len(deadlines))):
            if heapq.heappop(deadlines) < week:
                return False
        week += 1
        if deadlines and deadlines[0] < week:
            return False
    return True
