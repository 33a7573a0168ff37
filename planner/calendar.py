"""Building the calendar grid of a scenario from the official data.

School holidays come from ``vacances-scolaires-france`` (zones A, B, C) or
from the scenario's own CSV; public holidays from ``holidays``. No date is
typed by hand here. Precedence of kinds follows ``plan-output.md``:
weekend, public_holiday, blocked, school_holiday, teaching.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import holidays as public_holidays_lib
from vacances_scolaires_france import SchoolHolidayDates

from models import Calendar, CalendarDay, DateRange, DayKind, Scenario, monday_of, school_year_of
from models.errors import ScenarioError
from models.tables import MAX_FILE_BYTES, read_file_bytes

#: A date the school holiday is named after a summer (R9).
SUMMER_NAME = "Vacances d'été"


class CalendarError(Exception):
    """The calendar cannot be built (dates outside the bundled data...)."""


@dataclass(frozen=True)
class HolidaySource:
    """School holidays by date, with their names, and the summer ranges."""

    names: dict[dt.date, str]
    summers: tuple[DateRange, ...]
    description: str


def build_calendar(scenario: Scenario) -> Calendar:
    """The calendar of the scenario's training, first date to last.

    Raises
    ------
    CalendarError
        When the school-holiday data does not cover the training.
    """
    training = scenario.training
    span = DateRange(start=training.first_date, end=training.last_date)
    source = _holiday_source(training.zone, training.holiday_calendar, span)
    public = _public_holidays(span, training.public_holidays)
    blocked = _blocked_labels(scenario)
    days = tuple(_calendar_day(d, source.names, public, blocked) for d in span.dates())
    summers = tuple(s for s in source.summers if s.overlaps(span))
    return Calendar(days=days, summers=summers, source=source.description)


def _calendar_day(
    date: dt.date,
    school: dict[dt.date, str],
    public: dict[dt.date, str],
    blocked: dict[dt.date, str],
) -> CalendarDay:
    in_holidays = date in school
    if date.weekday() >= 5:
        kind, label = DayKind.WEEKEND, school.get(date, "")
    elif date in public:
        kind, label = DayKind.PUBLIC_HOLIDAY, public[date]
    elif date in blocked:
        kind, label = DayKind.BLOCKED, blocked[date]
    elif in_holidays:
        kind, label = DayKind.SCHOOL_HOLIDAY, school[date]
    else:
        kind, label = DayKind.TEACHING, ""
    return CalendarDay(
        date=date,
        week_start=monday_of(date),
        school_year=school_year_of(date),
        kind=kind,
        school_holidays=in_holidays,
        label=label,
    )


def _blocked_labels(scenario: Scenario) -> dict[dt.date, str]:
    labels: dict[dt.date, str] = {}
    for blocked in scenario.progression.blocked:
        for date in blocked.dates():
            labels.setdefault(date, blocked.label or "Date bloquée")
    return labels


def _public_holidays(span: DateRange, which: str) -> dict[dt.date, str]:
    years = range(span.start.year, span.end.year + 1)
    # Moselle (57) has the same two extra days as Bas-Rhin and Haut-Rhin.
    subdiv = "57" if which == "alsace-moselle" else None
    found = public_holidays_lib.country_holidays("FR", subdiv=subdiv, years=years, language="fr")
    return {date: str(name) for date, name in found.items() if date in span}


def _holiday_source(zone: str | None, calendar_file: str | None, span: DateRange) -> HolidaySource:
    if calendar_file is not None:
        return _holidays_from_csv(Path(calendar_file), span)
    assert zone is not None  # Training guarantees a zone or a file
    return _holidays_from_package(zone, span)


def _holidays_from_package(zone: str, span: DateRange) -> HolidaySource:
    data = _official_data()
    first, last = min(data), max(data)
    if span.start < first or span.end > last:
        raise CalendarError(
            f"le calendrier officiel fourni couvre du {first} au {last} ; la formation "
            f"({span.start} – {span.end}) en sort : donnez un holiday_calendar (CSV)"
        )
    key = f"vacances_zone_{zone.lower()}"
    # Look past the training so a summer cut by its ends is seen whole (R9).
    names = {
        date: str(row["nom_vacances"])
        for date, row in data.items()
        if row[key] and span.start - dt.timedelta(days=70) <= date <= span.end + dt.timedelta(70)
    }
    return HolidaySource(names, _summers(names), f"zone {zone}")


@cache
def _official_data() -> dict[dt.date, dict[str, object]]:
    return dict(SchoolHolidayDates().data)


#: Holidays further than this from the training are not read (summers cut
#: by its ends are still seen whole, R9); a range of centuries is clipped.
_HOLIDAY_MARGIN = dt.timedelta(days=120)


def _holidays_from_csv(path: Path, span: DateRange) -> HolidaySource:
    names: dict[dt.date, str] = {}
    window = DateRange(start=span.start - _HOLIDAY_MARGIN, end=span.end + _HOLIDAY_MARGIN)
    try:
        data = _calendar_bytes(path)
        # Spreadsheets export UTF-8 (with BOM) or Windows-1252, "," or ";".
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        delimiter = ";" if ";" in text.partition("\n")[0] else ","
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
        for line, row in enumerate(rows, start=2):
            try:
                holiday = DateRange(
                    start=row["start"], end=row["end"], label=row.get("label") or "Vacances"
                )
            except (KeyError, ValueError) as error:
                message = f"{path.name}: ligne {line} : plage invalide ({error})"
                raise CalendarError(message) from None
            start, end = max(holiday.start, window.start), min(holiday.end, window.end)
            if start <= end:
                kept = DateRange(start=start, end=end, label=holiday.label)
                names.update(dict.fromkeys(kept.dates(), holiday.label))
    except OSError as error:
        raise CalendarError(f"{path.name} : fichier illisible ({error.strerror})") from None
    return HolidaySource(names, _summers(names), f"calendrier {path.name}")


def _calendar_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file of at most MAX_FILE_BYTES (never a
    device such as /dev/zero, which would never end)."""
    try:
        data = read_file_bytes(path, path.name, "training.holiday_calendar", MAX_FILE_BYTES)
    except ScenarioError as error:
        reasons = "; ".join(f.message for f in error.faults)
        raise CalendarError(f"{path.name} : {reasons}") from None
    if len(data) > MAX_FILE_BYTES:
        raise CalendarError(f"{path.name} : fichier trop volumineux (5 Mo au plus)")
    return data


def _summers(names: dict[dt.date, str]) -> tuple[DateRange, ...]:
    """Maximal runs of consecutive summer-holiday dates."""
    summer_dates = sorted(d for d, name in names.items() if "été" in name.lower())
    runs: list[DateRange] = []
    for date in summer_dates:
        if runs and (date - runs[-1].end).days == 1:
            runs[-1] = DateRange(start=runs[-1].start, end=date, label=runs[-1].label)
        else:
            runs.append(DateRange(start=date, end=date, label=SUMMER_NAME))
    return tuple(runs)
