"""What the documents say: the data of each pedagogical annex (R11) and of
each attestation (R13), as plain frozen dataclasses. No I/O here.

The annex of a period holds what §3.1 of the regulation lists: objectives,
missions entrusted, what the host provides, material conditions (place,
hours), tutoring, exchanges with the teaching team (referent, dates of the
visits) and the joint evaluation. The attestation of a student holds the
dates and duration of each of his periods, the total duration and the types
of activities. :func:`template_variables` turns a context into the
variables of a DOCX template, with dates and numbers written the French way
(``docs/documents.md`` lists them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from models import (
    ConventionStatus,
    Host,
    MissionWindow,
    Period,
    PeriodKind,
    Plan,
    Scenario,
    SchoolInfo,
    Student,
    Visit,
    requirement_of,
)

from . import wording
from .status import record_index

# --------------------------------------------------------------------------
# French formatting
# --------------------------------------------------------------------------


def french_date(day: dt.date) -> str:
    """``03/05/2027``: the date as the documents write it."""
    return f"{day:%d/%m/%Y}"


def french_number(value: float) -> str:
    """``16``, ``16,2``, ``262,5``: at most two decimals, a decimal comma."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def french_weeks(weeks: float) -> str:
    """``16 semaines``, ``16,2 semaines``, ``1 semaine``, ``0,4 semaine``.

    French puts the plural from 2 on.
    """
    return f"{french_number(weeks)} {'semaines' if weeks >= 2 else 'semaine'}"


def dates_text(days: Sequence[dt.date]) -> str:
    """``02/02/2027, 09/02/2027 et 16/02/2027``."""
    texts = [french_date(day) for day in days]
    if len(texts) <= 1:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} et {texts[-1]}"


# --------------------------------------------------------------------------
# The data of the documents
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolData:
    """The school (``scenario.school``), R11/R13."""

    name: str
    address: str
    town: str
    head: str
    weekly_hours: float
    daily_hours: str
    evaluation: str


@dataclass(frozen=True)
class StudentData:
    """The intern; ``route`` is the code, ``route_label`` its French name."""

    id: str
    name: str
    route: str
    route_label: str


@dataclass(frozen=True)
class HostData:
    """The host of a period; ``found`` is False while one is to be found (R10),
    and ``name`` then reads "entreprise à trouver"."""

    found: bool
    id: str
    name: str
    address: str
    postcode: str
    town: str
    sector: str
    place: str  # the address on one line, for "lieu du stage"


@dataclass(frozen=True)
class PersonData:
    """A tutor or a referent teacher; ``found`` is False when nobody is named
    yet, and ``name`` then reads "à désigner"."""

    found: bool
    name: str
    function: str = ""
    email: str = ""


@dataclass(frozen=True)
class VisitData:
    """R12: a teacher's visit during the period."""

    date: dt.date
    weekday: str
    teacher: str
    teacher_id: str


@dataclass(frozen=True)
class PeriodData:
    """One period of the plan.

    ``dates`` lists the days in company for ``days`` and ``missions``
    periods (scattered days); it is empty for ``block`` and ``period``,
    which run from ``start`` to ``end``, Monday to Friday.
    """

    id: str
    number: int  # 1 for the student's first period
    count: int  # the student's periods in the plan
    kind: str
    kind_label: str
    start: dt.date
    end: dt.date
    weeks: float
    weeks_text: str
    days_in_company: int
    holiday_days: int
    dates: tuple[dt.date, ...]
    dates_text: str


@dataclass(frozen=True)
class HoursData:
    """R11 "horaires": hours a week, the daily schedule, and the period's
    total (days in company × weekly hours / 5)."""

    weekly: float
    daily: str
    total: float


@dataclass(frozen=True)
class ConventionData:
    """R11: where the convention stands (the team's tracking, not printed by
    the bundled template)."""

    status: str
    status_label: str
    note: str


@dataclass(frozen=True)
class SignatureData:
    """Place and date written above the signatures."""

    place: str
    date: dt.date


@dataclass(frozen=True)
class AnnexContext:
    """R11: the pedagogical annex of the convention of one period (§3.1)."""

    school: SchoolData
    student: StudentData
    host: HostData
    tutor: PersonData
    period: PeriodData
    hours: HoursData
    progression: tuple[str, ...]
    objectives: tuple[str, ...]
    activities: tuple[str, ...]
    commitments: tuple[str, ...]
    equipment: str
    tutoring: str
    exchanges: str
    status_note: str
    referent: PersonData
    visits: tuple[VisitData, ...]
    evaluation: str
    convention: ConventionData
    signature: SignatureData


@dataclass(frozen=True)
class AttestationPeriod:
    """R13: one period as the attestation lists it."""

    id: str
    kind: str
    kind_label: str
    start: dt.date
    end: dt.date
    weeks: float
    weeks_text: str
    days_in_company: int
    host: HostData


@dataclass(frozen=True)
class AttestationContext:
    """R13: the attestation of one student: every period, the total duration
    and the types of activities."""

    school: SchoolData
    student: StudentData
    periods: tuple[AttestationPeriod, ...]
    total_weeks: float
    total_weeks_text: str
    total_days: int
    activities: tuple[str, ...]
    signature: SignatureData


# --------------------------------------------------------------------------
# Building them from a plan
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """What the builders look up for every period, computed once per plan."""

    scenario: Scenario
    plan: Plan
    students: Mapping[str, Student]
    hosts: Mapping[str, Host]
    teachers: Mapping[str, str]  # id -> name
    dates: Mapping[str, tuple[dt.date, ...]]  # period_id -> days in company
    visits: Mapping[str, tuple[Visit, ...]]  # period_id -> visits, by date
    numbers: Mapping[str, int]  # period_id -> rank among the student's periods
    counts: Mapping[str, int]  # student_id -> periods in the plan

    @classmethod
    def of(cls, scenario: Scenario, plan: Plan) -> _Index:
        dates: dict[str, list[dt.date]] = defaultdict(list)
        for day in plan.days:
            dates[day.period_id].append(day.date)
        visits: dict[str, list[Visit]] = defaultdict(list)
        for visit in plan.visits:
            visits[visit.period_id].append(visit)
        counts: dict[str, int] = defaultdict(int)
        numbers: dict[str, int] = {}
        for period in sorted(plan.periods, key=lambda p: (p.student_id, p.start, p.end)):
            counts[period.student_id] += 1
            numbers[period.period_id] = counts[period.student_id]
        return cls(
            scenario=scenario,
            plan=plan,
            students={s.id: s for s in scenario.students},
            hosts={h.id: h for h in scenario.hosts},
            teachers={t.id: t.name for t in scenario.teachers},
            dates={key: tuple(sorted(value)) for key, value in dates.items()},
            visits={key: tuple(sorted(value)) for key, value in visits.items()},
            numbers=numbers,
            counts=dict(counts),
        )


def annex_contexts(scenario: Scenario, plan: Plan, *, issued: dt.date) -> list[AnnexContext]:
    """R11: the pedagogical annex of every period of the plan, in plan order.

    Parameters
    ----------
    scenario, plan
        The plan and the scenario it solves (school, hosts, tutors,
        teachers, progression, convention records).
    issued
        The date written above the signatures.
    """
    index = _Index.of(scenario, plan)
    return [_annex(index, period, issued) for period in plan.periods]


def annex_context(
    scenario: Scenario, plan: Plan, period: Period, *, issued: dt.date
) -> AnnexContext:
    """R11: the pedagogical annex of one period (see :func:`annex_contexts`)."""
    return _annex(_Index.of(scenario, plan), period, issued)


def _annex(index: _Index, period: Period, issued: dt.date) -> AnnexContext:
    scenario = index.scenario
    school = _school(scenario.school)
    host = index.hosts.get(period.host_id or "")
    days = index.dates.get(period.period_id, ())
    return AnnexContext(
        school=school,
        student=_student(index, period.student_id),
        host=_host(host),
        tutor=_tutor(host),
        period=_period(index, period, days),
        hours=HoursData(
            weekly=school.weekly_hours,
            daily=school.daily_hours,
            total=period.days_in_company * school.weekly_hours / 5,
        ),
        progression=_progression(scenario, period, days),
        objectives=(*wording.COMMON_OBJECTIVES, *wording.KIND_OBJECTIVES[period.kind]),
        activities=wording.KIND_ACTIVITIES[period.kind],
        commitments=wording.HOST_COMMITMENTS,
        equipment=wording.EQUIPMENT,
        tutoring=wording.TUTORING,
        exchanges=wording.EXCHANGES,
        status_note=wording.STATUS_NOTE,
        referent=_referent(index, period.student_id),
        visits=tuple(_visit(index, v) for v in index.visits.get(period.period_id, ())),
        evaluation=school.evaluation,
        convention=_convention(scenario, period),
        signature=SignatureData(place=school.town, date=issued),
    )


def _school(school: SchoolInfo) -> SchoolData:
    return SchoolData(
        name=school.name,
        address=school.address,
        town=school.town,
        head=school.head,
        weekly_hours=school.weekly_hours,
        daily_hours=school.daily_hours,
        evaluation=school.evaluation,
    )


def _student(index: _Index, student_id: str) -> StudentData:
    student = index.students.get(student_id)
    if student is None:  # a hand-edited plan; the validator reports it (R7)
        return StudentData(id=student_id, name=student_id, route="", route_label="")
    return StudentData(
        id=student.id,
        name=student.name,
        route=student.route.value,
        route_label=wording.ROUTE_LABELS[student.route],
    )


def _host(host: Host | None) -> HostData:
    if host is None:
        return HostData(
            found=False,
            id="",
            name=wording.HOST_TO_FIND,
            address="",
            postcode="",
            town="",
            sector="",
            place=wording.HOST_TO_FIND,
        )
    town = " ".join(part for part in (host.postcode, host.town) if part)
    place = ", ".join(part for part in (host.address, town) if part) or host.name
    return HostData(
        found=True,
        id=host.id,
        name=host.name,
        address=host.address,
        postcode=host.postcode,
        town=host.town,
        sector=host.sector,
        place=place,
    )


def _tutor(host: Host | None) -> PersonData:
    if host is None or host.tutor is None:
        return PersonData(found=False, name=wording.TO_APPOINT)
    tutor = host.tutor
    return PersonData(found=True, name=tutor.name, function=tutor.function, email=tutor.email)


def _referent(index: _Index, student_id: str) -> PersonData:
    """R12: the plan's referent, else the one the scenario names."""
    student = index.students.get(student_id)
    teacher_id = index.plan.referent_of(student_id) or (student.referent if student else None)
    if teacher_id is None:
        return PersonData(found=False, name=wording.TO_APPOINT)
    return PersonData(found=True, name=index.teachers.get(teacher_id, teacher_id))


def _visit(index: _Index, visit: Visit) -> VisitData:
    return VisitData(
        date=visit.date,
        weekday=wording.WEEKDAY_NAMES[visit.date.weekday()],
        teacher=index.teachers.get(visit.teacher_id, visit.teacher_id),
        teacher_id=visit.teacher_id,
    )


def _period(index: _Index, period: Period, days: Sequence[dt.date]) -> PeriodData:
    scattered = period.kind in (PeriodKind.DAYS, PeriodKind.MISSIONS)
    listed = tuple(days) if scattered else ()
    return PeriodData(
        id=period.period_id,
        number=index.numbers.get(period.period_id, 1),
        count=index.counts.get(period.student_id, 1),
        kind=period.kind.value,
        kind_label=wording.KIND_LABELS[period.kind],
        start=period.start,
        end=period.end,
        weeks=period.weeks,
        weeks_text=french_weeks(period.weeks),
        days_in_company=period.days_in_company,
        holiday_days=period.holiday_days,
        dates=listed,
        dates_text=dates_text(listed),
    )


def _progression(scenario: Scenario, period: Period, days: Sequence[dt.date]) -> tuple[str, ...]:
    """R7/R6: the progression windows the period sits in (their labels)."""
    spans = [(day, day) for day in days] or [(period.start, period.end)]
    labels = [
        window.label
        for window in scenario.progression.preferred
        if window.label
        and any(window.start <= end and start <= window.end for start, end in spans)
    ]
    if period.kind is PeriodKind.MISSIONS:
        labels += [w.label for w in _mission_windows(scenario, period, days)]
    return tuple(dict.fromkeys(labels))


def _mission_windows(
    scenario: Scenario, period: Period, days: Sequence[dt.date]
) -> list[MissionWindow]:
    """R6: the mission windows concerning the student that hold the period's days."""
    inside = days or (period.start, period.end)
    return [
        window
        for window in scenario.progression.missions
        if window.concerns(period.student_id)
        and any(window.start <= day <= window.end for day in inside)
    ]


def _convention(scenario: Scenario, period: Period) -> ConventionData:
    record = record_index(scenario.conventions).get((period.student_id, period.start, period.end))
    status = record.status if record else ConventionStatus.TO_SEND
    return ConventionData(
        status=status.value, status_label=status.label, note=record.note if record else ""
    )


# --- R13 attestations ---


def attestation_students(scenario: Scenario, plan: Plan) -> list[str]:
    """R13: ids of the students who get an attestation, in scenario order.

    Every student who owes an internship, and every student with a period
    in the plan (a repeating student keeping his earlier internship still
    does the missions, §5).
    """
    with_periods = {period.student_id for period in plan.periods}
    return [
        s.id
        for s in scenario.students
        if s.id in with_periods or not requirement_of(s, scenario.rules).exempt
    ]


def attestation_contexts(
    scenario: Scenario, plan: Plan, *, issued: dt.date
) -> list[AttestationContext]:
    """R13: the attestation of every student of :func:`attestation_students`.

    Parameters
    ----------
    scenario, plan
        The plan and the scenario it solves.
    issued
        The date written above the signatures.
    """
    index = _Index.of(scenario, plan)
    return [_attestation(index, sid, issued) for sid in attestation_students(scenario, plan)]


def attestation_context(
    scenario: Scenario, plan: Plan, student_id: str, *, issued: dt.date
) -> AttestationContext:
    """R13: the attestation of one student (see :func:`attestation_contexts`)."""
    return _attestation(_Index.of(scenario, plan), student_id, issued)


def _attestation(index: _Index, student_id: str, issued: dt.date) -> AttestationContext:
    scenario = index.scenario
    periods = sorted(
        (p for p in index.plan.periods if p.student_id == student_id),
        key=lambda p: (p.start, p.end),
    )
    total = sum(p.units for p in periods) / 5
    school = _school(scenario.school)
    return AttestationContext(
        school=school,
        student=_student(index, student_id),
        periods=tuple(_attestation_period(index, p) for p in periods),
        total_weeks=total,
        total_weeks_text=french_weeks(total),
        total_days=sum(p.days_in_company for p in periods),
        activities=_activity_types(index, periods),
        signature=SignatureData(place=school.town, date=issued),
    )


def _attestation_period(index: _Index, period: Period) -> AttestationPeriod:
    return AttestationPeriod(
        id=period.period_id,
        kind=period.kind.value,
        kind_label=wording.KIND_LABELS[period.kind],
        start=period.start,
        end=period.end,
        weeks=period.weeks,
        weeks_text=french_weeks(period.weeks),
        days_in_company=period.days_in_company,
        host=_host(index.hosts.get(period.host_id or "")),
    )


def _activity_types(index: _Index, periods: Sequence[Period]) -> tuple[str, ...]:
    """R13 "types d'activités réalisées": by kind of period (in kind order),
    then one line per mission window the student worked in."""
    kinds = {p.kind for p in periods}
    found = [
        line
        for kind in PeriodKind
        if kind in kinds
        for line in wording.ATTESTATION_ACTIVITIES[kind]
    ]
    for period in periods:
        if period.kind is PeriodKind.MISSIONS:
            days = index.dates.get(period.period_id, ())
            found += [w.label for w in _mission_windows(index.scenario, period, days)]
    return tuple(dict.fromkeys(found))


# --------------------------------------------------------------------------
# Template variables
# --------------------------------------------------------------------------


def template_variables(context: AnnexContext | AttestationContext) -> dict[str, Any]:
    """The variables of a DOCX template: the context's fields, nested as
    dicts and lists, dates as ``dd/mm/yyyy``, numbers with a decimal comma
    (``16,2``), absent values as empty text (a template never prints
    ``None``). ``docs/documents.md`` lists them."""
    plain = _plain(context)
    assert isinstance(plain, dict)
    return plain


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return french_date(value)
    if isinstance(value, float):
        return french_number(value)
    if isinstance(value, Enum):
        return str(value.value)
    if value is None:
        return ""
    return value
