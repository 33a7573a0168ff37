"""The counting conventions of ``rules.md``, as pure functions.

One *unit* is one fifth of a week: a full week counts 5 units whatever
public holidays it holds, any other day in company counts 1 unit. The
validator (:mod:`planner.validate`) and the plan writer both count with
these functions, so a figure means the same everywhere. No solver here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from models import (
    Calendar,
    MissionWindow,
    Period,
    PeriodKind,
    PlacedDay,
    Plan,
    RuleProfile,
    Scenario,
    Student,
    requirement_of,
)

#: Units (single days) in one week of internship.
UNITS_PER_WEEK: Final = 5

_WEEK: Final = dt.timedelta(days=7)
_DAY: Final = dt.timedelta(days=1)


def units_to_weeks(units: int) -> float:
    """Weeks of internship of ``units`` fifths of a week."""
    return units / UNITS_PER_WEEK


def full_weeks(calendar: Calendar, dates: Collection[dt.date]) -> tuple[dt.date, ...]:
    """Mondays of the full weeks of a student, in order.

    A full week lies wholly inside the training and the student is in
    company on every working day of it (at least one).
    """
    return tuple(
        monday
        for monday, days in calendar.weeks.items()
        if days and calendar.is_whole_week(monday) and all(d.date in dates for d in days)
    )


def full_week_dates(calendar: Calendar, mondays: Iterable[dt.date]) -> frozenset[dt.date]:
    """Every working day of the given weeks."""
    return frozenset(day.date for monday in mondays for day in calendar.weeks[monday])


def count_units(calendar: Calendar, dates: Collection[dt.date]) -> int:
    """Units of internship: 5 per full week, 1 per other day in company."""
    mondays = full_weeks(calendar, dates)
    in_weeks = full_week_dates(calendar, mondays)
    return UNITS_PER_WEEK * len(mondays) + sum(1 for d in set(dates) if d not in in_weeks)


def week_runs(mondays: Iterable[dt.date]) -> tuple[tuple[dt.date, ...], ...]:
    """Maximal runs of consecutive weeks (Mondays 7 days apart), in order."""
    runs: list[list[dt.date]] = []
    for monday in sorted(set(mondays)):
        if runs and monday - runs[-1][-1] == _WEEK:
            runs[-1].append(monday)
        else:
            runs.append([monday])
    return tuple(tuple(run) for run in runs)


def longest_run_weeks(mondays: Iterable[dt.date]) -> int:
    """Length in weeks of the longest run of consecutive full weeks (0 if none)."""
    return max((len(run) for run in week_runs(mondays)), default=0)


def holiday_days(calendar: Calendar, dates: Iterable[dt.date]) -> int:
    """Days in company on a school-holiday date (R8)."""
    return sum(1 for d in set(dates) if d in calendar and calendar.day(d).school_holidays)


def summer_rest(calendar: Calendar, dates: Collection[dt.date]) -> tuple[int, ...]:
    """Per summer of the calendar, the longest run of days without company (R9).

    Every calendar date of the summer counts, including those past the ends
    of the training (the student is not in company there).
    """
    return tuple(_longest_gap(summer.dates(), dates) for summer in calendar.summers)


def _longest_gap(span: Iterable[dt.date], dates: Collection[dt.date]) -> int:
    best = current = 0
    for date in span:
        current = 0 if date in dates else current + 1
        best = max(best, current)
    return best


def working_day_runs(
    calendar: Calendar, dates: Iterable[dt.date]
) -> tuple[tuple[dt.date, ...], ...]:
    """Maximal runs of dates that follow each other among working days.

    A Friday and the next Monday are consecutive; so are the days around a
    public holiday. A date that is not a working day of the calendar forms
    a run of its own.
    """
    index = calendar.working_positions
    runs: list[list[dt.date]] = []
    previous: int | None = None
    for date in sorted(set(dates)):
        position = index.get(date)
        if runs and position is not None and previous is not None and position == previous + 1:
            runs[-1].append(date)
        else:
            runs.append([date])
        previous = position
    return tuple(tuple(run) for run in runs)


def mission_windows_of(scenario: Scenario, student_id: str) -> tuple[MissionWindow, ...]:
    """The mission windows (R6) that concern a student taking part in missions."""
    student = scenario.student(student_id)
    if student is None or not requirement_of(student, scenario.rules).missions:
        return ()
    return tuple(m for m in scenario.progression.missions if m.concerns(student_id))


def on_mission_weekday(window: MissionWindow, date: dt.date) -> bool:
    """Whether ``date`` lies in the window, on one of its allowed weekdays."""
    return date in window.range and date.weekday() in {w.number for w in window.weekdays}


def mission_days(
    window: MissionWindow, dates: Iterable[dt.date], excluded: Collection[dt.date]
) -> tuple[dt.date, ...]:
    """Days in company that count for the window (R6), in order.

    ``excluded`` holds the days of the student's full weeks: a mission day
    is a single day, never part of a full week.
    """
    return tuple(
        sorted(d for d in set(dates) if d not in excluded and on_mission_weekday(window, d))
    )


@dataclass(frozen=True)
class Tally:
    """What the counting conventions say of one student's days.

    Attributes
    ----------
    units
        Weeks of internship in fifths of a week.
    full_weeks
        Mondays of the full weeks, in order.
    longest_run_weeks
        Longest run of consecutive full weeks.
    holiday_days
        Days in company on school-holiday dates.
    summer_rest_days
        Per summer of the calendar, the longest rest in calendar days.
    """

    units: int
    full_weeks: tuple[dt.date, ...]
    longest_run_weeks: int
    holiday_days: int
    summer_rest_days: tuple[int, ...]

    @property
    def weeks(self) -> float:
        """Weeks of internship (units / 5)."""
        return units_to_weeks(self.units)

    @property
    def min_summer_rest(self) -> int | None:
        """The shortest summer rest, None when the training has no summer."""
        return min(self.summer_rest_days, default=None)


def tally(calendar: Calendar, dates: Iterable[dt.date]) -> Tally:
    """Count one student's days in company.

    Parameters
    ----------
    calendar
        The training's calendar.
    dates
        The student's days in company (duplicates are ignored).

    Returns
    -------
    Tally
        Units, full weeks, longest run, holiday days and summer rests.
    """
    days = frozenset(dates)
    mondays = full_weeks(calendar, days)
    return Tally(
        units=count_units(calendar, days),
        full_weeks=mondays,
        longest_run_weeks=longest_run_weeks(mondays),
        holiday_days=holiday_days(calendar, days),
        summer_rest_days=summer_rest(calendar, days),
    )


@dataclass(frozen=True)
class _PeriodDraft:
    kind: PeriodKind
    dates: tuple[dt.date, ...]
    units: int


def build_plan(
    scenario: Scenario, calendar: Calendar, dates_by_student: Mapping[str, Iterable[dt.date]]
) -> Plan:
    """Build a :class:`~models.Plan` with its periods from days in company.

    Each maximal run of consecutive full weeks is a period (``block`` from
    ``rules.block_min_weeks`` weeks on, else ``period``). The other days
    form one ``missions`` period per mission window (days of a window that
    concerns the student, on its allowed weekdays; a day in two windows goes
    to the first one of the scenario) and ``days`` periods, one per run of
    consecutive working days. Period ids are ``{student_id}-P{n}``, numbered
    by start date. Every day gets the student's host of that date (R10); a
    period that runs over a change of host is cut in two there.

    Parameters
    ----------
    scenario, calendar
        The scenario and its calendar.
    dates_by_student
        Days in company per student id; ids unknown to the scenario are kept
        (with no host and no missions) so that the validator can flag them.

    Returns
    -------
    Plan
        Days of students in scenario order (unknown ids last), by date, and
        their periods in the same order.
    """
    known = [s.id for s in scenario.students]
    unknown = sorted(set(dates_by_student) - set(known))
    days: list[PlacedDay] = []
    periods: list[Period] = []
    for student_id in [*known, *unknown]:
        dates = frozenset(dates_by_student.get(student_id, ()))
        student_days, student_periods = _student_plan(scenario, calendar, student_id, dates)
        days.extend(student_days)
        periods.extend(student_periods)
    return Plan(days=tuple(days), periods=tuple(periods))


def _student_plan(
    scenario: Scenario, calendar: Calendar, student_id: str, dates: frozenset[dt.date]
) -> tuple[list[PlacedDay], list[Period]]:
    student = scenario.student(student_id)
    pieces = [
        piece
        for draft in _drafts(scenario, calendar, student_id, dates)
        for piece in _split_by_host(scenario, calendar, student, draft)
    ]
    pieces.sort(key=lambda p: (p[0].dates[0], p[0].dates[-1]))
    days: list[PlacedDay] = []
    periods: list[Period] = []
    for number, (draft, host_id) in enumerate(pieces, start=1):
        period_id = f"{student_id}-P{number}"
        periods.append(_period(calendar, student_id, period_id, draft, host_id))
        days.extend(PlacedDay(student_id, d, period_id, host_id) for d in draft.dates)
    return sorted(days), periods


def _split_by_host(
    scenario: Scenario, calendar: Calendar, student: Student | None, draft: _PeriodDraft
) -> list[tuple[_PeriodDraft, str | None]]:
    """The draft cut where the student changes host, each piece with its host."""
    if student is None:
        return [(draft, None)]
    if not student.host_changes:
        return [(draft, student.host)]
    runs: list[tuple[str | None, list[dt.date]]] = []
    for date in draft.dates:
        host = student.host_on(date)
        if runs and runs[-1][0] == host:
            runs[-1][1].append(date)
        else:
            runs.append((host, [date]))
    if len(runs) == 1:
        return [(draft, runs[0][0])]
    return [(_piece(scenario, calendar, draft.kind, dates), host) for host, dates in runs]


def _piece(
    scenario: Scenario, calendar: Calendar, kind: PeriodKind, dates: list[dt.date]
) -> _PeriodDraft:
    """A part of a period cut by a change of host, with its own kind and units."""
    chosen = frozenset(dates)
    if kind in (PeriodKind.BLOCK, PeriodKind.PERIOD):
        weeks = len(full_weeks(calendar, chosen))
        if weeks == 0:
            kind = PeriodKind.DAYS
        else:
            long = weeks >= scenario.rules.block_min_weeks
            kind = PeriodKind.BLOCK if long else PeriodKind.PERIOD
    return _PeriodDraft(kind, tuple(dates), count_units(calendar, chosen))


def _drafts(
    scenario: Scenario, calendar: Calendar, student_id: str, dates: frozenset[dt.date]
) -> list[_PeriodDraft]:
    mondays = full_weeks(calendar, dates)
    drafts = [_week_draft(scenario, calendar, run) for run in week_runs(mondays)]
    rest = set(dates - full_week_dates(calendar, mondays))
    for window in mission_windows_of(scenario, student_id):
        chosen = mission_days(window, rest, excluded=())
        if chosen:
            drafts.append(_PeriodDraft(PeriodKind.MISSIONS, chosen, len(chosen)))
            rest -= set(chosen)
    drafts.extend(
        _PeriodDraft(PeriodKind.DAYS, run, len(run)) for run in working_day_runs(calendar, rest)
    )
    return drafts


def _week_draft(scenario: Scenario, calendar: Calendar, run: Sequence[dt.date]) -> _PeriodDraft:
    kind = PeriodKind.BLOCK if len(run) >= scenario.rules.block_min_weeks else PeriodKind.PERIOD
    dates = tuple(sorted(full_week_dates(calendar, run)))
    return _PeriodDraft(kind, dates, UNITS_PER_WEEK * len(run))


def _period(
    calendar: Calendar, student_id: str, period_id: str, draft: _PeriodDraft, host_id: str | None
) -> Period:
    return Period(
        student_id=student_id,
        period_id=period_id,
        kind=draft.kind,
        start=draft.dates[0],
        end=draft.dates[-1],
        units=draft.units,
        days_in_company=len(draft.dates),
        holiday_days=holiday_days(calendar, draft.dates),
        host_id=host_id,
    )


def visits_required(period: Period, profile: RuleProfile) -> int:
    """R12: visits a period owes under the rule profile.

    A period of full weeks (``block`` or ``period``) of at least
    ``visit_min_weeks`` weeks gets ``visits_per_period`` visits, the main
    block (R4) ``visits_per_block``; single days and mission days get none.
    """
    if period.kind not in (PeriodKind.BLOCK, PeriodKind.PERIOD):
        return 0
    if period.units < UNITS_PER_WEEK * profile.visit_min_weeks:
        return 0
    if period.kind is PeriodKind.BLOCK:
        return profile.visits_per_block
    return profile.visits_per_period
