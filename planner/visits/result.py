"""What the visit stage gives, independent of CP-SAT."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models import PlanStatus


@dataclass(frozen=True)
class VisitAssignment:
    """Dates and teachers of the visits, and the referent of each student.

    Attributes
    ----------
    placed
        ``task index -> (teacher_id, date)`` for each placed visit.
    referents
        ``student_id -> teacher_id`` for every student with a period.
    unplaced
        Indexes of the tasks no teacher could take (R12 broken).
    status
        ``OPTIMAL``/``FEASIBLE`` (all placed or not), ``UNKNOWN`` when the
        time ran out before any assignment.
    method
        ``"cp-sat"`` or ``"à la main"`` (the by-hand baseline).
    """

    placed: dict[int, tuple[str, dt.date]]
    referents: dict[str, str]
    unplaced: tuple[int, ...] = ()
    status: PlanStatus = PlanStatus.OPTIMAL
    objective: float | None = None
    bound: float | None = None
    wall_time_s: float = 0.0
    method: str = "cp-sat"
    stats: dict[str, int] = field(default_factory=dict)
