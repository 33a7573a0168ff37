"""The calendar grid of a training: one entry per date, first to last.

Built by :func:`planner.calendar.build_calendar`; written as
``calendar.csv`` (``plan-output.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from .dates import DateRange


class DayKind(StrEnum):
    """Kinds of ``calendar.csv``, in their order of precedence."""

    WEEKEND = "weekend"
    PUBLIC_HOLIDAY = "public_holiday"
    BLOCKED = "blocked"
    SCHOOL_HOLIDAY = "school_holiday"
    TEACHING = "teaching"


@dataclass(frozen=True)
class CalendarDay:
    """One date of the training."""

    date: dt.date
    week_start: dt.date
    school_year: str
    kind: DayKind
    school_holidays: bool
    label: str = ""

    @property
    def is_working_day(self) -> bool:
        """Monday to Friday and not a public holiday (rules.md conventions)."""
        return self.kind not in (DayKind.WEEKEND, DayKind.PUBLIC_HOLIDAY)

    @property
    def open_to_internship(self) -> bool:
        """A working day that the progression does not block (R7)."""
        return self.kind in (DayKind.TEACHING, DayKind.SCHOOL_HOLIDAY)


@dataclass(frozen=True)
class Calendar:
    """Every date of the training, with the summer holidays it holds.

    Attributes
    ----------
    days
        One entry per date from the first to the last date of the training.
    summers
        The summer holidays (R9) that overlap the training, whole (they may
        run past its ends).
    source
        Where the school holidays come from, e.g. ``"zone A"``.
    """

    days: tuple[CalendarDay, ...]
    summers: tuple[DateRange, ...] = ()
    source: str = ""
    _index: dict[dt.date, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({day.date: i for i, day in enumerate(self.days)})

    @property
    def first_date(self) -> dt.date:
        return self.days[0].date

    @property
    def last_date(self) -> dt.date:
        return self.days[-1].date

    def __contains__(self, date: object) -> bool:
        return date in self._index

    def day(self, date: dt.date) -> CalendarDay:
        """The entry of ``date`` (KeyError outside the training)."""
        return self.days[self._index[date]]

    @cached_property
    def weeks(self) -> dict[dt.date, tuple[CalendarDay, ...]]:
        """Working days of each week, keyed by the week's Monday, in order.

        A week cut by the first or last date of the training only holds its
        dates inside the training.
        """
        weeks: dict[dt.date, list[CalendarDay]] = {}
        for day in self.days:
            if day.is_working_day:
                weeks.setdefault(day.week_start, []).append(day)
        return {monday: tuple(days) for monday, days in weeks.items()}

    @cached_property
    def working_positions(self) -> dict[dt.date, int]:
        """Each working day's rank among the working days, in date order
        (consecutive working days have consecutive ranks)."""
        working = (day.date for day in self.days if day.is_working_day)
        return {date: rank for rank, date in enumerate(working)}

    def is_whole_week(self, monday: dt.date) -> bool:
        """Whether Monday to Friday of that week all lie inside the training.

        Only such a week can be a full week (rules.md): a week cut by the
        first or last date of the training holds single days only.
        """
        return monday in self and (monday + dt.timedelta(days=4)) in self
