"""R11: where each convention of a plan stands (à envoyer, envoyée, signée).

The team tracks its conventions in the scenario (``conventions:``, one
:class:`~models.ConventionRecord` per convention: student, start, end,
status). A record belongs to the period of the plan with the same student,
start and end; a period without a record is still "à envoyer"; a record
that matches no period any more is stale: the plan moved after the
convention was sent, and a new one is due. Everything here is pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models import ConventionRecord, ConventionStatus, PeriodKind, Plan, Scenario

from .wording import STALE_LABEL

RecordKey = tuple[str, dt.date, dt.date]


@dataclass(frozen=True)
class ConventionLine:
    """R11: one convention of a plan and its status, or a stale record.

    Attributes
    ----------
    student_id, student_name
        The student (his id when the scenario does not know him).
    start, end
        The dates of the period, or of the stale record.
    status
        The record's status; ``a_envoyer`` for a period without a record.
    note
        The record's note, else empty.
    period_id, kind
        The period of the plan; None for a stale record (no period of the
        plan has these dates any more).
    """

    student_id: str
    student_name: str
    start: dt.date
    end: dt.date
    status: ConventionStatus
    note: str = ""
    period_id: str | None = None
    kind: PeriodKind | None = None

    @property
    def stale(self) -> bool:
        """Whether the record matches no period of the plan any more."""
        return self.period_id is None

    @property
    def label(self) -> str:
        """French status shown to teachers ("envoyée", "ne correspond plus au plan"…)."""
        if self.stale:
            return f"{self.status.label}, {STALE_LABEL}"
        return self.status.label


def record_key(record: ConventionRecord) -> RecordKey:
    """The period a record is about: (student, start, end)."""
    return (record.student, record.start, record.end)


def record_index(records: Iterable[ConventionRecord]) -> dict[RecordKey, ConventionRecord]:
    """Records by (student, start, end); of two records with the same dates,
    the later one in the list wins (it is the more recent entry)."""
    return {record_key(record): record for record in records}


def convention_statuses(scenario: Scenario, plan: Plan) -> list[ConventionLine]:
    """R11: the status of the convention of every period, then the stale records.

    Parameters
    ----------
    scenario
        Holds the team's records (``scenario.conventions``).
    plan
        The plan whose periods need a convention.

    Returns
    -------
    list[ConventionLine]
        One line per period of the plan, in plan order, with the status of
        the record of the same student, start and end (``a_envoyer`` when
        there is none); then one line per record matching no period
        (``stale``, "ne correspond plus au plan"), in the records' order.
    """
    names = {s.id: s.name for s in scenario.students}
    index = record_index(scenario.conventions)
    lines: list[ConventionLine] = []
    used: set[RecordKey] = set()
    for period in plan.periods:
        key = (period.student_id, period.start, period.end)
        record = index.get(key)
        used.add(key)
        lines.append(
            ConventionLine(
                student_id=period.student_id,
                student_name=names.get(period.student_id, period.student_id),
                start=period.start,
                end=period.end,
                status=record.status if record else ConventionStatus.TO_SEND,
                note=record.note if record else "",
                period_id=period.period_id,
                kind=period.kind,
            )
        )
    for key, record in index.items():
        if key not in used:
            lines.append(
                ConventionLine(
                    student_id=record.student,
                    student_name=names.get(record.student, record.student),
                    start=record.start,
                    end=record.end,
                    status=record.status,
                    note=record.note,
                )
            )
    return lines


def records_with_status(
    records: Sequence[ConventionRecord],
    student_id: str,
    start: dt.date,
    end: dt.date,
    status: ConventionStatus,
    note: str | None = None,
) -> tuple[ConventionRecord, ...]:
    """R11: the records with the status of one convention changed.

    The record of (``student_id``, ``start``, ``end``) takes ``status`` (and
    ``note`` unless it is None, which keeps the record's note); duplicates of
    it are merged into the first one. When there is none, a record is added
    at the end. The other records are kept as they are, in order.

    Raises
    ------
    ValueError
        When ``end`` precedes ``start`` (French message).
    """
    if end < start:
        raise ValueError(f"R11 : la fin ({end:%d/%m/%Y}) précède le début ({start:%d/%m/%Y})")
    key = (student_id, start, end)
    previous = record_index(records).get(key)
    kept_note = note if note is not None else (previous.note if previous else "")
    updated = ConventionRecord(
        student=student_id, start=start, end=end, status=status, note=kept_note
    )
    result: list[ConventionRecord] = []
    placed = False
    for record in records:
        if record_key(record) != key:
            result.append(record)
        elif not placed:
            result.append(updated)
            placed = True
    if not placed:
        result.append(updated)
    return tuple(result)


def scenario_with_status(
    scenario: Scenario,
    student_id: str,
    start: dt.date,
    end: dt.date,
    status: ConventionStatus,
    note: str | None = None,
) -> Scenario:
    """R11: a copy of the scenario with one convention's status changed.

    See :func:`records_with_status`; the dashboard saves the returned
    scenario (``model_dump(mode="json")`` gives its ``conventions:`` list).

    Raises
    ------
    ValueError
        When the scenario does not know ``student_id`` (French message).
    """
    if student_id not in {s.id for s in scenario.students}:
        raise ValueError(f"R11 : élève inconnu « {student_id} » : convention non enregistrée")
    records = records_with_status(scenario.conventions, student_id, start, end, status, note)
    return scenario.model_copy(update={"conventions": records})
