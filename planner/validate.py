"""The independent validator: every hard rule recomputed from the days alone.

It reads the scenario, the calendar and the days of a plan, never the
solver's model: it imports neither :mod:`planner.formulation` nor OR-Tools,
so that a bug in the formulation cannot hide itself. Every message is in
French and starts with the rule id of ``rules.md``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models import (
    RULE_TITLES,
    Calendar,
    DayKind,
    MissionWindow,
    PlacedDay,
    Plan,
    Requirement,
    Scenario,
    Student,
    monday_of,
    requirement_of,
)

from .counting import (
    Tally,
    full_week_dates,
    mission_days,
    mission_windows_of,
    on_mission_weekday,
    tally,
)
from .validate_visits import visit_faults

#: Dates shown in a message before it says "…".
_SHOWN_DATES = 4


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    student_id
        The student concerned, None for a class-wide fault (an unknown
        student, a host over capacity).
    rule
        Rule id of ``rules.md`` (``"R1"`` … ``"R10"``).
    message
        French, for a teacher, starting with the rule id.
    amount
        By how much the rule is broken (missing weeks, excess days…).
    """

    student_id: str | None
    rule: str
    message: str
    amount: float


@dataclass(frozen=True)
class StudentCheck:
    """The figures of one student and the rules he breaks (``students.csv``)."""

    student_id: str
    required_weeks: int
    placed_weeks: float
    longest_block_weeks: int
    holiday_days: int
    summer_rest_days: int | None
    exempt_reason: str | None
    ok: bool
    violations: tuple[Violation, ...]


@dataclass(frozen=True)
class Verdict:
    """The validator's verdict on a whole plan."""

    students: tuple[StudentCheck, ...]
    violations: tuple[Violation, ...]
    visits_checked: bool = False

    @property
    def rules_text(self) -> str:
        """The rules this verdict covers, in French (``R1 à R10 et R12``)."""
        return "R1 à R10 et R12" if self.visits_checked else "R1 à R10"

    @property
    def ok(self) -> bool:
        """True when no hard rule is broken."""
        return not self.violations

    @property
    def hard_violations(self) -> int:
        """Number of hard-rule violations (0 for any plan written)."""
        return len(self.violations)

    def by_rule(self) -> dict[str, tuple[Violation, ...]]:
        """Violations grouped by rule id, in rule order (R1, R2, … R10)."""
        groups: dict[str, list[Violation]] = defaultdict(list)
        for violation in self.violations:
            groups[violation.rule].append(violation)
        return {rule: tuple(groups[rule]) for rule in sorted(groups, key=_rule_key)}


def _rule_key(rule: str) -> tuple[int, str]:
    digits = rule.removeprefix("R")
    return (int(digits), rule) if digits.isdigit() else (10_000, rule)


def validate_plan(scenario: Scenario, calendar: Calendar, plan: Plan) -> Verdict:
    """Check every hard rule (R1-R10, and R12 when the scenario has teachers) of a plan.

    Parameters
    ----------
    scenario
        The scenario the plan claims to solve.
    calendar
        Its calendar (:func:`planner.calendar.build_calendar`).
    plan
        The days in company; its periods are not trusted and not read.

    Returns
    -------
    Verdict
        One :class:`StudentCheck` per student of the scenario, in order,
        and every violation, students' ones first.
    """
    days_by_student: dict[str, list[PlacedDay]] = defaultdict(list)
    for day in plan.days:
        days_by_student[day.student_id].append(day)
    visits: dict[str | None, list[Violation]] = defaultdict(list)
    for student_id, message, amount in visit_faults(scenario, calendar, plan):
        visits[student_id].append(Violation(student_id, "R12", f"R12 : {message}", amount))
    checks = tuple(
        _check_student(
            scenario,
            calendar,
            student,
            days_by_student.get(student.id, []),
            visits.get(student.id, []),
        )
        for student in scenario.students
    )
    class_wide = [
        *_unknown_students(scenario, days_by_student),
        *_capacity(scenario, plan.days),
        *visits.get(None, []),
    ]
    violations = tuple(v for check in checks for v in check.violations) + tuple(class_wide)
    return Verdict(students=checks, violations=violations, visits_checked=bool(scenario.teachers))


def _check_student(
    scenario: Scenario,
    calendar: Calendar,
    student: Student,
    days: Sequence[PlacedDay],
    visit_violations: Sequence[Violation],
) -> StudentCheck:
    requirement = requirement_of(student, scenario.rules)
    dates = [d.date for d in days]
    counted = tally(calendar, dates)
    found = _student_violations(scenario, calendar, student, requirement, days, counted)
    found.extend(visit_violations)
    return StudentCheck(
        student_id=student.id,
        required_weeks=requirement.required_weeks,
        placed_weeks=counted.weeks,
        longest_block_weeks=counted.longest_run_weeks,
        holiday_days=counted.holiday_days,
        summer_rest_days=counted.min_summer_rest,
        exempt_reason=requirement.exempt_reason,
        ok=not found,
        violations=tuple(found),
    )


def _student_violations(
    scenario: Scenario,
    calendar: Calendar,
    student: Student,
    requirement: Requirement,
    days: Sequence[PlacedDay],
    counted: Tally,
) -> list[Violation]:
    dates = sorted({d.date for d in days})
    in_weeks = full_week_dates(calendar, counted.full_weeks)
    single = [d for d in dates if d not in in_weeks]
    windows = mission_windows_of(scenario, student.id)
    return [
        *_day_sanity(calendar, student, days),
        *_duration(student, requirement, counted),
        *_exempt(student, requirement, single, dates, windows),
        *_block(scenario, student, requirement, counted),
        *_split(scenario, student, requirement, single, windows),
        *(v for w in windows for v in _missions(student, w, single)),
        *_holidays(scenario, student, counted),
        *_summer_rest(scenario, calendar, student, counted),
        *_hosts(scenario, student, days),
    ]


# --- R7: every day is a working day the progression and the student allow ---


def _day_sanity(
    calendar: Calendar, student: Student, days: Sequence[PlacedDay]
) -> list[Violation]:
    reasons: dict[str, list[dt.date]] = defaultdict(list)
    for date, count in sorted(Counter(d.date for d in days).items()):
        if count > 1:
            reasons["en double dans le plan"].append(date)
        for reason in _day_faults(calendar, student, date):
            reasons[reason].append(date)
    return [
        Violation(
            student.id,
            "R7",
            f"R7 : {student.name} : {len(found)} jour(s) en entreprise {reason} : "
            f"{_dates_text(found)}",
            len(found),
        )
        for reason, found in reasons.items()
    ]


def _day_faults(calendar: Calendar, student: Student, date: dt.date) -> list[str]:
    if date not in calendar:
        return [
            f"hors de la formation ({calendar.first_date.isoformat()} – "
            f"{calendar.last_date.isoformat()})"
        ]
    faults = []
    kind = calendar.day(date).kind
    if kind is DayKind.WEEKEND:
        faults.append("sur un week-end")
    elif kind is DayKind.PUBLIC_HOLIDAY:
        faults.append("sur un jour férié")
    elif kind is DayKind.BLOCKED:
        faults.append(f"sur une date bloquée par la progression ({calendar.day(date).label})")
    if student.earliest_start is not None and date < student.earliest_start:
        faults.append(f"avant sa date de début possible ({student.earliest_start.isoformat()})")
    faults.extend(
        f"pendant une indisponibilité ({r.label or 'sans motif'})"
        for r in student.unavailable
        if date in r
    )
    return faults


def _unknown_students(
    scenario: Scenario, days_by_student: dict[str, list[PlacedDay]]
) -> list[Violation]:
    known = {s.id for s in scenario.students}
    return [
        Violation(
            None,
            "R7",
            f"R7 : élève inconnu du scénario « {student_id} » : {len(days)} jour(s) placé(s)",
            len(days),
        )
        for student_id, days in sorted(days_by_student.items())
        if student_id not in known
    ]


# --- R1, R2, R3, R4, R5: duration and shape ---


def _duration(student: Student, requirement: Requirement, counted: Tally) -> list[Violation]:
    if requirement.exempt or counted.units >= requirement.required_units:
        return []
    rule = "R2" if student.reduced_weeks is not None else "R1"
    missing = (requirement.required_units - counted.units) / 5
    reduced = f" (durée réduite : {student.reduction_reason})" if rule == "R2" else ""
    return [
        Violation(
            student.id,
            rule,
            f"{rule} : {student.name} : {_num(counted.weeks)} semaines placées < "
            f"{requirement.required_weeks} requises{reduced} ; il manque "
            f"{_num(missing)} semaine(s)",
            missing,
        )
    ]


def _exempt(
    student: Student,
    requirement: Requirement,
    single: Sequence[dt.date],
    dates: Sequence[dt.date],
    windows: Sequence[MissionWindow],
) -> list[Violation]:
    if not requirement.exempt:
        return []
    missions = {d for d in single if any(on_mission_weekday(w, d) for w in windows)}
    extra = [d for d in dates if d not in missions]
    if not extra:
        return []
    return [
        Violation(
            student.id,
            "R3",
            f"R3 : {student.name} est dispensé ({requirement.exempt_reason}) mais "
            f"{len(extra)} jour(s) hors missions sont placés : {_dates_text(extra)}",
            len(extra),
        )
    ]


def _block(
    scenario: Scenario, student: Student, requirement: Requirement, counted: Tally
) -> list[Violation]:
    needed = scenario.rules.block_min_weeks
    if not requirement.needs_block or counted.longest_run_weeks >= needed:
        return []
    return [
        Violation(
            student.id,
            "R4",
            f"R4 : {student.name} : bloc le plus long {counted.longest_run_weeks} semaine(s) "
            f"< {needed}",
            needed - counted.longest_run_weeks,
        )
    ]


def _split(
    scenario: Scenario,
    student: Student,
    requirement: Requirement,
    single: Sequence[dt.date],
    windows: Sequence[MissionWindow],
) -> list[Violation]:
    if scenario.rules.allow_single_days or requirement.exempt:
        return []
    loose = [d for d in single if not any(on_mission_weekday(w, d) for w in windows)]
    if not loose:
        return []
    return [
        Violation(
            student.id,
            "R5",
            f"R5 : {student.name} : {len(loose)} jour(s) isolé(s) hors semaines complètes et "
            f"hors missions, alors que le profil n'autorise que des semaines : "
            f"{_dates_text(loose)}",
            len(loose),
        )
    ]


# --- R6: project-management missions ---


def _missions(
    student: Student, window: MissionWindow, single: Sequence[dt.date]
) -> list[Violation]:
    chosen = mission_days(window, single, excluded=())
    found = []
    if len(chosen) < window.days:
        found.append(
            Violation(
                student.id,
                "R6",
                f"R6 : {student.name} : {len(chosen)} jour(s) de mission dans « {window.label} » "
                f"({window.start.isoformat()} – {window.end.isoformat()}) < {window.days} "
                f"requis",
                window.days - len(chosen),
            )
        )
    per_week = Counter(monday_of(d) for d in chosen)
    found.extend(
        Violation(
            student.id,
            "R6",
            f"R6 : {student.name} : {count} jours de mission la semaine du "
            f"{monday.isoformat()} dans « {window.label} » > {window.max_per_week} par semaine",
            count - window.max_per_week,
        )
        for monday, count in sorted(per_week.items())
        if count > window.max_per_week
    )
    return found


# --- R8, R9: school holidays and summer rest ---


def _holidays(scenario: Scenario, student: Student, counted: Tally) -> list[Violation]:
    limit = scenario.rules.max_holiday_days
    if counted.holiday_days <= limit:
        return []
    return [
        Violation(
            student.id,
            "R8",
            f"R8 : {student.name} : {counted.holiday_days} jours en entreprise pendant les "
            f"vacances scolaires > {limit}",
            counted.holiday_days - limit,
        )
    ]


def _summer_rest(
    scenario: Scenario, calendar: Calendar, student: Student, counted: Tally
) -> list[Violation]:
    needed = scenario.rules.summer_rest_days
    return [
        Violation(
            student.id,
            "R9",
            f"R9 : {student.name} : été {summer.start.isoformat()} – {summer.end.isoformat()} : "
            f"repos le plus long {rest} jours < {needed}",
            needed - rest,
        )
        for summer, rest in zip(calendar.summers, counted.summer_rest_days, strict=True)
        if rest < needed
    ]


# --- R10: hosts ---


def _hosts(scenario: Scenario, student: Student, days: Sequence[PlacedDay]) -> list[Violation]:
    found = _wrong_hosts(scenario, student, days)
    by_host: dict[str, list[dt.date]] = defaultdict(list)
    for day in days:
        if day.host_id is not None:
            by_host[day.host_id].append(day.date)
    for host_id, dates in sorted(by_host.items()):
        dates.sort()
        found.extend(_host_faults(scenario, student, host_id, dates))
    return found


def _wrong_hosts(
    scenario: Scenario, student: Student, days: Sequence[PlacedDay]
) -> list[Violation]:
    """Days at another host than the scenario's for that date (R10)."""
    wrong = [d.date for d in days if d.host_id != student.host_on(d.date)]
    if not wrong:
        return []
    day = next(d for d in days if d.date == wrong[0])
    expected = student.host_on(day.date) or "aucune (à trouver)"
    reason = (
        f"entreprise « {day.host_id or 'aucune'} » au lieu de « {expected} » "
        "prévue par le scénario pour cette date"
    )
    return [_host_violation(student, wrong, reason)]


def _host_faults(
    scenario: Scenario, student: Student, host_id: str, dates: list[dt.date]
) -> list[Violation]:
    host = next((h for h in scenario.hosts if h.id == host_id), None)
    if host is None:
        return [_host_violation(student, dates, f"entreprise inconnue du scénario « {host_id} »")]
    found = []
    if not host.sells_goods_or_services:
        found.append(
            _host_violation(
                student,
                dates,
                f"{host.name} n'a pas pour activité principale la commercialisation "
                "de biens et de services",
            )
        )
    closed = [d for d in dates if any(d in c for c in host.closures)]
    if closed:
        found.append(_host_violation(student, closed, f"{host.name} est fermée"))
    return found


def _host_violation(student: Student, dates: Sequence[dt.date], reason: str) -> Violation:
    return Violation(
        student.id,
        "R10",
        f"R10 : {student.name} : {reason} ; {len(dates)} jour(s) concerné(s) : "
        f"{_dates_text(dates)}",
        len(dates),
    )


def _capacity(scenario: Scenario, days: Iterable[PlacedDay]) -> list[Violation]:
    interns: dict[str, dict[dt.date, set[str]]] = defaultdict(lambda: defaultdict(set))
    for day in days:
        if day.host_id is not None:
            interns[day.host_id][day.date].add(day.student_id)
    found = []
    for host in scenario.hosts:
        at_host = interns.get(host.id, {})
        over = {date: ids for date, ids in at_host.items() if len(ids) > host.capacity}
        if over:
            found.append(_capacity_violation(scenario, host.name, host.capacity, over))
    return found


def _capacity_violation(
    scenario: Scenario, host_name: str, capacity: int, over: dict[dt.date, set[str]]
) -> Violation:
    names = {s.id: s.name for s in scenario.students}
    students = sorted({s for ids in over.values() for s in ids})
    excess = max(len(ids) for ids in over.values()) - capacity
    most = capacity + excess
    return Violation(
        None,
        "R10",
        f"R10 : {host_name} accueille jusqu'à {most} stagiaires pour une capacité de "
        f"{capacity}, {len(over)} jour(s) : {_dates_text(sorted(over))} "
        f"({', '.join(names.get(s, s) for s in students)})",
        excess,
    )


# --- French text ---


def _num(value: float) -> str:
    """A figure in French: ``15,4``, ``16``."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _dates_text(dates: Sequence[dt.date]) -> str:
    shown = ", ".join(d.isoformat() for d in dates[:_SHOWN_DATES])
    more = len(dates) - _SHOWN_DATES
    return f"{shown}… (+{more})" if more > 0 else shown


def format_verdict(verdict: Verdict, scenario: Scenario) -> str:
    """The verdict as a French report for the terminal.

    One line per student (weeks placed / required, longest block, holiday
    days, summer rest, ✓/✗ or the exemption), then the violations by rule.
    """
    names = {s.id: s.name for s in scenario.students}
    width = max((len(n) for n in names.values()), default=5)
    lines = [
        f"{'Élève':<{width}}  {'Semaines':>11}  {'Bloc':>4}  {'Vacances':>8}  "
        f"{'Repos été':>9}  Verdict"
    ]
    lines.extend(
        _student_line(check, names.get(check.student_id, check.student_id), width)
        for check in verdict.students
    )
    lines.append("")
    lines.extend(_violation_lines(verdict))
    return "\n".join(lines)


def _student_line(check: StudentCheck, name: str, width: int) -> str:
    weeks = f"{_num(check.placed_weeks)} / {check.required_weeks}"
    rest = "—" if check.summer_rest_days is None else f"{check.summer_rest_days} j"
    mark = "✓" if check.ok else "✗"
    if check.exempt_reason is not None:
        mark = f"{mark} dispensé : {check.exempt_reason}"
    return (
        f"{name:<{width}}  {weeks:>11}  {check.longest_block_weeks:>4}  "
        f"{check.holiday_days:>6} j  {rest:>9}  {mark}"
    )


def _violation_lines(verdict: Verdict) -> list[str]:
    if verdict.ok:
        return [f"Aucune violation : toutes les règles {verdict.rules_text} sont respectées."]
    lines = [f"{verdict.hard_violations} violation(s) :"]
    for rule, violations in verdict.by_rule().items():
        lines.append(f"{rule} {RULE_TITLES.get(rule, '')} ({len(violations)})")
        lines.extend(f"  - {v.message}" for v in violations)
    return lines
