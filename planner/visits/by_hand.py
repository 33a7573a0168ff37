"""R12 baseline: visits assigned the way a team does it by hand.

Referents go round the team in class-list order (a named referent is
kept); visits are taken in period order, each on the first date of its
part when the referent visits and still has room that week. This is the
comparison point of the CP-SAT visit model (docs/rules.md, R12).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from itertools import cycle

from models import Scenario, monday_of

from .result import VisitAssignment
from .tasks import VisitTask


def visits_by_hand(scenario: Scenario, tasks: tuple[VisitTask, ...]) -> VisitAssignment:
    """Assign the visits in period order, first fitting date first."""
    referents = round_robin_referents(scenario, tasks)
    load: Counter[tuple[str, dt.date]] = Counter()
    placed: dict[int, tuple[str, dt.date]] = {}
    unplaced = []
    for v, task in enumerate(tasks):
        if task.student_id not in referents:  # nobody in the team can visit
            unplaced.append(v)
            continue
        teacher = scenario.teacher(referents[task.student_id])
        date = next(
            (
                d
                for d in task.dates_for(teacher)
                if load[teacher.id, monday_of(d)] < teacher.max_visits_per_week
            ),
            None,
        )
        if date is None:
            unplaced.append(v)
            continue
        load[teacher.id, monday_of(date)] += 1
        placed[v] = (teacher.id, date)
    return VisitAssignment(placed, referents, tuple(unplaced), method="à la main")


def round_robin_referents(scenario: Scenario, tasks: tuple[VisitTask, ...]) -> dict[str, str]:
    """Each class's team in turn, in class-list order (a named referent is kept)."""
    team = {task.student_id: task.teachers for task in tasks}
    turns: dict[tuple[str, ...], Iterator[str]] = {}
    referents = {}
    for student in scenario.students:
        candidates = team.get(student.id)
        if not candidates:
            continue
        chosen = student.referent or next(turns.setdefault(candidates, cycle(candidates)))
        referents[student.id] = chosen
    return referents
