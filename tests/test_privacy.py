"""Personal data (RGPD): pseudonymised exports name no one in any format
(plan ZIP, workbook, calendars, Gantt; from the library, ``stageplan
export --pseudonyme``, ``stageplan solve --pseudonyme`` and the Exporter
page), yet give the same plan; and no name reaches a log (the CLI's
internal errors, the solver, Streamlit's loggers)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from factories import B, C, D, raw_scenario, span, student
from page_support import app_on
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard.charts import class_gantt
from dashboard.export_figures import gantt_html
from models import Scenario, scenario_from_dict
from planner import exports
from planner.cli import main
from planner.plan_io import read_plan, write_plan
from planner.privacy import (
    MASKED_REASON,
    pseudonymise,
    pseudonymise_solve_info,
    shared_plan,
)
from planner.solve import SolveResult, SolveSettings, solve

SIXTEEN = [B, C, span(D(2027, 5, 10), 4)]
STAMP = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)

STUDENT_NAMES = ("Zoé Confidentielle", "Marius Secretnom", "Inès Privée")
#: Every personal detail of the scenario below: none may be in a shared file.
PERSONAL = (
    *STUDENT_NAMES,
    "Raison médicale de Zoé",
    "Hospitalisation",
    "VAE obtenue",
    "Gérard Tuteurnom",
    "gerard.tuteur@exemple.fr",
    "Sophie Tutrice",
    "s.tutrice@exemple.fr",
    "7 rue du Secret",
    "12 avenue Cachée",
    "Mme Profnom",
    "M. Enseignom",
    "M. Proviseurnom",
    "appelée le 3 mai",
    "Boulangerie Dupuis",
    "Librairie Martin",
)
IDS = ("s1", "s2")  # the students with an internship (s3 is exempt)


def named_raw() -> dict[str, Any]:
    """A small class with every kind of personal detail a scenario holds."""
    raw = raw_scenario(
        [
            student(
                "s1",
                name=STUDENT_NAMES[0],
                host="h1",
                reduced_weeks=12,
                reduction_reason="Raison médicale de Zoé",
                unavailable=[
                    {"start": "2026-10-05", "end": "2026-10-09", "label": "Hospitalisation"}
                ],
            ),
            student("s2", name=STUDENT_NAMES[1], host="h2", referent="t1"),
            student("s3", name=STUDENT_NAMES[2], host="h1", exemption_reason="VAE obtenue"),
        ],
        open_ranges=SIXTEEN,
        hosts=[
            {
                "id": "h1",
                "name": "Boulangerie Dupuis",
                "address": "7 rue du Secret",
                "postcode": "69001",
                "town": "Lyon",
                "tutor": {
                    "name": "Gérard Tuteurnom",
                    "function": "Gérant",
                    "email": "gerard.tuteur@exemple.fr",
                },
            },
            {
                "id": "h2",
                "name": "Librairie Martin",
                "address": "12 avenue Cachée",
                "postcode": "69100",
                "town": "Villeurbanne",
                "tutor": {"name": "Sophie Tutrice", "email": "s.tutrice@exemple.fr"},
            },
        ],
    )
    raw["teachers"] = [
        {"id": "t1", "name": "Mme Profnom", "visit_days": ["mardi", "jeudi"], "town": "Lyon"},
        {"id": "t2", "name": "M. Enseignom", "visit_days": ["lundi"], "town": "Bron"},
    ]
    raw["description"] = f"La classe de {STUDENT_NAMES[0]} et de {STUDENT_NAMES[1]}."
    raw["school"] = {"name": "Lycée du Test", "head": "M. Proviseurnom"}
    raw["conventions"] = [
        {"student": "s2", "start": "2027-01-04", "end": "2027-02-12", "note": "appelée le 3 mai"}
    ]
    return raw


@pytest.fixture(scope="module")
def named() -> tuple[Scenario, SolveResult]:
    scenario = scenario_from_dict(named_raw())
    result = solve(scenario, SolveSettings(time_limit_s=20, seed=0, workers=2))
    assert result.plan is not None and result.verdict is not None and result.verdict.ok
    assert result.plan.visits  # R12: the teachers are named in the exports
    return scenario, result


def _leaks(text: str) -> list[str]:
    return [item for item in PERSONAL if item in text]


def _ics_text(data: bytes) -> str:
    """An .ics file unfolded and unescaped (RFC 5545), to search for words."""
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")


def _zip_text(data: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            parts.append(name)
            body = archive.read(name)
            parts.append(_ics_text(body) if name.endswith(".ics") else body.decode("utf-8"))
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    parts = []
    for sheet in book.worksheets:
        parts += [sheet.title, str(sheet.oddHeader.center.text or "")]
        parts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
    return "\n".join(parts)


def _html_text(html: str) -> str:
    """The page with plotly's JSON escapes (``\\u00e9``) decoded."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


def _exports(scenario: Scenario, result: SolveResult, *, pseudonymous: bool) -> dict[str, str]:
    """The text of every export format, named or pseudonymised."""
    plan, verdict, info = result.plan, result.verdict, result.solve_info("/home/prof/x.yaml")
    assert plan is not None and verdict is not None
    if pseudonymous:
        shared = shared_plan(scenario, result.calendar, plan, info)
        scenario, verdict, info = shared.scenario, shared.verdict, shared.solve_info
    calendar = result.calendar
    first = exports.planned_students(scenario, plan)[0][0]
    return {
        "plan ZIP": _zip_text(exports.plan_zip(scenario, calendar, plan, verdict, info)),
        "XLSX": _xlsx_text(exports.workbook_bytes(scenario, calendar, plan, verdict, info)),
        "ICS élève": _ics_text(exports.student_ics(scenario, plan, first, STAMP)),
        "ICS (ZIP)": _zip_text(exports.all_ics_zip(scenario, plan, STAMP)),
        "Gantt HTML": _html_text(gantt_html(class_gantt(plan, scenario, calendar))),
    }


# --- the pseudonymised scenario ----------------------------------------------


def test_pseudonymise_keeps_ids_and_what_the_planner_reads(
    named: tuple[Scenario, SolveResult],
) -> None:
    scenario, _ = named
    masked = pseudonymise(scenario)
    assert [s.name for s in masked.students] == [s.id for s in scenario.students]
    assert [h.name for h in masked.hosts] == ["h1", "h2"]
    assert [t.name for t in masked.teachers] == ["t1", "t2"]
    assert all(h.tutor is None and not h.address and not h.postcode for h in masked.hosts)
    assert [h.town for h in masked.hosts] == ["Lyon", "Villeurbanne"]
    assert [t.town for t in masked.teachers] == ["Lyon", "Bron"]
    s1, s2, s3 = masked.students
    assert (s1.reduced_weeks, s1.reduction_reason) == (12, MASKED_REASON)
    assert s3.exemption_reason == MASKED_REASON
    assert [r.label for r in s1.unavailable] == [""] and s1.unavailable[0].start.month == 10
    assert (s2.referent, s2.host) == ("t1", "h2")
    assert masked.description == "" and masked.school.head == ""
    assert [c.note for c in masked.conventions] == [""]
    assert pseudonymise(masked) == masked
    assert not _leaks(json.dumps(masked.model_dump(mode="json"), ensure_ascii=False))


def test_locked_labels_are_dropped() -> None:
    raw = named_raw()
    raw["locked"] = [
        {"student": "s2", "start": "2027-01-04", "end": "2027-01-08", "label": "chez Martin"}
    ]
    masked = pseudonymise(scenario_from_dict(raw))
    assert [lock.label for lock in masked.locked] == ["convention signée"]


def test_the_pseudonymised_scenario_has_the_same_plan(
    named: tuple[Scenario, SolveResult],
) -> None:
    scenario, result = named
    again = solve(pseudonymise(scenario), SolveSettings(time_limit_s=20, seed=0, workers=2))
    assert again.plan is not None and result.plan is not None
    assert again.plan.days == result.plan.days
    assert again.plan.visits == result.plan.visits
    assert again.objective == result.objective


def test_solve_info_keeps_file_names_not_folders() -> None:
    info = pseudonymise_solve_info(
        {"scenario_file": "/home/jdupont/classe.yaml", "replan": {"previous_plan": "/a/b/p"}}
    )
    assert info == {"scenario_file": "classe.yaml", "replan": {"previous_plan": "p"}}


# --- every export format ---------------------------------------------------------


FORMATS = ("plan ZIP", "XLSX", "ICS élève", "ICS (ZIP)", "Gantt HTML")


@pytest.fixture(scope="module")
def pseudonymised(named: tuple[Scenario, SolveResult]) -> dict[str, str]:
    return _exports(*named, pseudonymous=True)


@pytest.fixture(scope="module")
def nominative(named: tuple[Scenario, SolveResult]) -> dict[str, str]:
    return _exports(*named, pseudonymous=False)


@pytest.mark.parametrize("kind", FORMATS)
def test_a_pseudonymised_export_names_no_one(pseudonymised: dict[str, str], kind: str) -> None:
    text = pseudonymised[kind]
    assert not _leaks(text), kind
    assert "s1" in text
    assert "/home/prof" not in text


@pytest.mark.parametrize("kind", FORMATS)
def test_the_usual_export_still_names_the_students(nominative: dict[str, str], kind: str) -> None:
    assert any(name in nominative[kind] for name in STUDENT_NAMES), kind


def test_the_teachers_and_hosts_files_are_pseudonymised_too(
    pseudonymised: dict[str, str], nominative: dict[str, str]
) -> None:
    shared, usual = pseudonymised["ICS (ZIP)"], nominative["ICS (ZIP)"]
    assert "enseignants/t1.ics" in shared and "entreprises/h1.ics" in shared
    assert "Mme Profnom" in usual and "gerard.tuteur@exemple.fr" in usual
    assert "Tuteur : non renseigné" in shared


# --- the command line ------------------------------------------------------------


def _write_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "classe.yaml"
    path.write_text(yaml.safe_dump(named_raw(), allow_unicode=True), encoding="utf-8")
    return path


def _all_text(folder: Path) -> str:
    parts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        parts.append(path.name)
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            parts.append(_xlsx_text(data))
        elif path.suffix == ".ics":
            parts.append(_ics_text(data))
        else:
            parts.append(data.decode("utf-8"))
    return "\n".join(parts)


def test_cli_solve_pseudonyme_writes_and_prints_ids_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _write_scenario(tmp_path)
    named_out, shared_out = tmp_path / "plan", tmp_path / "partage"
    args = ["--seed", "0", "--workers", "2"]
    assert main(["solve", str(scenario), "--out", str(named_out), *args]) == 0
    assert any(name in capsys.readouterr().out for name in STUDENT_NAMES)
    assert main(["solve", str(scenario), "--out", str(shared_out), "--pseudonyme", *args]) == 0
    out, err = capsys.readouterr()
    assert not _leaks(out + err) and "s1" in out
    assert not _leaks(_all_text(shared_out))
    assert any(name in _all_text(named_out) for name in STUDENT_NAMES)
    assert read_plan(shared_out)[1].days == read_plan(named_out)[1].days
    summary = json.loads((shared_out / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario_file"] == "classe.yaml"


def test_cli_export_pseudonyme_names_no_one(
    named: tuple[Scenario, SolveResult], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, result = named
    assert result.plan is not None and result.verdict is not None
    plan_dir = tmp_path / "plan"
    info = result.solve_info("/home/prof/classe.yaml")
    write_plan(plan_dir, scenario, result.calendar, result.plan, result.verdict, info)
    assert main(["export", str(plan_dir), "--pseudonyme"]) == 0
    shared = plan_dir / "pseudonymise"
    assert (shared / "planning.xlsx").is_file()
    assert (shared / "agendas" / "s1.ics").is_file()
    assert (shared / "agendas" / "enseignants" / "t1.ics").is_file()
    text = _all_text(shared)
    assert not _leaks(text) and "s2" in text
    assert not _leaks(capsys.readouterr().out)
    assert main(["export", str(plan_dir)]) == 0  # the usual export, beside it, names them
    assert any(name in _all_text(plan_dir / "agendas") for name in STUDENT_NAMES)


def test_cli_export_pseudonyme_warns_of_older_files_in_its_folder(
    named: tuple[Scenario, SolveResult], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, result = named
    assert result.plan is not None and result.verdict is not None
    plan_dir = tmp_path / "plan"
    write_plan(plan_dir, scenario, result.calendar, result.plan, result.verdict, {})
    ics = tmp_path / "agendas"
    assert main(["export", str(plan_dir), "--ics", str(ics)]) == 0
    capsys.readouterr()
    assert main(["export", str(plan_dir), "--ics", str(ics), "--pseudonyme"]) == 0
    err = capsys.readouterr().err
    assert "autre(s) agenda(s)" in err and not _leaks(err)


# --- logs ------------------------------------------------------------------------


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG on the root logger and on every Streamlit, OR-Tools
    and stageplan logger (Streamlit's do not propagate to the root)."""
    caplog.set_level(logging.DEBUG)
    logging.captureWarnings(True)
    names = [
        name
        for name in list(logging.Logger.manager.loggerDict)
        if name.split(".")[0] in ("streamlit", "ortools", "planner", "dashboard", "stageplan")
    ]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(caplog.handler)
        logger.setLevel(logging.DEBUG)
    yield caplog
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)
    logging.captureWarnings(False)


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )


def test_no_name_reaches_a_log_when_solving_from_the_command_line(
    tmp_path: Path,
    every_log: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    scenario = _write_scenario(tmp_path)
    code = main(["solve", str(scenario), "--out", str(tmp_path / "plan"), "--seed", "0"])
    assert code == 0
    out, err = capfd.readouterr()  # file descriptors: OR-Tools' own output too
    assert any(name in out for name in STUDENT_NAMES)  # the verdict asked for: output
    assert not _leaks(err)  # progress and diagnostics
    assert not _leaks(_log_text(every_log))


def test_an_internal_error_never_prints_its_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    every_log: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    def broken(scenario: Scenario, *args: object, **kwargs: object) -> SolveResult:
        raise ValueError(f"élève inattendu {scenario.students[0].name} <{PERSONAL[4]}>")

    monkeypatch.setattr("planner.cli.solve", broken)
    monkeypatch.delenv("STAGEPLAN_DEBUG", raising=False)
    scenario = _write_scenario(tmp_path)
    assert main(["solve", str(scenario), "--out", str(tmp_path / "plan")]) == 70
    out, err = capfd.readouterr()
    assert "Erreur interne de stageplan (ValueError" in err and "broken()" in err
    assert "STAGEPLAN_DEBUG=1" in err
    assert not _leaks(out + err + _log_text(every_log))


def test_an_impossible_scenario_with_pseudonyme_explains_with_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = named_raw()
    raw["students"][1]["earliest_start"] = "2027-06-01"  # too late for 16 weeks
    path = tmp_path / "impossible.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "plan"
    assert main(["solve", str(path), "--out", str(out), "--pseudonyme"]) == 3
    err = capsys.readouterr().err
    assert "s2" in err and not _leaks(err)
    assert not _leaks((out / "explanation.json").read_text(encoding="utf-8"))
    assert main(["solve", str(path), "--out", str(out)]) == 3  # the diagnosis asked for
    assert STUDENT_NAMES[1] in capsys.readouterr().err


def test_the_dashboard_logs_an_uncaught_error_without_its_message(
    every_log: pytest.LogCaptureFixture,
) -> None:
    from dashboard import ui

    ui.redact_exception_logs()
    logger = logging.getLogger("streamlit.error_util")
    logger.addHandler(every_log.handler)
    try:
        raise KeyError(STUDENT_NAMES[0])
    except KeyError:
        logger.exception("Uncaught app execution")
    finally:
        logger.removeHandler(every_log.handler)
    text = _log_text(every_log)
    assert "Uncaught app execution: KeyError in test_privacy.py" in text
    assert not _leaks(text)


# --- the Exporter page -----------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """The callables behind the page's download buttons, by file name."""
    found: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def record(self: MediaFileManager, data: Callable[[], Any], *args: Any, **kw: Any) -> str:
        found[kw.get("file_name") or args[2]] = data
        return original(self, data, *args, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


def _download_text(name: str, data: bytes | str) -> str:
    if isinstance(data, str):
        return _html_text(data)
    if name.endswith(".xlsx"):
        return _xlsx_text(data)
    if name.endswith(".zip"):
        return _zip_text(data)
    return _ics_text(data)


def test_exporter_page_pseudonymises_every_download(
    named: tuple[Scenario, SolveResult],
    downloads: dict[str, Callable[[], Any]],
    every_log: pytest.LogCaptureFixture,
) -> None:
    app = app_on("exporter", *named, label="classe")
    assert "dashboard.ui" in sys.modules  # its import (by every page) installs the filter
    from dashboard.ui import RedactedExceptions

    for name in ("streamlit.error_util", "streamlit.runtime.scriptrunner.script_runner"):
        assert any(isinstance(f, RedactedExceptions) for f in logging.getLogger(name).filters)
    (box,) = [c for c in app.checkbox if c.label.startswith("Export pseudonymisé")]
    assert not box.value
    named_files = {n: f for n, f in downloads.items() if not n.endswith(".png")}
    assert any(
        name in _download_text(n, f()) for n, f in named_files.items() for name in STUDENT_NAMES
    )
    downloads.clear()
    box.check().run()
    assert not app.exception, app.exception
    files = {n: f for n, f in downloads.items() if not n.endswith(".png")}
    assert sorted(files) == [
        "classe-pseudonymise-agendas.zip",
        "classe-pseudonymise-gantt.html",
        "classe-pseudonymise-plan.zip",
        "classe-pseudonymise-planning.xlsx",
        "s1.ics",
    ]
    for name, make in files.items():
        text = _download_text(name, make())
        assert not _leaks(text), name
        assert "s1" in text, name
    assert not _leaks(_log_text(every_log))
    # the button of a pseudonymised calendar names the file's student by id
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Agenda de s1" in labels
