"""Exports of a plan: the Excel workbook (tables of plan-output.md, the
Planning grid, page setup), the students' calendars (ICS), the ZIPs and
``stageplan export``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import icalendar
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from page_support import default_solved

from models import PeriodKind, Scenario, monday_of, requirement_of
from planner import exports
from planner.cli import main
from planner.plan_io import PLAN_FILES, _cell, write_plan
from planner.solve import SolveResult

STAMP = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def solved() -> tuple[Scenario, SolveResult]:
    return default_solved()  # the default scenario, solved once per test session


@pytest.fixture(scope="module")
def plan_dir(
    solved: tuple[Scenario, SolveResult], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    scenario, result = solved
    assert result.plan is not None and result.verdict is not None
    out = tmp_path_factory.mktemp("plan") / "default"
    write_plan(out, scenario, result.calendar, result.plan, result.verdict, result.solve_info())
    return out


@pytest.fixture(scope="module")
def workbook(
    solved: tuple[Scenario, SolveResult], tmp_path_factory: pytest.TempPathFactory
) -> openpyxl.Workbook:
    scenario, result = solved
    assert result.plan is not None and result.verdict is not None
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    exports.write_workbook(
        path, scenario, result.calendar, result.plan, result.verdict, result.solve_info()
    )
    return openpyxl.load_workbook(path)


def _text(value: object) -> str:
    """A cell read back by openpyxl, as the CSV writes it."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return _cell(value)  # type: ignore[arg-type]


def _sheet_rows(sheet: Worksheet) -> list[list[str]]:
    return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# --- the workbook: tables -------------------------------------------------


def test_workbook_has_french_sheets(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "Planning",
        "Élèves",
        "Périodes",
        "Jours",
        "Calendrier",
        "Résumé",
    ]


@pytest.mark.parametrize(
    ("sheet", "file"),
    [
        ("Jours", "days.csv"),
        ("Périodes", "periods.csv"),
        ("Élèves", "students.csv"),
        ("Calendrier", "calendar.csv"),
    ],
)
def test_table_sheets_match_the_csv_files_row_for_row(
    workbook: openpyxl.Workbook, plan_dir: Path, sheet: str, file: str
) -> None:
    expected = _csv_rows(plan_dir / file)
    assert _sheet_rows(workbook[sheet]) == expected
    assert len(expected) > 1


def test_dates_are_real_dates_in_the_workbook(workbook: openpyxl.Workbook) -> None:
    assert isinstance(workbook["Jours"]["B2"].value, dt.datetime)
    assert workbook["Jours"]["B2"].number_format == "yyyy-mm-dd"


def test_summary_sheet_holds_the_summary_without_snapshot(
    workbook: openpyxl.Workbook, solved: tuple[Scenario, SolveResult]
) -> None:
    scenario, result = solved
    values = dict(workbook["Résumé"].iter_rows(min_row=2, values_only=True))
    assert values["status"] == result.status.value
    assert values["scenario"] == scenario.name
    assert values["hard_violations"] == 0
    assert values["rule_profile.parameters.required_weeks"] == 16
    assert values["kpis.students"] == len(scenario.students)
    assert not any(str(key).startswith("scenario_snapshot") for key in values)


# --- the workbook: Planning grid ------------------------------------------


def _planning_cells(sheet: Worksheet) -> Iterator[tuple[str, dt.date, str | None]]:
    """(student name, week Monday, fill colour or None) of every grid cell."""
    mondays = {
        cell.column: cell.value.date()
        for cell in sheet[2][1:]
        if isinstance(cell.value, dt.datetime)
    }
    for row in sheet.iter_rows(min_row=3):
        name = row[0].value
        if name == "Légende":
            return
        if name is None:
            continue
        for cell in row[1:]:
            if cell.column in mondays:
                colour = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
                yield str(name), mondays[cell.column], colour and str(colour)[-6:]


def test_planning_has_one_row_per_student_owing_an_internship(
    workbook: openpyxl.Workbook, solved: tuple[Scenario, SolveResult]
) -> None:
    scenario, result = solved
    assert result.plan is not None
    names = list(dict.fromkeys(name for name, _, _ in _planning_cells(workbook["Planning"])))
    placed = {d.student_id for d in result.plan.days}
    owing = [
        s.name
        for s in scenario.students
        if not requirement_of(s, scenario.rules).exempt or s.id in placed
    ]
    assert names == owing
    # 29 owe an internship; Kylian R. (e26, repeating, exempt) keeps his row
    # for his mission days; the apprentices and the VAE student have none.
    assert len(owing) == 30 and "Kylian R." in names


def test_planning_colours_exactly_the_full_weeks_and_the_partial_weeks(
    workbook: openpyxl.Workbook, solved: tuple[Scenario, SolveResult]
) -> None:
    scenario, result = solved
    assert result.plan is not None
    by_name = {s.name: s.id for s in scenario.students}
    kinds = {p.period_id: p.kind for p in result.plan.periods}
    full: dict[str, set[dt.date]] = {}
    partial: dict[str, set[dt.date]] = {}
    for day in result.plan.days:
        week_kinds = full if kinds[day.period_id] in ("block", "period") else partial
        week_kinds.setdefault(day.student_id, set()).add(monday_of(day.date))
    week_colours = {
        exports.KIND_COLOURS[PeriodKind.BLOCK],
        exports.KIND_COLOURS[PeriodKind.PERIOD],
    }
    partial_colours = {
        exports.KIND_COLOURS[PeriodKind.DAYS],
        exports.KIND_COLOURS[PeriodKind.MISSIONS],
    }
    seen_full: dict[str, set[dt.date]] = {}
    seen_partial: dict[str, set[dt.date]] = {}
    for name, monday, colour in _planning_cells(workbook["Planning"]):
        student_id = by_name[name]
        if colour in week_colours:
            seen_full.setdefault(student_id, set()).add(monday)
        elif colour in partial_colours:
            seen_partial.setdefault(student_id, set()).add(monday)
        else:
            assert colour is None, (name, monday, colour)
    assert seen_full == full
    assert seen_partial == partial
    assert sum(len(weeks) for weeks in full.values()) > 29 * 10


def test_planning_block_weeks_have_the_block_colour(
    workbook: openpyxl.Workbook, solved: tuple[Scenario, SolveResult]
) -> None:
    scenario, result = solved
    assert result.plan is not None
    first = next(p for p in result.plan.periods if p.kind is PeriodKind.BLOCK)
    name = next(s.name for s in scenario.students if s.id == first.student_id)
    colours = {
        monday: colour
        for cell_name, monday, colour in _planning_cells(workbook["Planning"])
        if cell_name == name
    }
    assert colours[monday_of(first.start)] == exports.KIND_COLOURS[PeriodKind.BLOCK]
    assert colours[monday_of(first.end)] == exports.KIND_COLOURS[PeriodKind.BLOCK]


def test_planning_shades_the_holiday_week_headers(
    workbook: openpyxl.Workbook, solved: tuple[Scenario, SolveResult]
) -> None:
    _, result = solved
    sheet = workbook["Planning"]
    shaded = {
        cell.value.date()
        for cell in sheet[2][1:]
        if isinstance(cell.value, dt.datetime) and cell.fill.fill_type == "solid"
    }
    assert shaded == exports.holiday_weeks(result.calendar)
    assert dt.date(2026, 12, 21) in shaded  # Christmas, zone A
    assert dt.date(2027, 7, 12) in shaded  # summer
    assert dt.date(2027, 5, 3) not in shaded  # a bridge day alone is not a holiday week


def test_planning_prints_on_a4_landscape_one_page_wide(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Planning"]
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_cols == "$A:$A"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.freeze_panes == "B3"
    assert sheet["B2"].alignment.text_rotation == 90


def test_planning_has_a_legend(workbook: openpyxl.Workbook) -> None:
    texts = [row[0] for row in workbook["Planning"].iter_rows(values_only=True)]
    start = texts.index("Légende")
    legend = texts[start + 1 : start + 6]
    assert legend == [*(exports.KIND_LABELS[k] for k in PeriodKind), legend[-1]]
    assert "vacances" in str(legend[-1])


# --- calendars (ICS) --------------------------------------------------------


def _events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _date(event: icalendar.Event, key: str) -> dt.date:
    value = event.decoded(key)
    assert isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return value


def test_student_ics_has_one_event_per_period_of_whole_days(
    solved: tuple[Scenario, SolveResult],
) -> None:
    scenario, result = solved
    assert result.plan is not None
    plan = result.plan
    student_id = "e01"
    events = _events(exports.student_ics(scenario, plan, student_id, STAMP))
    periods = [p for p in plan.periods if p.student_id == student_id]
    by_uid = {str(e["UID"]): e for e in events}
    for period in periods:
        if period.kind is PeriodKind.MISSIONS:
            days = sorted(d.date for d in plan.days if d.period_id == period.period_id)
            mine = [e for uid, e in by_uid.items() if uid.startswith(f"{period.period_id}-")]
            assert [_date(e, "DTSTART") for e in mine] == days
            assert all(
                _date(e, "DTEND") == _date(e, "DTSTART") + dt.timedelta(days=1) for e in mine
            )
            continue
        event = by_uid[f"{period.period_id}@stageplan"]
        assert _date(event, "DTSTART") == period.start
        assert _date(event, "DTEND") == period.end + dt.timedelta(days=1)
        assert "Sport Horizon" in str(event["SUMMARY"])
        assert "Semaines de stage" in str(event["DESCRIPTION"])
    whole = [p for p in periods if p.kind is not PeriodKind.MISSIONS]
    assert {p.kind for p in whole} >= {PeriodKind.BLOCK, PeriodKind.PERIOD}
    assert len(events) == len(whole) + sum(
        p.days_in_company for p in periods if p.kind is PeriodKind.MISSIONS
    )


def test_student_ics_is_stable(solved: tuple[Scenario, SolveResult]) -> None:
    scenario, result = solved
    assert result.plan is not None
    first = exports.student_ics(scenario, result.plan, "e02", STAMP)
    assert first == exports.student_ics(scenario, result.plan, "e02", STAMP)
    calendar = icalendar.Calendar.from_ical(first)
    assert str(calendar["X-WR-CALNAME"]) == "Stages — Hugo B."


def test_write_all_ics_writes_one_file_per_student_owing_an_internship(
    solved: tuple[Scenario, SolveResult], tmp_path: Path
) -> None:
    scenario, result = solved
    assert result.plan is not None
    written = exports.write_all_ics(tmp_path / "ics", scenario, result.plan, STAMP)
    owing = exports.planned_students(scenario, result.plan)
    assert len(written) == len(owing) == 30
    assert written[0].name == "e01-Léa_M.ics"
    for path in written:
        assert _events(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(exports.all_ics_zip(scenario, result.plan, STAMP))) as zf:
        assert zf.namelist() == [p.name for p in written]
        assert zf.read(written[0].name) == written[0].read_bytes()


def test_a_period_of_single_days_in_a_run_is_one_event(
    solved: tuple[Scenario, SolveResult],
) -> None:
    from models import Period, PlacedDay, Plan

    scenario, _ = solved
    monday = dt.date(2027, 3, 1)
    run = [monday + dt.timedelta(days=i) for i in (3, 4, 7)]  # Thu, Fri, next Mon
    period = Period("e01", "e01-P1", PeriodKind.DAYS, run[0], run[-1], 3, 3, 0, None)
    plan = Plan(days=tuple(PlacedDay("e01", d, "e01-P1") for d in run), periods=(period,))
    (event,) = _events(exports.student_ics(scenario, plan, "e01", STAMP))
    assert _date(event, "DTSTART") == run[0]
    assert _date(event, "DTEND") == run[-1] + dt.timedelta(days=1)
    assert "entreprise à trouver" in str(event["SUMMARY"])


# --- plan ZIP and the command line ----------------------------------------------


def test_plan_zip_holds_the_five_plan_files_as_written(
    solved: tuple[Scenario, SolveResult], plan_dir: Path
) -> None:
    scenario, result = solved
    assert result.plan is not None and result.verdict is not None
    data = exports.plan_zip(
        scenario, result.calendar, result.plan, result.verdict, result.solve_info()
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == list(PLAN_FILES)
        for name in PLAN_FILES[:-1]:  # summary.json's wall time differs
            assert archive.read(name) == (plan_dir / name).read_bytes()


def test_cli_export_writes_the_workbook_and_the_calendars(
    plan_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx, ics = tmp_path / "out" / "classe.xlsx", tmp_path / "agendas"
    assert main(["export", str(plan_dir), "--xlsx", str(xlsx), "--ics", str(ics)]) == 0
    book = openpyxl.load_workbook(xlsx)
    assert _sheet_rows(book["Jours"]) == _csv_rows(plan_dir / "days.csv")
    assert len(list(ics.glob("*.ics"))) == 30
    assert "Écrit" in capsys.readouterr().out


def test_cli_export_defaults_into_the_plan_directory(plan_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "plan"
    copy.mkdir()
    for name in PLAN_FILES:
        (copy / name).write_bytes((plan_dir / name).read_bytes())
    assert main(["export", str(copy)]) == 0
    assert (copy / "planning.xlsx").is_file()
    assert len(list((copy / "agendas").glob("*.ics"))) == 30


def test_cli_export_of_a_missing_directory_says_so_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(tmp_path / "absent")]) == 2
    assert "dossier de plan introuvable" in capsys.readouterr().err
