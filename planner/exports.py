"""Exports of a plan for teachers: an Excel workbook and calendars (ICS).

The workbook holds the tables of ``plan-output.md`` (same columns and
values as the CSV files, one sheet each, French sheet names), a summary and
a printable "Planning" sheet: the class Gantt as a coloured week grid. The
calendars (ICS) hold one all-day event per period of a student, for his
phone or agenda; one per visit of a teacher (R12), with the host's address
and tutor; and one per period of an intern at a host. Everything here is
pure: no plotly, no streamlit; the dashboard and ``stageplan export`` call it.

Every export reads its names from the scenario it is given: given
:func:`planner.privacy.pseudonymise`'s scenario (and the verdict of
:func:`planner.privacy.shared_plan`), it names no one (RGPD).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import icalendar
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models import (
    Calendar,
    Host,
    Period,
    PeriodKind,
    Plan,
    Scenario,
    Visit,
    monday_of,
    requirement_of,
)

from .calendar import build_calendar
from .counting import build_plan
from .kpis import plan_kpis
from .plan_io import (
    CALENDAR_COLUMNS,
    DAYS_COLUMNS,
    PERIODS_COLUMNS,
    STUDENTS_COLUMNS,
    SUMMARY_FILE,
    VISITS_COLUMNS,
    Cell,
    PlanWriteError,
    _calendar_rows,
    _days_rows,
    _periods_rows,
    _plan_contents,
    _students_rows,
    _summary_text,
    _visits_rows,
    read_plan,
    weeks_text,
)
from .privacy import pseudonymise, pseudonymise_solve_info
from .validate import Verdict, validate_plan

# Sheet names, in the workbook's order.
SHEET_PLANNING: Final = "Planning"
SHEET_STUDENTS: Final = "Élèves"
SHEET_PERIODS: Final = "Périodes"
SHEET_VISITS: Final = "Visites"
SHEET_DAYS: Final = "Jours"
SHEET_CALENDAR: Final = "Calendrier"
SHEET_SUMMARY: Final = "Résumé"

#: Fill colour (RGB hex) of each period kind in the Planning sheet: the
#: colours of the dashboard's Gantt (``dashboard/charts.py``).
KIND_COLOURS: Final[Mapping[PeriodKind, str]] = {
    PeriodKind.BLOCK: "1F4E9C",
    PeriodKind.PERIOD: "3FA7D6",
    PeriodKind.DAYS: "E07B00",
    PeriodKind.MISSIONS: "8E3FB0",
}
#: Fill of the week headers of school-holiday weeks (the Gantt's shading).
HOLIDAY_COLOUR: Final = "FFF0A6"

#: French names of the period kinds (legend, calendar events).
KIND_LABELS: Final[Mapping[PeriodKind, str]] = {
    PeriodKind.BLOCK: "Bloc de stage (6 semaines consécutives ou plus)",
    PeriodKind.PERIOD: "Période de stage (semaines entières)",
    PeriodKind.DAYS: "Journées de stage",
    PeriodKind.MISSIONS: "Missions de gestion de projet",
}
_KIND_SHORT: Final[Mapping[PeriodKind, str]] = {
    PeriodKind.BLOCK: "Stage en bloc",
    PeriodKind.PERIOD: "Période de stage",
    PeriodKind.DAYS: "Journée(s) de stage",
    PeriodKind.MISSIONS: "Mission de gestion de projet",
}
_WEEK_KINDS: Final = (PeriodKind.BLOCK, PeriodKind.PERIOD)
#: Planning sheet: rows of the header (month, then the week's Monday).
_HEADER_ROWS: Final = 2
_FIRST_WEEK_COLUMN: Final = 2
_PRODID: Final = "-//stageplan//Stages BTS NRC//FR"


# --------------------------------------------------------------------------
# Excel workbook
# --------------------------------------------------------------------------


def write_workbook(
    path: Path,
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    verdict: Verdict,
    solve_info: Mapping[str, Any],
) -> None:
    """Write the plan as an Excel workbook (``.xlsx``) at ``path``.

    Parameters
    ----------
    path
        The workbook file; its folder is created when missing.
    scenario, calendar, plan, verdict
        The plan and what it was checked against (as for
        :func:`planner.plan_io.write_plan`).
    solve_info
        The solver's figures (``SolveResult.solve_info()`` or a plan's
        ``summary.json``), shown in the "Résumé" sheet.
    """
    data = workbook_bytes(scenario, calendar, plan, verdict, solve_info)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def workbook_bytes(
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    verdict: Verdict,
    solve_info: Mapping[str, Any],
) -> bytes:
    """The workbook of :func:`write_workbook`, as bytes (for a download)."""
    book = build_workbook(scenario, calendar, plan, verdict, solve_info)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build_workbook(
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    verdict: Verdict,
    solve_info: Mapping[str, Any],
) -> Workbook:
    """The workbook of :func:`write_workbook`, as an openpyxl object.

    Sheets: Planning (the coloured week grid), Élèves, Périodes, Visites,
    Jours, Calendrier (the CSV files of ``plan-output.md``, same columns,
    same values; dates as real dates) and Résumé (``summary.json`` without the
    scenario snapshot, one key per line).
    """
    book = Workbook()
    planning = book.active
    assert planning is not None
    planning.title = SHEET_PLANNING
    _planning_sheet(planning, scenario, calendar, plan)
    tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]] = (
        (SHEET_STUDENTS, STUDENTS_COLUMNS, _students_rows(scenario, verdict.students, plan)),
        (SHEET_PERIODS, PERIODS_COLUMNS, _periods_rows(plan.periods)),
        (SHEET_VISITS, VISITS_COLUMNS, _visits_rows(plan.visits)),
        (SHEET_DAYS, DAYS_COLUMNS, _days_rows(plan.days)),
        (SHEET_CALENDAR, CALENDAR_COLUMNS, _calendar_rows(calendar)),
    )
    for title, columns, rows in tables:
        _table_sheet(book.create_sheet(title), columns, rows)
    _summary_sheet(
        book.create_sheet(SHEET_SUMMARY), summary_of(scenario, calendar, verdict, solve_info)
    )
    return book


def summary_of(
    scenario: Scenario, calendar: Calendar, verdict: Verdict, solve_info: Mapping[str, Any]
) -> dict[str, Any]:
    """``summary.json`` as written by ``write_plan``, without the scenario snapshot."""
    summary: dict[str, Any] = json.loads(_summary_text(scenario, calendar, verdict, solve_info))
    summary.pop("scenario_snapshot", None)
    return summary


_HEADER_FONT: Final = Font(bold=True)
_HEADER_FILL: Final = PatternFill("solid", fgColor="E7EEF7")
_THIN: Final = Side(style="thin", color="BFBFBF")
_GRID: Final = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


def _excel_value(value: Cell) -> Any:
    """A CSV cell for Excel: dates and numbers typed, the rest as in the CSV."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return value if not value.is_integer() else int(value)
    return value


def _table_sheet(sheet: Worksheet, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    widths = [len(c) for c in columns]
    for row in rows:
        sheet.append([_excel_value(v) for v in row])
        for index, value in enumerate(row):
            widths[index] = max(
                widths[index], 10 if isinstance(value, dt.date) else len(str(value))
            )
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"


def _summary_sheet(sheet: Worksheet, summary: Mapping[str, Any]) -> None:
    sheet.append(["clé", "valeur"])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for key, value in _flatten(summary):
        sheet.append([key, value])
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 40
    sheet.freeze_panes = "A2"


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Nested objects as dotted keys; lists joined with commas."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        yield prefix, ", ".join(str(v) for v in value)
    elif isinstance(value, bool):
        yield prefix, "true" if value else "false"
    else:
        yield prefix, value


# --- Planning: the class Gantt as a week grid ---


@dataclass(frozen=True)
class WeekCell:
    """What one student does in one week of the Planning grid.

    ``kind`` is the period kind (``block`` or ``period`` for a full week);
    ``days`` the days in company that week.
    """

    kind: PeriodKind
    days: int


def planned_students(scenario: Scenario, plan: Plan) -> list[tuple[str, str]]:
    """(id, name) of the rows of the Planning sheet, in scenario order.

    Every student owing an internship, and an exempt student who still has
    days in company (a repeating student keeping his earlier internship
    takes part in the missions, §5); the other exempt students (R3,
    apprentices...) have no row.
    """
    placed = {day.student_id for day in plan.days}
    return [
        (s.id, s.name)
        for s in scenario.students
        if s.id in placed or not requirement_of(s, scenario.rules).exempt
    ]


def week_mondays(calendar: Calendar) -> list[dt.date]:
    """Every Monday from the first week of the training to the last."""
    first, last = monday_of(calendar.first_date), monday_of(calendar.last_date)
    return [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def holiday_weeks(calendar: Calendar) -> set[dt.date]:
    """Mondays of the school-holiday weeks: more than half of the week's
    working days are school holidays (a bridge day alone does not count)."""
    return {
        monday
        for monday, days in calendar.weeks.items()
        if 2 * sum(day.school_holidays for day in days) > len(days)
    }


def week_grid(plan: Plan) -> dict[str, dict[dt.date, WeekCell]]:
    """Per student and week Monday, the kind of his days in company.

    A week of a ``block`` or ``period`` is a full week; any other week with
    days in company takes the kind of its days (``missions`` when a week
    holds both mission days and other single days).
    """
    kinds = {p.period_id: p.kind for p in plan.periods}
    found: dict[str, dict[dt.date, list[PeriodKind]]] = defaultdict(lambda: defaultdict(list))
    for day in plan.days:
        kind = kinds.get(day.period_id, PeriodKind.DAYS)
        found[day.student_id][monday_of(day.date)].append(kind)
    grid: dict[str, dict[dt.date, WeekCell]] = {}
    for student_id, weeks in found.items():
        grid[student_id] = {}
        for monday, day_kinds in weeks.items():
            grid[student_id][monday] = WeekCell(_week_kind(day_kinds), len(day_kinds))
    return grid


def _week_kind(kinds: Sequence[PeriodKind]) -> PeriodKind:
    for kind in (PeriodKind.BLOCK, PeriodKind.PERIOD, PeriodKind.MISSIONS):
        if kind in kinds:
            return kind
    return PeriodKind.DAYS


def _planning_sheet(sheet: Worksheet, scenario: Scenario, calendar: Calendar, plan: Plan) -> None:
    mondays = week_mondays(calendar)
    holidays = holiday_weeks(calendar)
    students = planned_students(scenario, plan)
    grid = week_grid(plan)
    _planning_header(sheet, mondays, holidays)
    empty, by_kind = _planning_styles(sheet)
    for row, (student_id, name) in enumerate(students, start=_HEADER_ROWS + 1):
        sheet.cell(row=row, column=1, value=name).style = empty
        weeks = grid.get(student_id, {})
        for column, monday in enumerate(mondays, start=_FIRST_WEEK_COLUMN):
            cell = sheet.cell(row=row, column=column)
            week = weeks.get(monday)
            if week is None:
                cell.style = empty
                continue
            cell.style = by_kind[week.kind]
            # Partial weeks show their days in company; full weeks B or P,
            # so that a black-and-white print still reads.
            if week.kind in _WEEK_KINDS:
                cell.value = "B" if week.kind is PeriodKind.BLOCK else "P"
            else:
                cell.value = week.days
    _planning_legend(sheet, _HEADER_ROWS + len(students) + 2)
    _planning_layout(sheet, len(mondays), scenario)


def _planning_styles(sheet: Worksheet) -> tuple[str, dict[PeriodKind, str]]:
    """The grid's cell styles, registered once as named styles of the
    workbook: setting a cell's font, fill and border one by one made
    openpyxl hash each of them for every cell (30 s for 3,500 students)."""
    book = sheet.parent
    empty = NamedStyle("Planning — semaine", border=_GRID)
    book.add_named_style(empty)
    centred = Alignment(horizontal="center", vertical="center")
    by_kind = {}
    for kind in PeriodKind:
        style = NamedStyle(
            f"Planning — {_KIND_SHORT[kind]}",
            border=_GRID,
            fill=_fill(KIND_COLOURS[kind]),
            alignment=centred,
            font=Font(size=8, color=_text_colour(kind)),
        )
        book.add_named_style(style)
        by_kind[kind] = style.name
    return empty.name, by_kind


def _text_colour(kind: PeriodKind) -> str:
    return "FFFFFF" if kind in (PeriodKind.BLOCK, PeriodKind.MISSIONS) else "000000"


def _planning_header(sheet: Worksheet, mondays: Sequence[dt.date], holidays: set[dt.date]) -> None:
    sheet.cell(row=1, column=1, value="Mois").font = _HEADER_FONT
    corner = sheet.cell(row=2, column=1, value="Élève / semaine du")
    corner.font = _HEADER_FONT
    corner.alignment = Alignment(vertical="bottom")
    previous_month: tuple[int, int] | None = None
    for column, monday in enumerate(mondays, start=_FIRST_WEEK_COLUMN):
        month = (monday.year, monday.month)
        if month != previous_month:
            label = sheet.cell(row=1, column=column, value=f"{monday.month:02d}/{monday.year}")
            label.font = Font(bold=True, size=8)
            previous_month = month
        header = sheet.cell(row=2, column=column, value=monday)
        header.number_format = "dd/mm/yy"
        header.alignment = Alignment(text_rotation=90, horizontal="center", vertical="bottom")
        header.font = Font(size=8)
        header.border = _GRID
        if monday in holidays:
            header.fill = _fill(HOLIDAY_COLOUR)


def _planning_legend(sheet: Worksheet, first_row: int) -> None:
    sheet.cell(row=first_row, column=1, value="Légende").font = _HEADER_FONT
    entries = [
        *((KIND_COLOURS[kind], f"{KIND_LABELS[kind]}") for kind in PeriodKind),
        (HOLIDAY_COLOUR, "Semaine de vacances scolaires (en-tête grisé)"),
    ]
    for offset, (colour, text) in enumerate(entries, start=1):
        cell = sheet.cell(row=first_row + offset, column=1, value=text)
        cell.fill = _fill(colour)
        dark = colour in (KIND_COLOURS[PeriodKind.BLOCK], KIND_COLOURS[PeriodKind.MISSIONS])
        cell.font = Font(size=9, color="FFFFFF" if dark else "000000")
    note = sheet.cell(
        row=first_row + len(entries) + 1,
        column=1,
        value="B : semaine d'un bloc ; P : semaine d'une période ; "
        "un nombre : jours en entreprise dans une semaine incomplète.",
    )
    note.font = Font(italic=True, size=8)


def _planning_layout(sheet: Worksheet, num_weeks: int, scenario: Scenario) -> None:
    sheet.column_dimensions["A"].width = 34
    for column in range(_FIRST_WEEK_COLUMN, _FIRST_WEEK_COLUMN + num_weeks):
        sheet.column_dimensions[get_column_letter(column)].width = 3.2
    sheet.row_dimensions[2].height = 48
    sheet.freeze_panes = sheet.cell(row=_HEADER_ROWS + 1, column=_FIRST_WEEK_COLUMN)
    sheet.print_title_rows = f"1:{_HEADER_ROWS}"
    sheet.print_title_cols = "A:A"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddHeader.center.text = scenario.name
    sheet.oddFooter.center.text = "Page &P / &N"


# --------------------------------------------------------------------------
# Calendars (ICS)
# --------------------------------------------------------------------------


#: Sub-folders of the calendars folder (and of their ZIP): the teachers'
#: visits and the hosts' interns; the students' calendars lie at the top.
TEACHERS_ICS_DIR: Final = "enseignants"
HOSTS_ICS_DIR: Final = "entreprises"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _new_calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", _PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _ics_bytes(cal: icalendar.Calendar) -> bytes:
    data: bytes = cal.to_ical()
    return data


# --- students ---


def student_calendar(
    scenario: Scenario, plan: Plan, student_id: str, stamp: dt.datetime | None = None
) -> icalendar.Calendar:
    """One student's periods as an iCalendar (RFC 5545) calendar.

    A period whose days are every working day from its start to its end
    (a block, a period of weeks, a run of single days) is one all-day event:
    DTSTART its start, DTEND the day after its end, UID
    ``{period_id}@stageplan``. A period of scattered days (the mission days,
    one a week) is one all-day event per day, UID
    ``{period_id}-{YYYYMMDD}@stageplan``, so that no agenda shows the weeks
    between them as spent in company. UIDs are stable from one export of the
    same plan to the next: a re-import updates the events.

    Parameters
    ----------
    student_id
        A student of ``scenario`` (KeyError otherwise).
    stamp
        DTSTAMP of every event (UTC); now when None.
    """
    student = scenario.student(student_id)
    if student is None:
        raise KeyError(student_id)
    stamp = stamp or _now()
    cal = _new_calendar(f"Stages — {student.name}")
    days_of = _days_by_period(plan, student_id)
    for period in plan.periods_of(student_id):
        days = days_of.get(period.period_id, [])
        for event in _period_events(scenario, student.name, period, days, stamp):
            cal.add_component(event)
    return cal


def student_ics(
    scenario: Scenario, plan: Plan, student_id: str, stamp: dt.datetime | None = None
) -> bytes:
    """The calendar of :func:`student_calendar`, as ``.ics`` bytes."""
    return _ics_bytes(student_calendar(scenario, plan, student_id, stamp))


def write_student_ics(
    path: Path, scenario: Scenario, plan: Plan, student_id: str, stamp: dt.datetime | None = None
) -> None:
    """Write one student's calendar (:func:`student_calendar`) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(student_ics(scenario, plan, student_id, stamp))


def ics_file_name(scenario: Scenario, student_id: str) -> str:
    """``{student_id}-{name}.ics``, safe on every file system; ``{student_id}.ics``
    when the name is the id (a pseudonymised scenario)."""
    student = scenario.student(student_id)
    return _id_name_file(student_id, student.name if student is not None else "")


def _id_name_file(identifier: str, name: str) -> str:
    if name and name != identifier:
        return f"{_safe(identifier)}-{_safe(name)}.ics"
    return f"{_safe(identifier)}.ics"


# --- teachers: their visits (R12) ---


def teacher_calendar(
    scenario: Scenario, plan: Plan, teacher_id: str, stamp: dt.datetime | None = None
) -> icalendar.Calendar:
    """One teacher's visits (R12) as an iCalendar calendar.

    One all-day event per visit of ``plan.visits`` made by the teacher, in
    date order: SUMMARY ``Visite de stage — {student} chez {host}``,
    LOCATION the host's address, DESCRIPTION the tutor (name, function,
    e-mail) and the period visited. The UID
    ``visite-{period_id}-{n}@stageplan`` names the n-th visit of a period
    (by date), so that a visit moved to another day updates its event on
    re-import instead of adding one.

    Parameters
    ----------
    teacher_id
        A teacher of ``scenario`` (KeyError otherwise).
    stamp
        DTSTAMP of every event (UTC); now when None.
    """
    context = _VisitContext.of(scenario, plan)
    return _teacher_calendar(scenario, context, teacher_id, stamp or _now())


def _teacher_calendar(
    scenario: Scenario, context: _VisitContext, teacher_id: str, stamp: dt.datetime
) -> icalendar.Calendar:
    teacher = scenario.teacher(teacher_id)
    cal = _new_calendar(f"Visites de stage — {teacher.name}")
    numbered = context.numbered.get(teacher_id, [])
    for visit, number, of in sorted(numbered, key=lambda item: (item[0].date, item[0])):
        cal.add_component(context.event(visit, number, of, stamp))
    return cal


def teacher_ics(
    scenario: Scenario, plan: Plan, teacher_id: str, stamp: dt.datetime | None = None
) -> bytes:
    """The calendar of :func:`teacher_calendar`, as ``.ics`` bytes."""
    return _ics_bytes(teacher_calendar(scenario, plan, teacher_id, stamp))


def teacher_calendars(
    scenario: Scenario, plan: Plan, stamp: dt.datetime | None = None
) -> dict[str, bytes]:
    """``.ics`` bytes of :func:`teacher_calendar` per teacher id, for every
    teacher with at least one visit, in the scenario's order."""
    stamp = stamp or _now()
    context = _VisitContext.of(scenario, plan)  # once for every teacher
    return {
        t.id: _ics_bytes(_teacher_calendar(scenario, context, t.id, stamp))
        for t in scenario.teachers
        if t.id in context.numbered
    }


def teacher_ics_file_name(scenario: Scenario, teacher_id: str) -> str:
    """``{teacher_id}-{name}.ics``, safe on every file system; ``{teacher_id}.ics``
    when the name is the id (a pseudonymised scenario)."""
    try:
        name = scenario.teacher(teacher_id).name
    except KeyError:
        name = ""
    return _id_name_file(teacher_id, name)


def host_address(host: Host) -> str:
    """``12 rue X, 69100 Villeurbanne`` (the parts the host has)."""
    town = f"{host.postcode} {host.town}".strip()
    return ", ".join(part for part in (host.address.strip(), town) if part)


def _numbered_visits(plan: Plan) -> dict[str, list[tuple[Visit, int, int]]]:
    """Per teacher, each visit with its rank among its period's visits (by
    date) and their count."""
    by_period: dict[tuple[str, str], list[Visit]] = defaultdict(list)
    for visit in plan.visits:
        by_period[visit.student_id, visit.period_id].append(visit)
    numbered: dict[str, list[tuple[Visit, int, int]]] = defaultdict(list)
    for visits in by_period.values():
        ordered = sorted(visits)
        for rank, visit in enumerate(ordered, start=1):
            numbered[visit.teacher_id].append((visit, rank, len(ordered)))
    return dict(numbered)


@dataclass(frozen=True)
class _VisitContext:
    """What the events of visits and hosts read: names, hosts, periods, teachers."""

    students: Mapping[str, str]
    hosts: Mapping[str, Host]
    teachers: Mapping[str, str]
    periods: Mapping[str, Period]
    referents: Mapping[str, str]
    numbered: Mapping[str, list[tuple[Visit, int, int]]]  # per teacher

    @classmethod
    def of(cls, scenario: Scenario, plan: Plan) -> _VisitContext:
        referents = {s.id: s.referent for s in scenario.students if s.referent}
        return cls(
            students={s.id: s.name for s in scenario.students},
            hosts={h.id: h for h in scenario.hosts},
            teachers={t.id: t.name for t in scenario.teachers},
            periods={p.period_id: p for p in plan.periods},
            referents=referents | dict(plan.referents),
            numbered=_numbered_visits(plan),
        )

    def event(self, visit: Visit, number: int, of: int, stamp: dt.datetime) -> icalendar.Event:
        name = self.students.get(visit.student_id, visit.student_id)
        host = self.hosts.get(visit.host_id or "")
        if host is not None:
            where = f"chez {host.name}"
        else:
            where = f"à {visit.town}" if visit.town else "(entreprise à trouver)"
        lines = [f"Élève : {name}", f"Visite {number} sur {of} de la période"]
        period = self.periods.get(visit.period_id)
        if period is not None:
            lines.append(
                f"Période : {KIND_LABELS[period.kind]} du {period.start:%d/%m/%Y} "
                f"au {period.end:%d/%m/%Y} ({period.period_id})"
            )
        lines += _host_lines(host)
        event = _event(
            f"visite-{visit.period_id}-{number}@stageplan",
            visit.date,
            visit.date,
            f"Visite de stage — {name} {where}",
            "\n".join(lines),
            stamp,
        )
        location = host_address(host) if host is not None else visit.town
        if location:
            event.add("location", location)
        return event


def _host_lines(host: Host | None) -> list[str]:
    if host is None:
        return ["Entreprise d'accueil : à trouver"]
    lines = [f"Entreprise d'accueil : {host.name}"]
    if host_address(host):
        lines.append(f"Adresse : {host_address(host)}")
    tutor = host.tutor
    if tutor is None:
        lines.append("Tuteur : non renseigné")
    else:
        lines.append(f"Tuteur : {tutor.name}" + (f", {tutor.function}" if tutor.function else ""))
        if tutor.email:
            lines.append(f"Courriel du tuteur : {tutor.email}")
    return lines


# --- hosts: their interns' periods ---


def host_calendar(
    scenario: Scenario, plan: Plan, host_id: str, stamp: dt.datetime | None = None
) -> icalendar.Calendar:
    """The periods of a host's interns (``period.host_id``), for its tutor.

    One all-day event per period at the host, titled with the kind and the
    intern; a period of scattered days (missions) is one event per day, as
    in the students' calendars. The description names the referent teacher
    and the dates of his visits. UIDs are ``entreprise-{period_id}@stageplan``
    (``entreprise-{period_id}-{YYYYMMDD}@stageplan`` for a scattered day).

    Parameters
    ----------
    host_id
        A host of ``scenario`` (KeyError otherwise).
    stamp
        DTSTAMP of every event (UTC); now when None.
    """
    return _host_calendar(_HostIndex.of(scenario, plan), host_id, stamp or _now())


@dataclass(frozen=True)
class _HostIndex:
    """What every host's calendar reads, gathered once for all of them."""

    context: _VisitContext
    days: Mapping[str, list[dt.date]]  # per period id
    visits: Mapping[str, list[Visit]]  # per period id, in order
    periods: Mapping[str, list[Period]]  # per host id, by start

    @classmethod
    def of(cls, scenario: Scenario, plan: Plan) -> _HostIndex:
        visits: dict[str, list[Visit]] = defaultdict(list)
        for visit in sorted(plan.visits):
            visits[visit.period_id].append(visit)
        periods: dict[str, list[Period]] = defaultdict(list)
        for period in sorted(plan.periods, key=lambda p: (p.start, p.student_id)):
            if period.host_id is not None:
                periods[period.host_id].append(period)
        return cls(_VisitContext.of(scenario, plan), _days_by_period(plan), visits, periods)


def _host_calendar(index: _HostIndex, host_id: str, stamp: dt.datetime) -> icalendar.Calendar:
    context = index.context
    host = context.hosts[host_id]
    cal = _new_calendar(f"Stagiaires — {host.name}")
    for period in index.periods.get(host_id, []):
        name = context.students.get(period.student_id, period.student_id)
        days = index.days.get(period.period_id, [])
        description = "\n".join(
            [
                _description(name, period, days, host.name),
                *_follow_up_lines(context, period, index.visits.get(period.period_id, [])),
            ]
        )
        for uid, start, end, count in _period_spans(period, days):
            summary = f"{_KIND_SHORT[period.kind]} — {name}" + count
            cal.add_component(
                _event(f"entreprise-{uid}@stageplan", start, end, summary, description, stamp)
            )
    return cal


def host_ics(
    scenario: Scenario, plan: Plan, host_id: str, stamp: dt.datetime | None = None
) -> bytes:
    """The calendar of :func:`host_calendar`, as ``.ics`` bytes."""
    return _ics_bytes(host_calendar(scenario, plan, host_id, stamp))


def host_calendars(
    scenario: Scenario, plan: Plan, stamp: dt.datetime | None = None
) -> dict[str, bytes]:
    """``.ics`` bytes of :func:`host_calendar` per host id, for every host
    with at least one period of the plan, in the scenario's order."""
    stamp = stamp or _now()
    index = _HostIndex.of(scenario, plan)  # once for every host
    return {
        h.id: _ics_bytes(_host_calendar(index, h.id, stamp))
        for h in scenario.hosts
        if h.id in index.periods
    }


def host_ics_file_name(host_id: str) -> str:
    """``{host_id}.ics``, safe on every file system."""
    return f"{_safe(host_id)}.ics"


def _follow_up_lines(context: _VisitContext, period: Period, visits: Sequence[Visit]) -> list[str]:
    """R12 in a host's event: the referent teacher and the visits planned."""
    referent = context.referents.get(period.student_id)
    lines = []
    if referent is not None:
        lines.append(f"Professeur référent : {context.teachers.get(referent, referent)}")
    if visits:
        lines.append(
            "Visites prévues : "
            + ", ".join(
                f"{v.date:%d/%m/%Y} ({context.teachers.get(v.teacher_id, v.teacher_id)})"
                for v in visits
            )
        )
    return lines


# --- every calendar of a plan ---


def calendar_files(
    scenario: Scenario, plan: Plan, stamp: dt.datetime | None = None
) -> dict[str, bytes]:
    """Every calendar of a plan, by path relative to the calendars folder.

    The students of the Planning sheet (:func:`planned_students`) at the top
    (:func:`ics_file_name`), the teachers with visits under ``enseignants/``
    (:func:`teacher_ics_file_name`), the hosts with interns under
    ``entreprises/`` (:func:`host_ics_file_name`).
    """
    stamp = stamp or _now()
    files = {
        ics_file_name(scenario, student_id): student_ics(scenario, plan, student_id, stamp)
        for student_id, _ in planned_students(scenario, plan)
    }
    for teacher_id, data in teacher_calendars(scenario, plan, stamp).items():
        files[f"{TEACHERS_ICS_DIR}/{teacher_ics_file_name(scenario, teacher_id)}"] = data
    for host_id, data in host_calendars(scenario, plan, stamp).items():
        files[f"{HOSTS_ICS_DIR}/{host_ics_file_name(host_id)}"] = data
    return files


def write_all_ics(
    directory: Path, scenario: Scenario, plan: Plan, stamp: dt.datetime | None = None
) -> list[Path]:
    """Write every calendar of :func:`calendar_files` under ``directory``.

    Returns
    -------
    list[Path]
        The files written: the students' in scenario order, then the
        teachers' (``enseignants/``), then the hosts' (``entreprises/``).
    """
    directory = Path(directory)
    written = []
    for name, data in calendar_files(scenario, plan, stamp).items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def all_ics_zip(scenario: Scenario, plan: Plan, stamp: dt.datetime | None = None) -> bytes:
    """A ZIP of every calendar (the files and folders of :func:`write_all_ics`)."""
    return _zip(calendar_files(scenario, plan, stamp))


def plan_zip(
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    verdict: Verdict,
    solve_info: Mapping[str, Any],
) -> bytes:
    """A ZIP of the five plan files, exactly as ``write_plan`` writes them."""
    contents = _plan_contents(scenario, calendar, plan, verdict, solve_info)
    return _zip({name: text.encode("utf-8") for name, text in contents.items()})


def _zip(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("._") or "eleve"


def _days_by_period(plan: Plan, student_id: str | None = None) -> dict[str, list[dt.date]]:
    """Sorted days in company per period id (of one student, or of all)."""
    days: dict[str, list[dt.date]] = defaultdict(list)
    for day in plan.days if student_id is None else plan.days_of(student_id):
        days[day.period_id].append(day.date)
    return {period_id: sorted(dates) for period_id, dates in days.items()}


def _is_contiguous(period: Period, days: Sequence[dt.date]) -> bool:
    """Whether the days run without a gap of working days (weekends and
    public holidays between them do not break a run)."""
    if period.kind in _WEEK_KINDS:
        return True
    return all(_only_weekend_between(a, b) for a, b in itertools.pairwise(days))


def _only_weekend_between(a: dt.date, b: dt.date) -> bool:
    gap = (a + dt.timedelta(days=i) for i in range(1, (b - a).days))
    return all(day.weekday() >= 5 for day in gap)


def _period_spans(
    period: Period, days: Sequence[dt.date]
) -> list[tuple[str, dt.date, dt.date, str]]:
    """The events of a period: (UID stem, first day, last day, title suffix).

    One span for a period whose days run without a gap, else one per day
    (``{period_id}-{YYYYMMDD}``, titled ``(k/n)``).
    """
    if not days or _is_contiguous(period, days):
        return [(period.period_id, period.start, period.end, "")]
    return [
        (f"{period.period_id}-{day:%Y%m%d}", day, day, f" ({number}/{len(days)})")
        for number, day in enumerate(days, start=1)
    ]


def _period_events(
    scenario: Scenario,
    name: str,
    period: Period,
    days: Sequence[dt.date],
    stamp: dt.datetime,
) -> list[icalendar.Event]:
    host = scenario.host(period.host_id) if period.host_id else None
    where = f"chez {host.name}" if host is not None else "(entreprise à trouver)"
    summary = f"{_KIND_SHORT[period.kind]} {where}"
    description = _description(name, period, days, host.name if host else None)
    return [
        _event(f"{uid}@stageplan", start, end, summary + count, description, stamp)
        for uid, start, end, count in _period_spans(period, days)
    ]


def _event(
    uid: str, start: dt.date, end: dt.date, summary: str, description: str, stamp: dt.datetime
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    return event


def _description(name: str, period: Period, days: Sequence[dt.date], host: str | None) -> str:
    lines = [
        f"Élève : {name}",
        f"{KIND_LABELS[period.kind]} ({period.period_id})",
        f"Du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}",
        f"Semaines de stage : {weeks_text(period.weeks)}",
        f"Jours en entreprise : {period.days_in_company}"
        + (f" (dont {period.holiday_days} en vacances scolaires)" if period.holiday_days else ""),
        f"Entreprise d'accueil : {host or 'à trouver'}",
    ]
    if period.kind not in _WEEK_KINDS and days:
        lines.append("Jours : " + ", ".join(f"{d:%d/%m/%Y}" for d in days))
    return "\n".join(lines)


# --------------------------------------------------------------------------
# A plan directory (``stageplan export``)
# --------------------------------------------------------------------------

XLSX_FILE: Final = "planning.xlsx"
ICS_DIR: Final = "agendas"


def export_plan_dir(
    plan_dir: Path,
    xlsx: Path | None = None,
    ics_dir: Path | None = None,
    *,
    pseudonymous: bool = False,
) -> tuple[list[Path], Verdict]:
    """Export a plan directory written by ``stageplan solve`` (or edited by hand).

    The days are read back and checked again; the periods are recomputed
    from them (:func:`planner.counting.build_plan`), as are the figures.
    The visits and referents (R12) are taken as read from the directory.

    Parameters
    ----------
    plan_dir
        The plan directory.
    xlsx, ics_dir
        Where to write the workbook and the calendars (:func:`write_all_ics`:
        the students', the teachers' visits under ``enseignants/``, the
        hosts' interns under ``entreprises/``). When both are None, both
        are written: ``plan_dir/planning.xlsx`` and ``plan_dir/agendas/``.
    pseudonymous
        Export under :func:`planner.privacy.pseudonymise`'s scenario: ids
        instead of names, no tutor, address or reason (for sharing).

    Returns
    -------
    tuple[list[Path], Verdict]
        The files written and the validator's verdict on the plan (a plan
        that breaks a rule is exported all the same; the verdict says so).

    Raises
    ------
    PlanFileError, ScenarioError, CalendarError
        The directory or its scenario cannot be read.
    PlanWriteError
        A file cannot be written (French message).
    """
    plan_dir = Path(plan_dir)
    if xlsx is None and ics_dir is None:
        xlsx, ics_dir = plan_dir / XLSX_FILE, plan_dir / ICS_DIR
    scenario, read = read_plan(plan_dir)
    if pseudonymous:
        scenario = pseudonymise(scenario)
    calendar = build_calendar(scenario)
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for day in read.days:
        dates[day.student_id].append(day.date)
    # The periods come again from the days; the visits (R12) as read.
    plan = replace(
        build_plan(scenario, calendar, dates), visits=read.visits, referents=read.referents
    )
    verdict = validate_plan(scenario, calendar, plan)
    summary = json.loads((plan_dir / SUMMARY_FILE).read_text(encoding="utf-8-sig"))
    solve_info = {k: v for k, v in summary.items() if k != "scenario_snapshot"}
    if pseudonymous:
        solve_info = pseudonymise_solve_info(solve_info)
    solve_info["kpis"] = plan_kpis(scenario, calendar, plan, verdict)
    written: list[Path] = []
    try:
        if xlsx is not None:
            write_workbook(xlsx, scenario, calendar, plan, verdict, solve_info)
            written.append(xlsx)
        if ics_dir is not None:
            written.extend(write_all_ics(ics_dir, scenario, plan))
    except OSError as error:
        raise PlanWriteError(
            f"{error.filename or plan_dir} : écriture impossible ({error.strerror})"
        ) from None
    return written, verdict
