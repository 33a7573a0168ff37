"""Exports of a plan: the Excel workbook (tables of plan-output.md, the
Planning grid, page setup), the calendars (ICS) of the students, of the
teachers' visits (R12) and of the hosts, the ZIPs and ``stageplan export``."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import math
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import icalendar
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from page_support import default_solved

from models import PeriodKind, Plan, Scenario, Visit, monday_of, requirement_of
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


def hand_made_visits(scenario: Scenario, plan: Plan) -> Plan:
    """The plan with R12 visits made as a team would by hand: referents round
    the team (a named referent kept), one visit per period of full weeks,
    two per block (one in each half), on the first day of the part the
    referent visits and still has room that week."""
    team = itertools.cycle([t for t in scenario.teachers if t.max_visits_per_week > 0])
    students = {s.id: s for s in scenario.students}
    teachers = {t.id: t for t in scenario.teachers}
    days: dict[str, list[dt.date]] = defaultdict(list)
    for day in plan.days:
        days[day.period_id].append(day.date)
    referents: dict[str, str] = {}
    load: Counter[tuple[str, dt.date]] = Counter()
    visits = []
    for period in sorted(plan.periods, key=lambda p: (p.start, p.student_id)):
        owed = {PeriodKind.BLOCK: 2, PeriodKind.PERIOD: 1}.get(period.kind, 0)
        if not owed:
            continue
        sid = period.student_id
        referents.setdefault(sid, students[sid].referent or next(team).id)
        teacher = teachers[referents[sid]]
        dates = sorted(days[period.period_id])
        size = math.ceil(len(dates) / owed)
        for k in range(owed):
            part = dates[k * size : (k + 1) * size]
            fits = [
                d
                for d in part
                if d.weekday() in {w.number for w in teacher.visit_days}
                and load[teacher.id, monday_of(d)] < teacher.max_visits_per_week
            ]
            date = (fits or part)[0]
            load[teacher.id, monday_of(date)] += 1
            host = scenario.host(period.host_id)
            town = host.town if host is not None else ""
            visits.append(Visit(sid, period.period_id, teacher.id, date, period.host_id, town))
    return dataclasses.replace(
        plan, visits=tuple(sorted(visits)), referents=tuple(sorted(referents.items()))
    )


@pytest.fixture(scope="module")
def visited(solved: tuple[Scenario, SolveResult]) -> tuple[Scenario, Plan]:
    """The default plan with its visits: the solver's (R12 stage), else hand-made."""
    scenario, result = solved
    assert result.plan is not None
    plan = result.plan if result.plan.visits else hand_made_visits(scenario, result.plan)
    assert len(plan.visits) > 60
    return scenario, plan


@pytest.fixture(scope="module")
def visited_dir(
    solved: tuple[Scenario, SolveResult],
    visited: tuple[Scenario, Plan],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    scenario, result = solved
    _, plan = visited
    assert result.verdict is not None
    out = tmp_path_factory.mktemp("visited") / "default"
    write_plan(out, scenario, result.calendar, plan, result.verdict, result.solve_info())
    return out


def visit_rows(plan_dir: Path, plan: Plan) -> list[dict[str, str]]:
    """The rows of ``visits.csv`` as written by plan_io (or, for a plan
    directory without it, the plan's visits as such rows)."""
    path = plan_dir / "visits.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    return [
        {
            "student_id": v.student_id,
            "period_id": v.period_id,
            "teacher_id": v.teacher_id,
            "date": v.date.isoformat(),
            "host_id": v.host_id or "",
            "town": v.town,
        }
        for v in plan.visits
    ]


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
        "Visites",
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
        ("Visites", "visits.csv"),
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


def test_write_all_ics_writes_one_file_per_student_teacher_and_host(
    visited: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    scenario, plan = visited
    root = tmp_path / "ics"
    written = exports.write_all_ics(root, scenario, plan, STAMP)
    names = [p.relative_to(root).as_posix() for p in written]
    students = [n for n in names if "/" not in n]
    teachers = [n for n in names if n.startswith("enseignants/")]
    hosts = [n for n in names if n.startswith("entreprises/")]
    assert names == students + teachers + hosts
    assert len(students) == len(exports.planned_students(scenario, plan)) == 30
    assert students[0] == "e01-Léa_M.ics"
    visiting = [t for t in scenario.teachers if any(v.teacher_id == t.id for v in plan.visits)]
    assert teachers == [
        f"enseignants/{exports.teacher_ics_file_name(scenario, t.id)}" for t in visiting
    ]
    assert "enseignants/p-durand-Mme_Durand.ics" in teachers
    hosting = {p.host_id for p in plan.periods}
    assert hosts == [f"entreprises/{h.id}.ics" for h in scenario.hosts if h.id in hosting]
    assert len(hosts) >= 20
    for path in written:
        assert _events(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(exports.all_ics_zip(scenario, plan, STAMP))) as zf:
        assert zf.namelist() == names
        for name, path in zip(names, written, strict=True):
            assert zf.read(name) == path.read_bytes()


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


# --- calendars of the teachers' visits (R12) and of the hosts ------------------


def _visit_key(event: icalendar.Event) -> tuple[dt.date, str]:
    return _date(event, "DTSTART"), str(event["SUMMARY"])


def test_teacher_ics_has_one_event_per_visit_of_visits_csv(
    visited: tuple[Scenario, Plan], visited_dir: Path
) -> None:
    scenario, plan = visited
    rows = visit_rows(visited_dir, plan)
    assert len(rows) == len(plan.visits)
    names = {s.id: s.name for s in scenario.students}
    hosts = {h.id: f"chez {h.name}" for h in scenario.hosts} | {"": "(entreprise à trouver)"}
    calendars = exports.teacher_calendars(scenario, plan, STAMP)
    assert set(calendars) == {row["teacher_id"] for row in rows}
    for teacher_id, data in calendars.items():
        events = _events(data)
        expected = sorted(
            (
                dt.date.fromisoformat(row["date"]),
                f"Visite de stage — {names[row['student_id']]} {hosts[row['host_id']]}",
            )
            for row in rows
            if row["teacher_id"] == teacher_id
        )
        assert sorted(_visit_key(e) for e in events) == expected
        assert all(_date(e, "DTEND") == _date(e, "DTSTART") + dt.timedelta(days=1) for e in events)
        uids = [str(e["UID"]) for e in events]
        assert len(set(uids)) == len(uids)
    assert sum(len(_events(data)) for data in calendars.values()) == len(rows)


def test_a_visit_event_has_the_host_address_tutor_and_period(
    visited: tuple[Scenario, Plan],
) -> None:
    scenario, plan = visited
    block = next(p for p in plan.periods if p.student_id == "e01" and p.kind is PeriodKind.BLOCK)
    visit = min(v for v in plan.visits if v.period_id == block.period_id)
    events = _events(exports.teacher_ics(scenario, plan, visit.teacher_id, STAMP))
    (event,) = [e for e in events if str(e["UID"]) == f"visite-{block.period_id}-1@stageplan"]
    assert _date(event, "DTSTART") == visit.date
    assert str(event["SUMMARY"]) == (
        "Visite de stage — Léa M. chez Sport Horizon Villeurbanne (articles de sport)"
    )
    assert str(event["LOCATION"]) == "12 rue Francis de Pressensé, 69100 Villeurbanne"
    description = str(event["DESCRIPTION"])
    assert "Tuteur : Nadia Benali, Responsable de magasin" in description
    assert "Courriel du tuteur : n.benali@sport-horizon.example" in description
    assert f"du {block.start:%d/%m/%Y} au {block.end:%d/%m/%Y}" in description
    assert "Visite 1 sur 2 de la période" in description
    calendar = icalendar.Calendar.from_ical(exports.teacher_ics(scenario, plan, visit.teacher_id))
    assert str(calendar["X-WR-CALNAME"]).startswith("Visites de stage — ")


def test_teacher_uids_are_stable_when_a_visit_moves(visited: tuple[Scenario, Plan]) -> None:
    scenario, plan = visited
    one = next(v for v in plan.visits if sum(w.period_id == v.period_id for w in plan.visits) == 1)
    period = next(p for p in plan.periods if p.period_id == one.period_id)
    other_day = next(
        d.date for d in plan.days if d.period_id == one.period_id and d.date != one.date
    )
    moved = dataclasses.replace(
        plan,
        visits=tuple(
            dataclasses.replace(v, date=other_day) if v == one else v for v in plan.visits
        ),
    )
    uid = f"visite-{period.period_id}-1@stageplan"
    before = {
        str(e["UID"]): e
        for e in _events(exports.teacher_ics(scenario, plan, one.teacher_id, STAMP))
    }
    after = {
        str(e["UID"]): e
        for e in _events(exports.teacher_ics(scenario, moved, one.teacher_id, STAMP))
    }
    assert set(before) == set(after)
    assert (_date(before[uid], "DTSTART"), _date(after[uid], "DTSTART")) == (one.date, other_day)
    again = exports.teacher_ics(scenario, plan, one.teacher_id, STAMP)
    assert again == exports.teacher_ics(scenario, plan, one.teacher_id, STAMP)


def test_host_ics_events_are_the_hosts_periods(visited: tuple[Scenario, Plan]) -> None:
    scenario, plan = visited
    calendars = exports.host_calendars(scenario, plan, STAMP)
    assert set(calendars) == {p.host_id for p in plan.periods if p.host_id is not None}
    for host_id, data in calendars.items():
        events = _events(data)
        periods = {p.period_id: p for p in plan.periods if p.host_id == host_id}
        seen: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for event in events:
            uid = str(event["UID"]).removeprefix("entreprise-").removesuffix("@stageplan")
            period_id = uid if uid in periods else uid.rsplit("-", 1)[0]
            seen[period_id].append(
                (_date(event, "DTSTART"), _date(event, "DTEND") - dt.timedelta(days=1))
            )
        assert set(seen) == set(periods)
        for period_id, spans in seen.items():
            period = periods[period_id]
            if period.kind is PeriodKind.MISSIONS:  # scattered days: one event each
                days = sorted(d.date for d in plan.days if d.period_id == period_id)
                assert sorted(spans) == [(d, d) for d in days]
            else:
                assert spans == [(period.start, period.end)]


def test_a_host_event_names_the_intern_the_referent_and_the_visits(
    visited: tuple[Scenario, Plan],
) -> None:
    scenario, plan = visited
    block = next(p for p in plan.periods if p.student_id == "e01" and p.kind is PeriodKind.BLOCK)
    events = _events(exports.host_ics(scenario, plan, "sport-horizon", STAMP))
    (event,) = [e for e in events if str(e["UID"]) == f"entreprise-{block.period_id}@stageplan"]
    assert str(event["SUMMARY"]) == "Stage en bloc — Léa M."
    referent = plan.referent_of("e01")
    assert referent is not None
    teacher = scenario.teacher(referent).name
    description = str(event["DESCRIPTION"])
    assert f"Professeur référent : {teacher}" in description
    visits = sorted(v for v in plan.visits if v.period_id == block.period_id)
    assert (
        "Visites prévues : " + ", ".join(f"{v.date:%d/%m/%Y} ({teacher})" for v in visits)
        in description
    )


def test_without_visits_no_teacher_calendar_is_made(
    solved: tuple[Scenario, SolveResult],
) -> None:
    scenario, result = solved
    assert result.plan is not None
    bare = dataclasses.replace(result.plan, visits=(), referents=())
    assert exports.teacher_calendars(scenario, bare, STAMP) == {}
    files = exports.calendar_files(scenario, bare, STAMP)
    assert not [name for name in files if name.startswith("enseignants/")]
    assert [name for name in files if name.startswith("entreprises/")]


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


def test_cli_export_writes_the_teachers_and_hosts_calendars(
    visited: tuple[Scenario, Plan], visited_dir: Path, tmp_path: Path
) -> None:
    scenario, plan = visited
    ics = tmp_path / "agendas"
    assert main(["export", str(visited_dir), "--ics", str(ics)]) == 0
    rows = visit_rows(visited_dir, plan)
    teachers = sorted((ics / "enseignants").glob("*.ics"))
    assert [p.name for p in teachers] == sorted(
        exports.teacher_ics_file_name(scenario, teacher_id)
        for teacher_id in {row["teacher_id"] for row in rows}
    )
    dates = sorted(_date(e, "DTSTART") for path in teachers for e in _events(path.read_bytes()))
    assert dates == sorted(dt.date.fromisoformat(row["date"]) for row in rows)
    hosts = {p.stem for p in (ics / "entreprises").glob("*.ics")}
    assert hosts == {p.host_id for p in plan.periods if p.host_id is not None}


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


# --- pseudonymised exports (RGPD) -------------------------------------------------


def test_pseudonymised_calendars_are_named_by_id(visited: tuple[Scenario, Plan]) -> None:
    from planner.privacy import pseudonymise

    scenario, plan = visited
    masked = pseudonymise(scenario)
    assert exports.ics_file_name(scenario, "e02") == "e02-Hugo_B.ics"
    assert exports.ics_file_name(masked, "e02") == "e02.ics"
    teacher = scenario.teachers[0].id
    assert exports.teacher_ics_file_name(masked, teacher) == f"{teacher}.ics"
    files = exports.calendar_files(masked, plan, STAMP)
    text = b"\n".join(files.values()).decode("utf-8").replace("\r\n ", "")
    names = [s.name for s in scenario.students] + [t.name for t in scenario.teachers]
    tutors = [h.tutor.email for h in scenario.hosts if h.tutor and h.tutor.email]
    assert not [n for n in (*names, *tutors) if n in text or n in "".join(files)]


def test_export_plan_dir_pseudonymous_names_no_student(
    solved: tuple[Scenario, SolveResult], plan_dir: Path, tmp_path: Path
) -> None:
    scenario, _ = solved
    xlsx = tmp_path / "partage.xlsx"
    written, verdict = exports.export_plan_dir(plan_dir, xlsx, None, pseudonymous=True)
    assert written == [xlsx] and verdict.ok
    book = openpyxl.load_workbook(xlsx)
    cells = {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for v in row if v is not None}  # fmt: skip
    assert not cells & {s.name for s in scenario.students}
    assert {"e01", "e02"} <= cells
    named = tmp_path / "nominatif.xlsx"
    exports.export_plan_dir(plan_dir, named, None)
    rows = openpyxl.load_workbook(named)["Élèves"].iter_rows(values_only=True)
    assert "Hugo B." in {row[1] for row in rows}


def test_every_calendar_made_at_once_equals_the_one_made_alone(
    visited: tuple[Scenario, Plan],
) -> None:
    # The batch builds its indices once for every teacher and host: each
    # calendar must still be the one its own function makes.
    scenario, plan = visited
    teachers = exports.teacher_calendars(scenario, plan, STAMP)
    hosts = exports.host_calendars(scenario, plan, STAMP)
    assert teachers and hosts
    for teacher_id, data in teachers.items():
        assert data == exports.teacher_ics(scenario, plan, teacher_id, STAMP)
    for host_id, data in hosts.items():
        assert data == exports.host_ics(scenario, plan, host_id, STAMP)
    assert set(hosts) == {p.host_id for p in plan.periods if p.host_id is not None}
    assert set(teachers) == {v.teacher_id for v in plan.visits}
