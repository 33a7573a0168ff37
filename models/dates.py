"""Inclusive date ranges, the unit every scenario uses for blocked dates,
windows, closures and unavailability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, model_validator


class DateRange(BaseModel):
    """An inclusive range of calendar dates with an optional label.

    Parameters
    ----------
    start, end
        First and last date, both included.
    label
        What the range is (shown to teachers), e.g. ``"CCF E4"``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: dt.date
    end: dt.date
    label: str = ""

    @model_validator(mode="after")
    def _start_before_end(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(
                f"la fin ({self.end.isoformat()}) précède le début ({self.start.isoformat()})"
            )
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def dates(self) -> Iterator[dt.date]:
        """Every date of the range, in order."""
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


def school_year_of(day: dt.date) -> str:
    """The French school year of a date (1 September to 31 August), e.g. ``2026-2027``."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{first + 1}"
