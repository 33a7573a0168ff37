"""Tables of the Documents page: the conventions' status (R11), pure
functions of the plan and the scenario (no streamlit here)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from models import ConventionStatus, Plan, Scenario
from planner.documents import ConventionLine

from .charts import KIND_LABELS, fr_date

STALE_TYPE = "ne correspond plus au plan"


def convention_table(
    lines: Sequence[ConventionLine], scenario: Scenario, plan: Plan
) -> pd.DataFrame:
    """One row per convention (R11): period, host, tutor, referent, visits,
    status and note; stale records (the plan moved) last."""
    periods = {p.period_id: p for p in plan.periods}
    visits: dict[str, list[dt.date]] = defaultdict(list)
    for visit in plan.visits:
        visits[visit.period_id].append(visit.date)
    teachers = {t.id: t.name for t in scenario.teachers}
    rows = []
    for line in lines:
        period = periods.get(line.period_id or "")
        host = scenario.host(period.host_id) if period is not None else None
        referent = plan.referent_of(line.student_id)
        rows.append(
            {
                "Élève": line.student_name,
                "Période": line.period_id or "—",
                "Type": KIND_LABELS[line.kind] if line.kind is not None else STALE_TYPE,
                "Du": fr_date(line.start),
                "Au": fr_date(line.end),
                "Entreprise": host.name if host is not None else "entreprise à trouver",
                "Tuteur": host.tutor.name if host is not None and host.tutor else "",
                "Référent": teachers.get(referent or "", ""),
                "Visites": ", ".join(fr_date(d) for d in sorted(visits[line.period_id or ""])),
                "Statut": line.status.label,
                "Note": line.note,
            }
        )
    return pd.DataFrame(rows, columns=_COLUMNS)


_COLUMNS = [
    "Élève", "Période", "Type", "Du", "Au", "Entreprise", "Tuteur", "Référent", "Visites",
    "Statut", "Note",
]  # fmt: skip


#: Titles of the status counters.
COUNT_TITLES = {
    ConventionStatus.TO_SEND: "Conventions à envoyer",
    ConventionStatus.SENT: "Conventions envoyées",
    ConventionStatus.SIGNED: "Conventions signées",
}


def status_counts(lines: Sequence[ConventionLine]) -> dict[str, int]:
    """Conventions of the plan per status (stale records left out), by title."""
    counts = dict.fromkeys(COUNT_TITLES.values(), 0)
    for line in lines:
        if not line.stale:
            counts[COUNT_TITLES[line.status]] += 1
    return counts


def line_label(line: ConventionLine) -> str:
    """How a convention is named in a list: ``Léa M. — Bloc du 03/05/2027 au 25/06/2027``."""
    kind = KIND_LABELS[line.kind] if line.kind is not None else STALE_TYPE
    return (
        f"{line.student_name} ({line.student_id}) — {kind} du {fr_date(line.start)} "
        f"au {fr_date(line.end)}"
    )
