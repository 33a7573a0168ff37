"""The scenario: one class, its calendar, its progression, its students
and hosts, the rule profile and the solver settings.

These pydantic models are the file boundary (they validate what a teacher
wrote) and, being frozen, the immutable domain entities the planner reads.
Cross-references (student -> host, mission -> students) are checked once,
in :class:`Scenario`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .dates import DateRange, school_year_of
from .limits import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_HOSTS,
    MAX_ID_CHARS,
    MAX_LIST_ITEMS,
    MAX_RECORDS,
    MAX_STUDENTS,
    MAX_TEACHERS,
    french_number,
)
from .rules import RuleProfile

_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: The id of a student, host, teacher or mission (named in every message).
Identifier = Annotated[str, StringConstraints(max_length=MAX_ID_CHARS)]


def _at_most(limit: int, what: str) -> BeforeValidator:
    """Refuse a list longer than ``limit`` before its items are validated
    (a monster list is refused at once, with one fault)."""

    def check(value: object) -> object:
        if isinstance(value, list | tuple) and len(value) > limit:
            article = "d'" if what[0] in "aeéiouh" else "de "
            raise ValueError(
                f"trop {article}{what} : {french_number(len(value))} "
                f"({french_number(limit)} au plus)"
            )
        return value

    return BeforeValidator(check)


_RANGES = _at_most(MAX_LIST_ITEMS, "plages de dates")


class Route(StrEnum):
    """Routes of candidates (regulation §3, ``docs/rules.md``)."""

    SCOLAIRE = "scolaire"
    APPRENTI = "apprenti"
    FORMATION_CONTINUE = "formation_continue"
    FORMATION_CONTINUE_CONTRAT = "formation_continue_contrat"
    PERFECTIONNEMENT = "perfectionnement"
    DISTANCE = "distance"
    EXPERIENCE = "experience"


class Weekday(StrEnum):
    MON = "lundi"
    TUE = "mardi"
    WED = "mercredi"
    THU = "jeudi"
    FRI = "vendredi"

    @property
    def number(self) -> int:
        """Python's ``date.weekday()`` number (Monday = 0)."""
        return list(Weekday).index(self)


class Training(BaseModel):
    """The span of the training and where its calendar comes from."""

    model_config = _FROZEN

    first_date: dt.date
    last_date: dt.date
    zone: Literal["A", "B", "C"] | None = "A"
    holiday_calendar: str | None = Field(
        None, description="CSV of school-holiday ranges (start,end,label), replaces the zone"
    )
    public_holidays: Literal["france", "alsace-moselle"] = "france"

    @model_validator(mode="after")
    def _check(self) -> Training:
        first, last = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
        if not (first <= self.first_date and self.last_date <= last):
            raise ValueError(f"la formation doit se dérouler entre {FIRST_YEAR} et {LAST_YEAR}")
        if self.last_date <= self.first_date:
            raise ValueError("last_date doit suivre first_date")
        if (self.last_date - self.first_date).days > 4 * 366:
            raise ValueError("la formation ne peut dépasser 4 ans")
        if self.zone is None and self.holiday_calendar is None:
            raise ValueError("indiquez une zone (A, B, C) ou un holiday_calendar")
        return self


class PreferredWindow(DateRange):
    """R7: a window the progression prefers for internships, with its weight."""

    weight: int = Field(1, ge=1, le=100)


class MissionWindow(BaseModel):
    """R6: a project-management mission window.

    Each concerned student spends ``days`` days in company inside
    ``[start, end]``, on the allowed weekdays, at most ``max_per_week`` a week.
    """

    model_config = _FROZEN

    id: Identifier
    label: str = "Missions de gestion de projet"
    start: dt.date
    end: dt.date
    days: int = Field(ge=1, le=100)
    weekdays: Annotated[tuple[Weekday, ...], _at_most(5, "jours")] = tuple(Weekday)
    max_per_week: int = Field(1, ge=1, le=5)
    students: (
        Literal["all"] | Annotated[tuple[Identifier, ...], _at_most(MAX_STUDENTS, "élèves")]
    ) = "all"

    @model_validator(mode="after")
    def _check(self) -> MissionWindow:
        if self.end < self.start:
            raise ValueError("la fin précède le début")
        if not self.weekdays:
            raise ValueError("au moins un jour de la semaine est requis")
        return self

    @property
    def range(self) -> DateRange:
        return DateRange(start=self.start, end=self.end, label=self.label)

    def concerns(self, student_id: str) -> bool:
        return self.students == "all" or student_id in self.students


class Progression(BaseModel):
    """R7 and R6: what the school's progression blocks, prefers and asks."""

    model_config = _FROZEN

    blocked: Annotated[tuple[DateRange, ...], _RANGES] = ()
    preferred: Annotated[tuple[PreferredWindow, ...], _RANGES] = ()
    missions: Annotated[tuple[MissionWindow, ...], _at_most(MAX_LIST_ITEMS, "missions")] = ()


class Tutor(BaseModel):
    """R11: the host's tutor named in the convention."""

    model_config = _FROZEN

    name: str
    function: str = ""
    email: str = ""


class Host(BaseModel):
    """R10: a company that takes interns (and, R11, what its convention names)."""

    model_config = _FROZEN

    id: Identifier
    name: str
    sells_goods_or_services: bool = Field(
        True, description="R10: main activity is selling goods or services"
    )
    capacity: int = Field(1, ge=1, le=1000)
    closures: Annotated[tuple[DateRange, ...], _RANGES] = ()
    address: str = ""
    postcode: str = ""
    town: str = ""
    sector: str = ""
    tutor: Tutor | None = None

    @field_validator("tutor", mode="before")
    @classmethod
    def _blank_tutor(cls, value: object) -> object:
        if isinstance(value, dict) and not any(str(v or "").strip() for v in value.values()):
            return None
        return value


class Teacher(BaseModel):
    """R12: a teacher of the team who visits interns.

    ``max_visits_per_week`` bounds his visits in any week; he visits only on
    ``visit_days``. ``town`` is where he lives (shown with his visits).
    """

    model_config = _FROZEN

    id: Identifier
    name: str
    subjects: Annotated[tuple[str, ...], _at_most(MAX_LIST_ITEMS, "matières")] = ()
    visit_days: Annotated[tuple[Weekday, ...], _at_most(5, "jours")] = tuple(Weekday)
    max_visits_per_week: int = Field(3, ge=0, le=50)
    town: str = ""
    cohorts: Annotated[tuple[str, ...], _at_most(MAX_LIST_ITEMS, "classes")] = Field(
        (), description="the classes he teaches (may be referent for); empty: every class"
    )

    def teaches(self, cohort: str) -> bool:
        """Whether he may be the referent of a student of that class (R12)."""
        return not self.cohorts or cohort in self.cohorts

    @model_validator(mode="after")
    def _check(self) -> Teacher:
        if not self.visit_days and self.max_visits_per_week > 0:
            raise ValueError("R12 : indiquez au moins un jour de visite (visit_days)")
        return self


class HostChange(BaseModel):
    """From ``start`` on, the student's periods are at ``host`` (None: to find)."""

    model_config = _FROZEN

    start: dt.date
    host: Identifier | None = None


class Student(BaseModel):
    """A candidate of the class and what the rules say of his route."""

    model_config = _FROZEN

    id: Identifier
    name: str
    route: Route = Route.SCOLAIRE
    status: Route | None = Field(
        None, description="for route 'distance': the status it follows (scolaire, apprenti...)"
    )
    reduced_weeks: int | None = Field(
        None, ge=0, le=52, description="R2: the reduced duration, in weeks"
    )
    reduction_reason: str | None = None
    exemption_reason: str | None = Field(None, description="R3: unit 6 dispensed (e.g. VAE)")
    repeating: bool = False
    new_internship: bool = Field(
        True, description="repeating students only: does a new internship (§5)"
    )
    full_time_months: int = Field(0, ge=0, le=600, description="perfectionnement (§3.3b)")
    part_time_months: int = Field(0, ge=0, le=600, description="perfectionnement (§3.3b)")
    earliest_start: dt.date | None = None
    unavailable: Annotated[tuple[DateRange, ...], _RANGES] = ()
    host: Identifier | None = None
    host_changes: Annotated[
        tuple[HostChange, ...], _at_most(MAX_LIST_ITEMS, "changements d'entreprise")
    ] = Field((), description="a different host from a date on (a host per period)")
    referent: Identifier | None = Field(
        None, description="R12: the referent teacher; assigned by the planner when empty"
    )
    cohort: str = Field(
        "", description="the student's class (division): class synchronisation is per cohort"
    )

    @field_validator("reduction_reason", "exemption_reason", "host", "referent", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _check(self) -> Student:
        if self.reduced_weeks is not None and not self.reduction_reason:
            raise ValueError("R2 : une durée réduite exige sa raison (reduction_reason)")
        if self.route is Route.DISTANCE and self.status in (None, Route.DISTANCE):
            raise ValueError(
                "formation à distance : indiquez le statut suivi (status: scolaire, apprenti…)"
            )
        starts = [change.start for change in self.host_changes]
        if starts != sorted(set(starts)):
            raise ValueError("host_changes : dates de changement croissantes et distinctes")
        return self

    def host_on(self, day: dt.date) -> Identifier | None:
        """The host of the student on ``day`` (R10), None while one is to be found."""
        host = self.host
        for change in self.host_changes:
            if change.start > day:
                break
            host = change.host
        return host

    @property
    def hosts(self) -> tuple[Identifier, ...]:
        """Every host the student has over the training, in order, once each."""
        seen = [self.host, *(change.host for change in self.host_changes)]
        return tuple(dict.fromkeys(h for h in seen if h is not None))

    @property
    def effective_route(self) -> Route:
        """The route whose rules apply (§3.4: distance follows the status)."""
        if self.route is Route.DISTANCE and self.status is not None:
            return self.status
        return self.route


class LockedPeriod(BaseModel):
    """A period fixed in advance (a signed convention): every working day of
    ``[start, end]`` is a day in company of ``student``."""

    model_config = _FROZEN

    student: Identifier
    start: dt.date
    end: dt.date
    label: str = "convention signée"

    @model_validator(mode="after")
    def _check(self) -> LockedPeriod:
        if self.end < self.start:
            raise ValueError("la fin précède le début")
        return self

    @property
    def range(self) -> DateRange:
        return DateRange(start=self.start, end=self.end, label=self.label)


class ConventionStatus(StrEnum):
    """R11: where a convention stands."""

    TO_SEND = "a_envoyer"
    SENT = "envoyee"
    SIGNED = "signee"

    @property
    def label(self) -> str:
        return {"a_envoyer": "à envoyer", "envoyee": "envoyée", "signee": "signée"}[self.value]


class ConventionRecord(BaseModel):
    """R11: the team's tracking line of one convention.

    A convention is the one of the period of ``student`` running from
    ``start`` to ``end``; a record whose dates no longer match a period of
    the plan is shown as such (the plan moved after it was sent).
    """

    model_config = _FROZEN

    student: Identifier
    start: dt.date
    end: dt.date
    status: ConventionStatus = ConventionStatus.TO_SEND
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> ConventionRecord:
        if self.end < self.start:
            raise ValueError("la fin précède le début")
        return self


class SchoolInfo(BaseModel):
    """R11/R13: what the conventions and attestations say of the school.

    ``convention_template`` and ``attestation_template`` replace the bundled
    DOCX templates (paths relative to the scenario file).
    """

    model_config = _FROZEN

    name: str = "Lycée"
    address: str = ""
    town: str = ""
    head: str = Field("", description="the head of school who signs")
    weekly_hours: float = Field(
        35, gt=0, le=48, allow_inf_nan=False, description="R11: hours a week in company"
    )
    daily_hours: str = "9 h – 12 h 30 et 13 h 30 – 17 h"
    evaluation: str = (
        "Évaluation conjointe du tuteur et du professeur référent à l'issue de la "
        "période (épreuve E4/E6 du BTS NRC), sur la grille d'évaluation du référentiel."
    )
    convention_template: str | None = None
    attestation_template: str | None = None


class Weights(BaseModel):
    """Weights of the soft goals of the objective (all minimised)."""

    model_config = _FROZEN

    preferred: int = Field(2, ge=0, le=1000, description="per week outside the best window")
    sync: int = Field(30, ge=0, le=10000, description="per teaching week splitting the class")
    fragmentation: int = Field(10, ge=0, le=1000, description="per period of full weeks")
    holiday_days: int = Field(1, ge=0, le=1000, description="per day in company in holidays")
    surplus_days: int = Field(3, ge=0, le=1000, description="per day beyond the requirement")
    single_days: int = Field(1, ge=0, le=1000, description="per day outside full weeks")
    visit_peak: int = Field(
        10, ge=0, le=1000, description="R12 visits: per visit in the busiest teacher-week"
    )
    visit_balance: int = Field(
        5, ge=0, le=1000, description="R12 visits: per visit of the busiest teacher"
    )
    visit_trips: int = Field(
        2, ge=0, le=1000, description="R12 visits: per teacher trip (teacher, day, town)"
    )


class SolverSettings(BaseModel):
    """CP-SAT settings; seed and workers are written in every output."""

    model_config = _FROZEN

    time_limit_s: float = Field(60.0, gt=0, le=3600, allow_inf_nan=False)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    workers: int = Field(
        1, ge=1, le=8, description="1 = the max_lp worker alone; up to 8 distinct CP-SAT workers"
    )


class Scenario(BaseModel):
    """A whole planning scenario (see ``docs/scenario-format.md``)."""

    model_config = _FROZEN

    name: str
    description: str = ""
    training: Training
    progression: Progression = Progression()
    rules: RuleProfile = RuleProfile()
    students: Annotated[tuple[Student, ...], _at_most(MAX_STUDENTS, "élèves")]
    hosts: Annotated[tuple[Host, ...], _at_most(MAX_HOSTS, "entreprises")] = ()
    teachers: Annotated[tuple[Teacher, ...], _at_most(MAX_TEACHERS, "enseignants")] = ()
    school: SchoolInfo = SchoolInfo()
    conventions: Annotated[tuple[ConventionRecord, ...], _at_most(MAX_RECORDS, "conventions")] = ()
    weights: Weights = Weights()
    solver: SolverSettings = SolverSettings()
    locked: Annotated[
        tuple[LockedPeriod, ...], _at_most(MAX_RECORDS, "périodes verrouillées")
    ] = ()

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        faults = [
            *_duplicates("students", [s.id for s in self.students]),
            *_duplicates("hosts", [h.id for h in self.hosts]),
            *_duplicates("teachers", [t.id for t in self.teachers]),
            *_duplicates("progression.missions", [m.id for m in self.progression.missions]),
        ]
        faults += self._progression_faults()
        # The ids, once (a class of 5,000 with 20,000 records stays fast).
        ids = _Ids(
            students={s.id for s in self.students},
            hosts={h.id for h in self.hosts},
            teachers={t.id for t in self.teachers},
        )
        for index, student in enumerate(self.students):
            faults += self._student_faults(f"students[{index}] (id {student.id})", student, ids)
        for index, mission in enumerate(self.progression.missions):
            faults += self._mission_faults(
                f"progression.missions[{index}] (id {mission.id})", mission, ids
            )
        for index, lock in enumerate(self.locked):
            faults += self._lock_faults(f"locked[{index}]", lock, ids)
        for index, record in enumerate(self.conventions):
            if record.student not in ids.students:
                faults.append(
                    (f"conventions[{index}].student", f"élève inconnu '{record.student}' (R11)")
                )
        if faults:
            raise CrossReferenceError(faults)
        return self

    @property
    def span(self) -> DateRange:
        """The training, first to last date."""
        return DateRange(start=self.training.first_date, end=self.training.last_date)

    @property
    def school_years(self) -> DateRange:
        """The school years of the training: 1 September of the first to
        31 August of the last (R7 ranges stay inside them)."""
        first = int(school_year_of(self.training.first_date)[:4])
        last = int(school_year_of(self.training.last_date)[:4]) + 1
        return DateRange(start=dt.date(first, 9, 1), end=dt.date(last, 8, 31))

    def _progression_faults(self) -> list[tuple[str, str]]:
        """R7: blocked dates and preferred windows lie in the school years of
        the training (a date typed in the wrong year is not silently ignored)."""
        years = self.school_years
        faults = []
        for field, ranges in (
            ("progression.blocked", self.progression.blocked),
            ("progression.preferred", self.progression.preferred),
        ):
            for index, item in enumerate(ranges):
                if not (years.start <= item.start and item.end <= years.end):
                    faults.append(
                        (
                            f"{field}[{index}]",
                            f"{item.start} – {item.end} hors des années scolaires de la "
                            f"formation ({years.start} – {years.end}) (R7)",
                        )
                    )
        return faults

    def _student_faults(self, where: str, student: Student, ids: _Ids) -> list[tuple[str, str]]:
        faults = []
        if student.earliest_start is not None and student.earliest_start not in self.span:
            faults.append(
                (
                    f"{where}.earliest_start",
                    f"{student.earliest_start} hors de la formation "
                    f"({self.span.start} – {self.span.end})",
                )
            )
        hosts = ids.hosts
        if student.host is not None and student.host not in hosts:
            faults.append((f"{where}.host", f"entreprise inconnue '{student.host}' (R10)"))
        for index, change in enumerate(student.host_changes):
            if change.host is not None and change.host not in hosts:
                faults.append(
                    (
                        f"{where}.host_changes[{index}].host",
                        f"entreprise inconnue '{change.host}' (R10)",
                    )
                )
        if student.referent is not None and student.referent not in ids.teachers:
            faults.append((f"{where}.referent", f"enseignant inconnu '{student.referent}' (R12)"))
        low, high = self.rules.min_reduced_weeks, self.rules.required_weeks
        if student.reduced_weeks is not None and not low <= student.reduced_weeks <= high:
            faults.append(
                (
                    f"{where}.reduced_weeks",
                    f"{student.reduced_weeks} semaines, hors de [{low}, {high}] : une durée "
                    f"réduite ne peut être inférieure à {low} semaines (R2)",
                )
            )
        return faults

    def _mission_faults(
        self, where: str, mission: MissionWindow, ids: _Ids
    ) -> list[tuple[str, str]]:
        faults = []
        if not (self.span.start <= mission.start and mission.end <= self.span.end):
            faults.append((where, "fenêtre de missions hors de la formation (R6)"))
        if mission.students != "all":
            unknown = sorted(set(mission.students) - ids.students)
            if unknown:
                faults.append((f"{where}.students", f"élèves inconnus {', '.join(unknown)} (R6)"))
        return faults

    def _lock_faults(self, where: str, lock: LockedPeriod, ids: _Ids) -> list[tuple[str, str]]:
        faults = []
        if lock.student not in ids.students:
            faults.append((f"{where}.student", f"élève inconnu '{lock.student}'"))
        if not (self.span.start <= lock.start and lock.end <= self.span.end):
            faults.append(
                (
                    where,
                    f"période verrouillée {lock.start} – {lock.end} hors de la formation "
                    f"({self.span.start} – {self.span.end})",
                )
            )
        return faults

    def locks_of(self, student_id: str) -> tuple[LockedPeriod, ...]:
        """The locked periods of one student (signed conventions)."""
        return tuple(lock for lock in self.locked if lock.student == student_id)

    def host(self, host_id: str | None) -> Host | None:
        """The host of that id, or None for a student without host yet."""
        if host_id is None:
            return None
        hosts: dict[str, Host] = self._index("hosts")
        return hosts[host_id]

    def teacher(self, teacher_id: str) -> Teacher:
        """The teacher of that id."""
        teachers: dict[str, Teacher] = self._index("teachers")
        return teachers[teacher_id]

    def student(self, student_id: str) -> Student | None:
        """The student of that id, None when the scenario has none."""
        students: dict[str, Student] = self._index("students")
        return students.get(student_id)

    def host_of(self, student: Student, day: dt.date) -> Host | None:
        """R10: the host a student is at on ``day`` (None: to be found)."""
        return self.host(student.host_on(day))

    def _index(self, field: str) -> dict[str, Any]:
        # Looked up for every day of every student: a dict by id, built once
        # per tuple (model_copy(update=...) copies the cache with a new tuple).
        items = getattr(self, field)
        key = f"_{field}_index"
        cached: tuple[object, dict[str, Any]] | None = self.__dict__.get(key)
        if cached is None or cached[0] is not items:
            cached = (items, {item.id: item for item in items})
            object.__setattr__(self, key, cached)  # frozen model: a private cache
        return cached[1]


@dataclass(frozen=True)
class _Ids:
    """The ids of a scenario's students, hosts and teachers (cross-references)."""

    students: set[str]
    hosts: set[str]
    teachers: set[str]


class CrossReferenceError(ValueError):
    """Cross-reference faults of a scenario, each with its field path."""

    def __init__(self, faults: list[tuple[str, str]]):
        self.faults = tuple(faults)
        super().__init__("; ".join(f"{field} : {message}" for field, message in faults))


def _duplicates(field: str, ids: list[str]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    faults = []
    for index, identifier in enumerate(ids):
        if identifier in seen:
            faults.append((f"{field}[{index}].id", f"identifiant en double '{identifier}'"))
        seen.add(identifier)
    return faults
