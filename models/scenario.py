"""The scenario: one class, its calendar, its progression, its students
and hosts, the rule profile and the solver settings.

These pydantic models are the file boundary (they validate what a teacher
wrote) and, being frozen, the immutable domain entities the planner reads.
Cross-references (student -> host, mission -> students) are checked once,
in :class:`Scenario`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .dates import DateRange
from .rules import RuleProfile

_FROZEN = ConfigDict(frozen=True, extra="forbid")

Identifier = str


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
    weekdays: tuple[Weekday, ...] = tuple(Weekday)
    max_per_week: int = Field(1, ge=1, le=5)
    students: Literal["all"] | tuple[Identifier, ...] = "all"

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

    blocked: tuple[DateRange, ...] = ()
    preferred: tuple[PreferredWindow, ...] = ()
    missions: tuple[MissionWindow, ...] = ()


class Host(BaseModel):
    """R10: a company that takes interns."""

    model_config = _FROZEN

    id: Identifier
    name: str
    sells_goods_or_services: bool = True
    capacity: int = Field(1, ge=1, le=1000)
    closures: tuple[DateRange, ...] = ()


class Student(BaseModel):
    """A candidate of the class and what the rules say of his route."""

    model_config = _FROZEN

    id: Identifier
    name: str
    route: Route = Route.SCOLAIRE
    status: Route | None = Field(
        None, description="for route 'distance': the status it follows (scolaire, apprenti...)"
    )
    reduced_weeks: int | None = Field(None, description="R2: the reduced duration, in weeks")
    reduction_reason: str | None = None
    exemption_reason: str | None = Field(None, description="R3: unit 6 dispensed (e.g. VAE)")
    repeating: bool = False
    new_internship: bool = Field(
        True, description="repeating students only: does a new internship (§5)"
    )
    full_time_months: int = Field(0, ge=0, le=600, description="perfectionnement (§3.3b)")
    part_time_months: int = Field(0, ge=0, le=600, description="perfectionnement (§3.3b)")
    earliest_start: dt.date | None = None
    unavailable: tuple[DateRange, ...] = ()
    host: Identifier | None = None

    @field_validator("reduction_reason", "exemption_reason", "host", mode="before")
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
        return self

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


class Weights(BaseModel):
    """Weights of the soft goals of the objective (all minimised)."""

    model_config = _FROZEN

    preferred: int = Field(2, ge=0, le=1000, description="per week outside the best window")
    sync: int = Field(30, ge=0, le=10000, description="per teaching week splitting the class")
    fragmentation: int = Field(10, ge=0, le=1000, description="per period of full weeks")
    holiday_days: int = Field(1, ge=0, le=1000, description="per day in company in holidays")
    surplus_days: int = Field(3, ge=0, le=1000, description="per day beyond the requirement")
    single_days: int = Field(1, ge=0, le=1000, description="per day outside full weeks")


class SolverSettings(BaseModel):
    """CP-SAT settings; seed and workers are written in every output."""

    model_config = _FROZEN

    time_limit_s: float = Field(60.0, gt=0, le=3600)
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
    students: tuple[Student, ...]
    hosts: tuple[Host, ...] = ()
    weights: Weights = Weights()
    solver: SolverSettings = SolverSettings()
    locked: tuple[LockedPeriod, ...] = ()

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        faults = [
            *_duplicates("students", [s.id for s in self.students]),
            *_duplicates("hosts", [h.id for h in self.hosts]),
            *_duplicates("progression.missions", [m.id for m in self.progression.missions]),
        ]
        for index, student in enumerate(self.students):
            faults += self._student_faults(f"students[{index}] (id {student.id})", student)
        for index, mission in enumerate(self.progression.missions):
            faults += self._mission_faults(
                f"progression.missions[{index}] (id {mission.id})", mission
            )
        for index, lock in enumerate(self.locked):
            faults += self._lock_faults(f"locked[{index}]", lock)
        if faults:
            raise CrossReferenceError(faults)
        return self

    @property
    def span(self) -> DateRange:
        """The training, first to last date."""
        return DateRange(start=self.training.first_date, end=self.training.last_date)

    def _student_faults(self, where: str, student: Student) -> list[tuple[str, str]]:
        faults = []
        if student.earliest_start is not None and student.earliest_start not in self.span:
            faults.append(
                (
                    f"{where}.earliest_start",
                    f"{student.earliest_start} hors de la formation "
                    f"({self.span.start} – {self.span.end})",
                )
            )
        if student.host is not None and student.host not in {h.id for h in self.hosts}:
            faults.append((f"{where}.host", f"entreprise inconnue '{student.host}' (R10)"))
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

    def _mission_faults(self, where: str, mission: MissionWindow) -> list[tuple[str, str]]:
        faults = []
        if not (self.span.start <= mission.start and mission.end <= self.span.end):
            faults.append((where, "fenêtre de missions hors de la formation (R6)"))
        if mission.students != "all":
            unknown = sorted(set(mission.students) - {s.id for s in self.students})
            if unknown:
                faults.append((f"{where}.students", f"élèves inconnus {', '.join(unknown)} (R6)"))
        return faults

    def _lock_faults(self, where: str, lock: LockedPeriod) -> list[tuple[str, str]]:
        faults = []
        if lock.student not in {s.id for s in self.students}:
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
        return next(h for h in self.hosts if h.id == host_id)


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
