"""The plan files (planner.plan_io): columns, round trip, atomic replacement."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from models import Calendar, Plan, Scenario, Visit, scenario_from_dict
from planner import plan_io
from planner.calendar import build_calendar
from planner.counting import build_plan
from planner.plan_io import PlanFileError, PlanWriteError, read_plan, weeks_text, write_plan
from planner.validate import Verdict, validate_plan

D = dt.date
SOLVE_INFO: dict[str, Any] = {
    "status": "OPTIMAL",
    "objective": 42.0,
    "best_bound": 42.0,
    "wall_time_s": 0.5,
    "seed": 7,
    "workers": 2,
    "time_limit_s": 60.0,
    "kpis": {"sync_weeks": 3},
    "scenario_file": "scenarios/demo.yaml",
}


def _raw() -> dict[str, Any]:
    return {
        "name": "Classe NRC 1",
        "training": {"first_date": "2026-09-01", "last_date": "2028-06-30", "zone": "A"},
        "rules": {"max_holiday_days": 15},
        "students": [
            {"id": "s1", "name": "Alice Martin", "host": "h1"},
            {"id": "s2", "name": "Chloé Roux", "route": "apprenti"},
        ],
        "hosts": [{"id": "h1", "name": "Boutique Lumière"}],
    }


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return scenario_from_dict(_raw())


@pytest.fixture(scope="module")
def calendar(scenario: Scenario) -> Calendar:
    return build_calendar(scenario)


def _weeks(calendar: Calendar, monday: dt.date, n: int) -> list[dt.date]:
    return [d.date for i in range(n) for d in calendar.weeks[monday + dt.timedelta(weeks=i)]]


def _plan(calendar: Calendar, scenario: Scenario, extra: int = 0) -> tuple[Plan, Verdict]:
    s1 = [
        *_weeks(calendar, D(2027, 1, 4), 6),
        *_weeks(calendar, D(2027, 5, 24), 6),
        *_weeks(calendar, D(2027, 9, 6), 4 + extra),
        D(2027, 3, 2),
    ]
    plan = build_plan(scenario, calendar, {"s1": s1})
    verdict = validate_plan(scenario, calendar, plan)
    assert verdict.ok
    return plan, verdict


def _write(out: Path, scenario: Scenario, calendar: Calendar, extra: int = 0) -> Plan:
    plan, verdict = _plan(calendar, scenario, extra)
    write_plan(out, scenario, calendar, plan, verdict, SOLVE_INFO)
    return plan


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_six_files_with_documented_columns(
    tmp_path: Path, scenario: Scenario, calendar: Calendar
) -> None:
    out = tmp_path / "plan"
    _write(out, scenario, calendar)
    assert sorted(p.name for p in out.iterdir()) == [
        "calendar.csv",
        "days.csv",
        "periods.csv",
        "students.csv",
        "summary.json",
        "visits.csv",
    ]
    assert _rows(out / "calendar.csv")[0] == [
        "date",
        "week_start",
        "school_year",
        "kind",
        "school_holidays",
        "label",
    ]
    assert _rows(out / "days.csv")[0] == ["student_id", "date", "period_id", "host_id"]
    assert _rows(out / "periods.csv")[0] == [
        "student_id",
        "period_id",
        "kind",
        "start",
        "end",
        "weeks",
        "days_in_company",
        "holiday_days",
        "host_id",
    ]
    assert _rows(out / "students.csv")[0] == [
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
    ]
    assert _rows(out / "visits.csv") == [
        ["student_id", "period_id", "teacher_id", "date", "host_id", "town"]
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]  # no temporary left


def test_file_contents(tmp_path: Path, scenario: Scenario, calendar: Calendar) -> None:
    out = tmp_path / "plan"
    _write(out, scenario, calendar)
    calendar_rows = _rows(out / "calendar.csv")
    assert len(calendar_rows) == 1 + (D(2028, 6, 30) - D(2026, 9, 1)).days + 1
    assert calendar_rows[1] == ["2026-09-01", "2026-08-31", "2026-2027", "teaching", "false", ""]
    assert ["2027-05-06", "2027-05-03", "2026-2027", "public_holiday", "true", "Ascension"] in (
        calendar_rows
    )
    days = _rows(out / "days.csv")
    assert len(days) == 1 + 30 + 30 + 20 + 1
    assert days[1] == ["s1", "2027-01-04", "s1-P1", "h1"]
    assert days[31] == ["s1", "2027-03-02", "s1-P2", "h1"]
    assert _rows(out / "periods.csv")[1:] == [
        ["s1", "s1-P1", "block", "2027-01-04", "2027-02-12", "6", "30", "0", "h1"],
        ["s1", "s1-P2", "days", "2027-03-02", "2027-03-02", "0.2", "1", "0", "h1"],
        ["s1", "s1-P3", "block", "2027-05-24", "2027-07-02", "6", "30", "0", "h1"],
        ["s1", "s1-P4", "period", "2027-09-06", "2027-10-01", "4", "20", "0", "h1"],
    ]
    students = _rows(out / "students.csv")
    assert students[1] == [
        "s1", "Alice Martin", "scolaire", "16", "16.2", "6", "0", "60", "", "true", "",
    ]  # fmt: skip
    reason = "apprenti : le contrat de travail tient lieu de stage (§3.2)"
    assert students[2] == [
        "s2",
        "Chloé Roux",
        "apprenti",
        "0",
        "0",
        "0",
        "0",
        "60",
        reason,
        "true",
        "",
    ]


def test_visits_and_referents_round_trip(
    tmp_path: Path, scenario: Scenario, calendar: Calendar
) -> None:
    plan, verdict = _plan(calendar, scenario, 0)
    visit = Visit("s1", "s1-P1", "t1", D(2027, 1, 12), "h1", "Lyon")
    plan = dataclasses.replace(plan, visits=(visit,), referents=(("s1", "t1"),))
    write_plan(tmp_path / "plan", scenario, calendar, plan, verdict, SOLVE_INFO)
    assert _rows(tmp_path / "plan" / "visits.csv")[1] == [
        "s1", "s1-P1", "t1", "2027-01-12", "h1", "Lyon",
    ]  # fmt: skip
    assert _rows(tmp_path / "plan" / "students.csv")[1][-1] == "t1"
    _, back = read_plan(tmp_path / "plan")
    assert back.visits == (visit,) and back.referents == (("s1", "t1"),)


def test_summary_json(tmp_path: Path, scenario: Scenario, calendar: Calendar) -> None:
    out = tmp_path / "plan"
    plan, verdict = _plan(calendar, scenario)
    info = {**SOLVE_INFO, "best_bound": float("inf"), "started": D(2026, 5, 1)}
    write_plan(out, scenario, calendar, plan, verdict, info)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "OPTIMAL" and summary["seed"] == 7 and summary["workers"] == 2
    assert summary["kpis"] == {"sync_weeks": 3}
    assert summary["best_bound"] is None and summary["started"] == "2026-05-01"
    assert summary["scenario"] == "Classe NRC 1" and summary["zone"] == "A"
    assert (summary["first_date"], summary["last_date"]) == ("2026-09-01", "2028-06-30")
    assert summary["num_students"] == 2 and summary["hard_violations"] == 0
    profile = summary["rule_profile"]
    assert profile["name"] == "bts-nrc"
    assert profile["overrides"] == {"max_holiday_days": 15}
    assert profile["parameters"]["max_holiday_days"] == 15
    assert profile["parameters"]["required_weeks"] == 16
    assert scenario_from_dict(summary["scenario_snapshot"]) == scenario


def test_weeks_text() -> None:
    assert [weeks_text(w) for w in (16.0, 15.4, 0.2, 0.0, 10.6)] == [
        "16",
        "15.4",
        "0.2",
        "0",
        "10.6",
    ]


def test_refuses_a_plan_the_validator_rejects(
    tmp_path: Path, scenario: Scenario, calendar: Calendar
) -> None:
    plan = build_plan(scenario, calendar, {"s1": [D(2027, 3, 2)]})
    verdict = validate_plan(scenario, calendar, plan)
    assert not verdict.ok
    with pytest.raises(PlanWriteError, match="refusé par le validateur"):
        write_plan(tmp_path / "plan", scenario, calendar, plan, verdict, SOLVE_INFO)
    assert list(tmp_path.iterdir()) == []


def test_round_trip(tmp_path: Path, scenario: Scenario, calendar: Calendar) -> None:
    out = tmp_path / "plan"
    plan = _write(out, scenario, calendar)
    read_scenario, read = read_plan(out)
    assert read_scenario == scenario
    assert read.days == plan.days
    assert read.periods == plan.periods
    assert validate_plan(read_scenario, calendar, read).ok


def test_refuses_to_overwrite_a_non_plan_directory(
    tmp_path: Path, scenario: Scenario, calendar: Calendar
) -> None:
    out = tmp_path / "mes-documents"
    out.mkdir()
    (out / "notes.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(PlanWriteError, match="n'est pas un dossier de plan stageplan"):
        _write(out, scenario, calendar)
    assert _snapshot(out) == {"notes.txt": "à garder".encode()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mes-documents"]


def test_writes_into_an_empty_directory(
    tmp_path: Path, scenario: Scenario, calendar: Calendar
) -> None:
    out = tmp_path / "plan"
    out.mkdir()
    _write(out, scenario, calendar)
    assert (out / "summary.json").is_file()


def test_replaces_an_earlier_plan(tmp_path: Path, scenario: Scenario, calendar: Calendar) -> None:
    out = tmp_path / "plan"
    _write(out, scenario, calendar)
    (out / "old-extra.txt").write_text("stale", encoding="utf-8")
    plan = _write(out, scenario, calendar, extra=1)
    assert len(_rows(out / "days.csv")) == 1 + len(plan.days) == 1 + 86
    assert not (out / "old-extra.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_failure_mid_write_keeps_the_earlier_plan_whole(
    tmp_path: Path, scenario: Scenario, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "plan"
    _write(out, scenario, calendar)
    before = _snapshot(out)
    real = plan_io.write_synced

    def failing(path: Path, text: str) -> None:
        if path.name == "periods.csv":
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(plan_io, "write_synced", failing)
    with pytest.raises(PlanWriteError, match="écriture du plan impossible"):
        _write(out, scenario, calendar, extra=1)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_failure_at_the_swap_puts_the_earlier_plan_back(
    tmp_path: Path, scenario: Scenario, calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "plan"
    _write(out, scenario, calendar)
    before = _snapshot(out)
    real = os.replace

    def failing(src: Any, dst: Any) -> None:
        if Path(src).name.startswith(".plan.tmp-"):
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(PlanWriteError, match="remplacement du plan impossible"):
        _write(out, scenario, calendar, extra=1)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


@pytest.fixture
def written(tmp_path: Path, scenario: Scenario, calendar: Calendar) -> Path:
    out = tmp_path / "plan"
    _write(out, scenario, calendar)
    return out


def _edit_days(plan_dir: Path, line: int, text: str) -> None:
    path = plan_dir / "days.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_read_plan_bad_date_names_file_line_column(written: Path) -> None:
    _edit_days(written, 3, "s1,2027-02-30,s1-P1,h1")
    with pytest.raises(PlanFileError) as error:
        read_plan(written)
    assert str(error.value) == (
        "days.csv : ligne 3, colonne date : valeur invalide « 2027-02-30 » "
        "(attendu : une date AAAA-MM-JJ)"
    )


def test_read_plan_missing_student_and_duplicate(written: Path) -> None:
    _edit_days(written, 4, ",2027-01-07,s1-P1,h1")
    with pytest.raises(PlanFileError, match=r"^days\.csv : ligne 4, colonne student_id"):
        read_plan(written)
    _edit_days(written, 4, "s1,2027-01-04,s1-P1,h1")
    with pytest.raises(PlanFileError, match=r"^days\.csv : ligne 4 : jour en double .*ligne 2"):
        read_plan(written)


def test_read_plan_missing_column_and_file(written: Path) -> None:
    _edit_days(written, 1, "student_id,date,period_id")
    with pytest.raises(PlanFileError, match=r"^days\.csv : ligne 1 : .*host_id"):
        read_plan(written)
    (written / "days.csv").unlink()
    with pytest.raises(PlanFileError, match=r"^days\.csv : fichier manquant"):
        read_plan(written)
    (written / "summary.json").write_text("{", encoding="utf-8")
    with pytest.raises(
        PlanFileError, match=r"^summary\.json : ligne 1, colonne 2 : JSON invalide"
    ):
        read_plan(written)


def test_read_plan_accepts_a_spreadsheet_edit(written: Path) -> None:
    # A French spreadsheet saves with semicolons and may write JJ/MM/AAAA dates.
    path = written / "days.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    edited = [lines[0].replace(",", ";"), "s1;08/03/2027;;h1"]
    edited += [line.replace(",", ";") for line in lines[1:] if "2027-03-02" not in line]
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    _, plan = read_plan(written)
    assert D(2027, 3, 8) in plan.dates_of("s1") and D(2027, 3, 2) not in plan.dates_of("s1")
    assert len(plan.days) == 81
    assert plan.days == tuple(sorted(plan.days))


def test_read_plan_missing_holiday_calendar(tmp_path: Path) -> None:
    holidays = tmp_path / "vacances.csv"
    holidays.write_text(
        "start,end,label\n2027-07-03,2027-08-31,Vacances d'été\n", encoding="utf-8"
    )
    raw = _raw()
    raw["training"] = {
        "first_date": "2026-09-01",
        "last_date": "2027-06-30",
        "zone": None,
        "holiday_calendar": str(holidays),
    }
    scenario = scenario_from_dict(raw)
    calendar = build_calendar(scenario)
    plan = build_plan(scenario, calendar, {})
    verdict = validate_plan(scenario, calendar, plan)
    assert not verdict.ok  # s1 has no day
    apprentice_only = scenario.model_copy(update={"students": scenario.students[1:]})
    verdict = validate_plan(apprentice_only, calendar, plan)
    write_plan(tmp_path / "plan", apprentice_only, calendar, plan, verdict, SOLVE_INFO)
    holidays.unlink()
    with pytest.raises(PlanFileError, match=r"holiday_calendar .*vacances\.csv n'existe plus"):
        read_plan(tmp_path / "plan")


def test_read_plan_without_directory(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="dossier de plan introuvable"):
        read_plan(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PlanFileError, match=r"^summary\.json : fichier manquant"):
        read_plan(tmp_path / "empty")
