"""The plan files of ``plan-output.md``: writing them atomically, reading
them back for ``stageplan check``.

A plan directory holds ``calendar.csv``, ``days.csv``, ``periods.csv``,
``students.csv``, ``visits.csv`` (R12) and ``summary.json``; the last one carries a snapshot of
the scenario, so that a directory can be checked again on its own.
Nothing is written unless the validator accepted the plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import math
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, Final, TypeVar

from models import (
    Calendar,
    Period,
    PeriodKind,
    PlacedDay,
    Plan,
    Scenario,
    ScenarioError,
    Visit,
    scenario_from_dict,
)

from .atomic import fsync_dir, swap_into_place, write_synced
from .validate import StudentCheck, Verdict

CALENDAR_COLUMNS: Final = ("date", "week_start", "school_year", "kind", "school_holidays", "label")
DAYS_COLUMNS: Final = ("student_id", "date", "period_id", "host_id")
PERIODS_COLUMNS: Final = (
    "student_id",
    "period_id",
    "kind",
    "start",
    "end",
    "weeks",
    "days_in_company",
    "holiday_days",
    "host_id",
)
STUDENTS_COLUMNS: Final = (
    "student_id",
    "name",
    "route",
    "required_weeks",
    "placed_weeks",
    "longest_block_weeks",
    "holiday_days",
    "summer_rest_days",
    "exempt_reason",
    "ok",
    "referent_id",
)
VISITS_COLUMNS: Final = ("student_id", "period_id", "teacher_id", "date", "host_id", "town")
SUMMARY_FILE: Final = "summary.json"
VISITS_FILE: Final = "visits.csv"
PLAN_FILES: Final = (
    "calendar.csv",
    "days.csv",
    "periods.csv",
    "students.csv",
    VISITS_FILE,
    SUMMARY_FILE,
)

#: Upper bound on a plan file read back (a class plan is a few hundred kB).
MAX_FILE_BYTES: Final = 20_000_000

Cell = str | int | float | bool | dt.date | None
_T = TypeVar("_T")


class PlanWriteError(Exception):
    """A plan that must not or cannot be written; the message is French."""


class PlanFileError(Exception):
    """A plan directory that cannot be read back; the message names the file,
    the line and the column, in French."""


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def write_plan(
    out_dir: Path,
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    verdict: Verdict,
    solve_info: Mapping[str, Any],
) -> None:
    """Write the five plan files into ``out_dir``, atomically.

    Everything is written into a temporary sibling directory, synced to
    disk, then swapped into place: a reader sees the old plan whole or the
    new one whole, never a half-written one.

    Parameters
    ----------
    out_dir
        The plan directory. It may not exist yet, be empty, or be an
        earlier plan directory (it holds ``summary.json``), which is replaced.
    scenario, calendar, plan
        What was solved and the plan found.
    verdict
        The validator's verdict on ``plan``; it must be ok.
    solve_info
        Solve figures for ``summary.json`` (status, objective, best_bound,
        wall_time_s, seed, workers, time_limit_s, kpis, scenario_file...).

    Raises
    ------
    PlanWriteError
        When the verdict is not ok, when ``out_dir`` holds something else
        than a plan, or when the files cannot be written.
    """
    if not verdict.ok:
        raise PlanWriteError(
            f"plan refusé par le validateur ({verdict.hard_violations} violation(s) des règles) "
            f": rien n'est écrit dans {out_dir}"
        )
    out_dir = Path(out_dir)
    _check_target(out_dir)
    contents = _plan_contents(scenario, calendar, plan, verdict, solve_info)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    except OSError as error:
        raise PlanWriteError(
            f"{out_dir} : dossier impossible à créer ({error.strerror})"
        ) from None
    try:
        _write_files(staging, contents)
        _check_target(out_dir)  # again: it may have changed while writing
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_target(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise PlanWriteError(f"{out_dir} existe et n'est pas un dossier : plan non écrit")
    if any(out_dir.iterdir()) and not (out_dir / SUMMARY_FILE).is_file():
        raise PlanWriteError(
            f"{out_dir} n'est pas vide et n'est pas un dossier de plan stageplan "
            f"(pas de {SUMMARY_FILE}) : il n'est pas remplacé ; choisissez un autre dossier "
            "avec --out"
        )


def _plan_contents(
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    verdict: Verdict,
    solve_info: Mapping[str, Any],
) -> dict[str, str]:
    return {
        "calendar.csv": _csv_text(CALENDAR_COLUMNS, _calendar_rows(calendar)),
        "days.csv": _csv_text(DAYS_COLUMNS, _days_rows(plan.days)),
        "periods.csv": _csv_text(PERIODS_COLUMNS, _periods_rows(plan.periods)),
        "students.csv": _csv_text(
            STUDENTS_COLUMNS, _students_rows(scenario, verdict.students, plan)
        ),
        VISITS_FILE: _csv_text(VISITS_COLUMNS, _visits_rows(plan.visits)),
        SUMMARY_FILE: _summary_text(scenario, calendar, verdict, solve_info),
    }


def _write_files(directory: Path, contents: Mapping[str, str]) -> None:
    try:
        for name in PLAN_FILES:
            write_synced(directory / name, contents[name])
        fsync_dir(directory)
    except OSError as error:
        raise PlanWriteError(
            f"{directory.parent} : écriture du plan impossible ({error.strerror})"
        ) from None


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` at ``out_dir``; an earlier plan is removed only after."""
    try:
        swap_into_place(staging, out_dir)
    except OSError as error:
        raise PlanWriteError(
            f"{out_dir} : remplacement du plan impossible ({error.strerror})"
        ) from None


def _csv_text(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return weeks_text(value)
    return str(value)


def weeks_text(weeks: float) -> str:
    """Weeks as written in the plan files: ``16``, ``15.4``, ``0.2``."""
    whole, fifths = divmod(round(weeks * 5), 5)
    return str(whole) if fifths == 0 else f"{whole}.{2 * fifths}"


def _calendar_rows(calendar: Calendar) -> Iterable[Sequence[Cell]]:
    for day in calendar.days:
        yield (
            day.date,
            day.week_start,
            day.school_year,
            day.kind.value,
            day.school_holidays,
            day.label,
        )


def _days_rows(days: Iterable[PlacedDay]) -> Iterable[Sequence[Cell]]:
    for day in days:
        yield (day.student_id, day.date, day.period_id, day.host_id)


def _periods_rows(periods: Iterable[Period]) -> Iterable[Sequence[Cell]]:
    for p in periods:
        yield (
            p.student_id,
            p.period_id,
            p.kind.value,
            p.start,
            p.end,
            p.weeks,
            p.days_in_company,
            p.holiday_days,
            p.host_id,
        )


def _visits_rows(visits: Iterable[Visit]) -> Iterable[Sequence[Cell]]:
    for v in visits:
        yield (v.student_id, v.period_id, v.teacher_id, v.date, v.host_id, v.town)


def _students_rows(
    scenario: Scenario, checks: Iterable[StudentCheck], plan: Plan | None = None
) -> Iterable[Sequence[Cell]]:
    students = {s.id: s for s in scenario.students}
    for check in checks:
        student = students[check.student_id]
        yield (
            check.student_id,
            student.name,
            student.route.value,
            check.required_weeks,
            float(check.placed_weeks),
            check.longest_block_weeks,
            check.holiday_days,
            check.summer_rest_days,
            check.exempt_reason,
            check.ok,
            plan.referent_of(check.student_id) if plan is not None else None,
        )


# --- summary.json ---


def _summary_text(
    scenario: Scenario, calendar: Calendar, verdict: Verdict, solve_info: Mapping[str, Any]
) -> str:
    rules = scenario.rules
    summary: dict[str, Any] = dict(solve_info)
    summary.update(
        scenario=scenario.name,
        zone=scenario.training.zone,
        first_date=calendar.first_date.isoformat(),
        last_date=calendar.last_date.isoformat(),
        num_students=len(scenario.students),
        rule_profile={
            "name": rules.name,
            "parameters": rules.model_dump(mode="json", exclude={"name"}),
            "overrides": rules.overrides(),
        },
        hard_violations=verdict.hard_violations,
        replay=replay_key(scenario, solve_info),
        scenario_snapshot=scenario.model_dump(mode="json"),
    )
    return json.dumps(_plain(summary), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def replay_key(scenario: Scenario, solve_info: Mapping[str, Any]) -> dict[str, Any]:
    """What must be the same for a solve to give this plan again, byte for
    byte: the scenario's content (its digest; ``scenario_snapshot`` holds it
    whole), the seed, the number of workers, the deterministic time limit,
    and the versions of stageplan and OR-Tools."""
    content = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return {
        "scenario_sha256": hashlib.sha256(content.encode("utf-8")).hexdigest(),
        "seed": solve_info.get("seed"),
        "workers": solve_info.get("workers"),
        "time_limit_s": solve_info.get("time_limit_s"),
        "stageplan": _version("stageplan"),
        "ortools": _version("ortools"),
    }


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "inconnue"


def _plain(value: Any) -> Any:
    """JSON-ready: dates ISO, paths and enums as text, NaN and infinities None."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def read_plan(plan_dir: Path) -> tuple[Scenario, Plan]:
    """Read a plan directory back, e.g. after a teacher edited ``days.csv``.

    Parameters
    ----------
    plan_dir
        A directory written by :func:`write_plan`.

    Returns
    -------
    tuple[Scenario, Plan]
        The scenario of ``summary.json``'s snapshot and the plan of
        ``days.csv`` (with ``periods.csv`` when present). Days come in
        scenario order of students, then by date. The periods are shown
        as written: the validator recomputes everything from the days.

    Raises
    ------
    PlanFileError
        A French message naming the file, the line and the column.
    """
    plan_dir = Path(plan_dir)
    if not plan_dir.is_dir():
        raise PlanFileError(f"{plan_dir} : dossier de plan introuvable")
    scenario = _read_scenario(plan_dir / SUMMARY_FILE)
    days = _read_days(plan_dir / "days.csv")
    order = {s.id: i for i, s in enumerate(scenario.students)}
    days.sort(key=lambda d: (order.get(d.student_id, len(order)), d.student_id, d.date))
    periods_file = plan_dir / "periods.csv"
    periods = _read_periods(periods_file) if periods_file.exists() else []
    visits_file = plan_dir / VISITS_FILE
    visits = _read_visits(visits_file) if visits_file.exists() else []
    students_file = plan_dir / "students.csv"
    referents = _read_referents(students_file) if students_file.exists() else ()
    plan = Plan(
        days=tuple(days), periods=tuple(periods), visits=tuple(visits), referents=referents
    )
    return scenario, plan


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PlanFileError(f"{path.name} : fichier trop volumineux (20 Mo au plus)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanFileError(f"{path.name} : fichier manquant dans {path.parent}") from None
    except OSError as error:
        raise PlanFileError(f"{path.name} : fichier illisible ({error.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # re-saved by a spreadsheet


def _read_scenario(path: Path) -> Scenario:
    try:
        summary = json.loads(_read_text(path))
    except json.JSONDecodeError as error:
        raise PlanFileError(
            f"{path.name} : ligne {error.lineno}, colonne {error.colno} : JSON invalide "
            f"({error.msg})"
        ) from None
    snapshot = summary.get("scenario_snapshot") if isinstance(summary, dict) else None
    if not isinstance(snapshot, dict):
        raise PlanFileError(f"{path.name} : champ scenario_snapshot manquant ou invalide")
    try:
        scenario = scenario_from_dict(snapshot, source=f"{path.name} (scenario_snapshot)")
    except ScenarioError as error:
        raise PlanFileError(str(error)) from None
    calendar_file = scenario.training.holiday_calendar
    if calendar_file is not None and not Path(calendar_file).is_file():
        raise PlanFileError(
            f"{path.name} : scenario_snapshot.training.holiday_calendar : le calendrier des "
            f"vacances {calendar_file} n'existe plus ; remettez-le à cette place"
        )
    return scenario


def _csv_rows(path: Path, columns: Sequence[str]) -> Iterable[tuple[int, dict[str, str]]]:
    """Rows of a plan CSV with their line numbers; checks the header."""
    text = _read_text(path)
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        raise PlanFileError(
            f"{path.name} : ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}"
        )
    reader.fieldnames = header
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if any(values.values()):
            yield reader.line_num, values


def _read_days(path: Path) -> list[PlacedDay]:
    days: list[PlacedDay] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for line, row in _csv_rows(path, DAYS_COLUMNS):
        student_id = _required(path, line, row, "student_id")
        date = _date(path, line, row, "date")
        if (student_id, date) in seen:
            raise PlanFileError(
                f"{path.name} : ligne {line} : jour en double ({student_id}, {date.isoformat()}, "
                f"déjà ligne {seen[student_id, date]})"
            )
        seen[student_id, date] = line
        days.append(PlacedDay(student_id, date, row["period_id"], row["host_id"] or None))
    return days


def _read_visits(path: Path) -> list[Visit]:
    return sorted(
        Visit(
            student_id=_required(path, line, row, "student_id"),
            period_id=row["period_id"],
            teacher_id=_required(path, line, row, "teacher_id"),
            date=_date(path, line, row, "date"),
            host_id=row["host_id"] or None,
            town=row["town"],
        )
        for line, row in _csv_rows(path, VISITS_COLUMNS)
    )


def _read_referents(path: Path) -> tuple[tuple[str, str], ...]:
    """(student, referent) pairs of ``students.csv`` (older plans have none)."""
    if "referent_id" not in _read_text(path).splitlines()[0]:
        return ()
    return tuple(
        (row["student_id"], row["referent_id"])
        for _, row in _csv_rows(path, ("student_id", "referent_id"))
        if row["referent_id"]
    )


def _read_periods(path: Path) -> list[Period]:
    return [
        Period(
            student_id=_required(path, line, row, "student_id"),
            period_id=_required(path, line, row, "period_id"),
            kind=_parsed(path, line, row, "kind", PeriodKind, "block, period, days ou missions"),
            start=_date(path, line, row, "start"),
            end=_date(path, line, row, "end"),
            units=_parsed(path, line, row, "weeks", _units, "un nombre de semaines"),
            days_in_company=_parsed(path, line, row, "days_in_company", int, "un entier"),
            holiday_days=_parsed(path, line, row, "holiday_days", int, "un entier"),
            host_id=row["host_id"] or None,
        )
        for line, row in _csv_rows(path, PERIODS_COLUMNS)
    ]


def _units(text: str) -> int:
    return round(float(text.replace(",", ".")) * 5)


def _where(path: Path, line: int, column: str) -> str:
    return f"{path.name} : ligne {line}, colonne {column}"


def _required(path: Path, line: int, row: Mapping[str, str], column: str) -> str:
    if not row[column]:
        raise PlanFileError(f"{_where(path, line, column)} : valeur manquante")
    return row[column]


def _date(path: Path, line: int, row: Mapping[str, str], column: str) -> dt.date:
    return _parsed(path, line, row, column, _parse_date, "une date AAAA-MM-JJ")


def _parse_date(text: str) -> dt.date:
    """ISO dates, and the JJ/MM/AAAA a French spreadsheet may save."""
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    return dt.date.fromisoformat(text)


def _parsed(
    path: Path,
    line: int,
    row: Mapping[str, str],
    column: str,
    parse: Callable[[str], _T],
    expected: str,
) -> _T:
    text = _required(path, line, row, column)
    try:
        return parse(text)
    except ValueError:
        raise PlanFileError(
            f"{_where(path, line, column)} : valeur invalide « {text} » (attendu : {expected})"
        ) from None
