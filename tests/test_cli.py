"""The ``stageplan`` command, through ``planner.cli.main``: exit statuses,
the five plan files, French messages naming file, field and rule."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from factories import B, C, D, raw_scenario, span, student

from planner.cli import main
from planner.plan_io import PLAN_FILES

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
FEASIBLE = sorted(p.name for p in SCENARIOS.glob("*.yaml") if not p.name.startswith("infeasible"))
INFEASIBLE = sorted(p.name for p in SCENARIOS.glob("infeasible*.yaml"))

# Exactly 16 eligible weeks: the plan is known in advance.
SIXTEEN = [B, C, span(D(2027, 5, 10), 4)]


def _write(path: Path, raw: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _tiny(tmp_path: Path, **edits: Any) -> Path:
    raw = raw_scenario([student("s1"), student("s2", route="apprenti")], open_ranges=SIXTEEN)
    raw.update(edits)
    return _write(tmp_path / "tiny.yaml", raw)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _solve(scenario: Path, out: Path, *extra: str) -> int:
    return main(
        ["solve", str(scenario), "--out", str(out), "--seed", "0", "--workers", "2", *extra]
    )


# --- solve ---------------------------------------------------------------


def test_bundled_scenarios_are_found() -> None:
    assert "default.yaml" in FEASIBLE and len(FEASIBLE) >= 3
    assert "infeasible-fin-tardive.yaml" in INFEASIBLE and len(INFEASIBLE) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("name", FEASIBLE)
def test_solve_bundled_scenario(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan"
    # The scenario's own solver settings (seed, workers, time limit).
    assert main(["solve", str(SCENARIOS / name), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "Aucune violation" in printed.out
    assert sorted(p.name for p in out.iterdir()) == sorted(PLAN_FILES)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "OPTIMAL"
    solver = yaml.safe_load((SCENARIOS / name).read_text(encoding="utf-8"))["solver"]
    assert (summary["seed"], summary["workers"]) == (solver["seed"], solver["workers"])
    assert summary["hard_violations"] == 0
    assert summary["objective"] == summary["best_bound"]
    # The plan-side KPI recomputes the model's synchronisation term exactly.
    assert summary["kpis"]["split_teaching_weeks"] == summary["objective_terms"]["sync"]
    students = _rows(out / "students.csv")
    assert len(students) == summary["num_students"] > 0
    for row in students:
        assert row["ok"] == "true", row
        exempt = row["required_weeks"] == "0"
        assert bool(row["exempt_reason"]) == exempt, row
    days = _rows(out / "days.csv")
    assert {d["student_id"] for d in days} <= {s["student_id"] for s in students}
    # The plan as written passes the independent check.
    assert main(["check", str(out)]) == 0


@pytest.mark.parametrize("name", ["infeasible-fin-tardive.yaml"])
def test_solve_infeasible_bundled_scenario(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan"
    assert _solve(SCENARIOS / name, out, "--quiet") == 3
    err = capsys.readouterr().err
    assert "Aucun plan ne respecte les règles" in err
    assert "Bastien G. (a03)" in err
    assert "R1 (durée de 16 semaines)" in err
    # 8 full weeks between his arrival and the exams, plus single days in the
    # weeks that blocked dates keep from being full.
    assert "16 semaines requises, au plus 9 possibles dont 8 semaines complètes" in err
    assert "Jules R." not in err and "Nina L." not in err
    # Only the explanation is written, never a plan.
    assert sorted(p.name for p in out.iterdir()) == ["explanation.json"]


def test_solve_tiny_scenario_writes_the_five_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan"
    assert _solve(_tiny(tmp_path), out, "--seed", "7") == 0
    printed = capsys.readouterr()
    assert "Statut OPTIMAL" in printed.out and "graine 7" in printed.out
    assert sorted(p.name for p in out.iterdir()) == sorted(PLAN_FILES)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["status"], summary["seed"], summary["workers"]) == ("OPTIMAL", 7, 2)
    assert summary["hard_violations"] == 0 and summary["num_students"] == 2
    students = {r["student_id"]: r for r in _rows(out / "students.csv")}
    assert (students["s1"]["placed_weeks"], students["s1"]["ok"]) == ("16", "true")
    assert students["s2"]["required_weeks"] == "0"
    assert students["s2"]["exempt_reason"].startswith("apprenti")
    days = _rows(out / "days.csv")
    assert {d["student_id"] for d in days} == {"s1"}
    assert len(days) == 78  # 16 weeks less Easter and Whit Mondays


def test_quiet_solve_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _solve(_tiny(tmp_path), tmp_path / "plan", "--quiet") == 0
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err == ""


def test_solve_replaces_an_earlier_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert _solve(_tiny(tmp_path), out, "--quiet") == 0
    assert _solve(_tiny(tmp_path), out, "--quiet", "--seed", "3") == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["seed"] == 3


def test_out_folder_with_other_files_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mes-documents"
    out.mkdir()
    mine = out / "notes.txt"
    mine.write_text("à garder", encoding="utf-8")
    assert _solve(_tiny(tmp_path), out, "--quiet") != 0
    assert "n'est pas vide" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert mine.read_text(encoding="utf-8") == "à garder"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_out_pointing_at_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("x", encoding="utf-8")
    assert _solve(_tiny(tmp_path), target, "--quiet") != 0
    assert target.read_text(encoding="utf-8") == "x"


# --- scenario errors -----------------------------------------------------


def _invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: dict[str, Any]) -> str:
    scenario = _write(tmp_path / "classe.yaml", raw)
    out = tmp_path / "plan"
    assert _solve(scenario, out, "--quiet") == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.startswith("Scénario invalide")
    return err


def _base() -> dict[str, Any]:
    return raw_scenario([student("s1")], open_ranges=SIXTEEN)


def test_missing_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    del raw["name"]
    err = _invalid(tmp_path, capsys, raw)
    assert "classe.yaml: name : champ obligatoire manquant" in err


def test_missing_student_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    del raw["students"][0]["name"]
    err = _invalid(tmp_path, capsys, raw)
    assert "classe.yaml: students[0] (id s1).name : champ obligatoire manquant" in err


def test_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    raw["students"][0].update(reduced_weeks="dix", reduction_reason="x")
    err = _invalid(tmp_path, capsys, raw)
    assert "classe.yaml: students[0] (id s1).reduced_weeks : nombre entier attendu" in err


def test_unknown_route(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    raw["students"][0]["route"] = "alternance"
    err = _invalid(tmp_path, capsys, raw)
    assert "classe.yaml: students[0] (id s1).route : valeur inconnue 'alternance'" in err
    assert "scolaire" in err


def test_misspelt_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    raw["students"][0]["rout"] = "scolaire"
    err = _invalid(tmp_path, capsys, raw)
    assert "classe.yaml: students[0] (id s1).rout : champ inconnu" in err


@pytest.mark.parametrize("weeks", [8, 0, 17])
def test_reduced_duration_out_of_range(
    weeks: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = _base()
    raw["students"][0].update(reduced_weeks=weeks, reduction_reason="force majeure")
    err = _invalid(tmp_path, capsys, raw)
    assert f"classe.yaml: students[0] (id s1).reduced_weeks : {weeks} semaines" in err
    assert "(R2)" in err


def test_earliest_start_out_of_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = _base()
    raw["students"][0]["earliest_start"] = "2029-01-08"
    err = _invalid(tmp_path, capsys, raw)
    assert (
        "classe.yaml: students[0] (id s1).earliest_start : 2029-01-08 hors de la formation" in err
    )


def test_invalid_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    raw["training"]["last_date"] = "2028-02-30"
    err = _invalid(tmp_path, capsys, raw)
    assert "classe.yaml: training.last_date : date invalide" in err


def test_dates_in_the_wrong_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    raw["progression"]["blocked"].append({"start": "2027-03-12", "end": "2027-03-10"})
    err = _invalid(tmp_path, capsys, raw)
    index = len(raw["progression"]["blocked"]) - 1
    assert f"classe.yaml: progression.blocked[{index}] : la fin (2027-03-10) précède" in err


def test_mission_window_out_of_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = _base()
    raw["progression"]["missions"] = [
        {"id": "m1", "start": "2028-06-01", "end": "2028-07-20", "days": 2}
    ]
    err = _invalid(tmp_path, capsys, raw)
    assert "classe.yaml: progression.missions[0] (id m1) : fenêtre de missions hors" in err
    assert "(R6)" in err


def test_unknown_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    raw["students"][0]["host"] = "inconnue"
    err = _invalid(tmp_path, capsys, raw)
    assert "classe.yaml: students[0] (id s1).host : entreprise inconnue 'inconnue' (R10)" in err


def test_all_faults_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _base()
    raw["students"][0]["route"] = "alternance"
    raw["students"].append({"id": "s2", "name": "Élève s2", "reduced_weeks": "dix"})
    err = _invalid(tmp_path, capsys, raw)
    assert err.startswith("Scénario invalide (2 erreur(s))")
    assert "students[0] (id s1).route" in err and "students[1] (id s2).reduced_weeks" in err


def test_unreadable_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _solve(tmp_path / "absent.yaml", tmp_path / "plan") == 2
    assert "absent.yaml" in capsys.readouterr().err


def test_invalid_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "casse.yaml"
    bad.write_text("name: [oops\n", encoding="utf-8")
    assert _solve(bad, tmp_path / "plan") == 2
    assert "casse.yaml" in capsys.readouterr().err


def test_dates_past_the_bundled_holiday_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = {
        "name": "futur",
        "training": {"first_date": "2029-09-03", "last_date": "2031-06-27", "zone": "A"},
        "students": [{"id": "s1", "name": "Élève s1"}],
    }
    scenario = _write(tmp_path / "futur.yaml", raw)
    out = tmp_path / "plan"
    assert _solve(scenario, out, "--quiet") == 2
    err = capsys.readouterr().err
    assert "futur.yaml" in err and "training" in err
    assert "holiday_calendar" in err
    assert not out.exists()


# --- check ---------------------------------------------------------------


@pytest.fixture
def solved(tmp_path: Path) -> Path:
    out = tmp_path / "plan"
    assert _solve(_tiny(tmp_path), out, "--quiet") == 0
    return out


def test_check_a_solved_plan(solved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["check", str(solved)]) == 0
    out = capsys.readouterr().out
    assert "Aucune violation" in out and "16 / 16" in out


def _edit_days(plan: Path, keep: Any) -> None:
    path = plan / "days.csv"
    rows = _rows(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if keep(r))


def test_check_after_removing_a_week_by_hand(
    solved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    week = {f"2027-05-{d:02d}" for d in range(10, 15)}  # the first week of D
    _edit_days(solved, lambda r: not (r["student_id"] == "s1" and r["date"] in week))
    capsys.readouterr()
    assert main(["check", str(solved)]) == 1
    out = capsys.readouterr().out
    assert "R1 : Élève s1 : 15 semaines placées < 16 requises" in out
    assert "1 violation(s)" in out


def test_check_after_removing_a_block_week_by_hand(
    solved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both 6-week runs cut: B and C lose a week each.
    weeks = {f"2027-01-{d:02d}" for d in range(18, 23)} | {
        f"2027-03-{d:02d}" for d in range(15, 20)
    }
    _edit_days(solved, lambda r: r["date"] not in weeks)
    capsys.readouterr()
    assert main(["check", str(solved)]) == 1
    out = capsys.readouterr().out
    assert "R1 : Élève s1" in out and "R4 : Élève s1" in out


def test_check_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "absent")]) == 2
    assert "absent" in capsys.readouterr().err


# --- schema and entry point ----------------------------------------------


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "students" in schema["properties"]
    assert set(schema["required"]) >= {"name", "training", "students"}


def test_python_m_planner_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "planner", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "solve" in done.stdout and "check" in done.stdout and "schema" in done.stdout


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2
    assert "usage" in capsys.readouterr().err


# --- personal data (RGPD) -------------------------------------------------------


def test_internal_error_text_gives_the_kind_and_place_not_the_message() -> None:
    from planner.cli import internal_error_text

    def fails() -> None:
        raise KeyError("Léa Martin <lea@exemple.fr>")

    try:
        fails()
    except KeyError as error:
        text = internal_error_text(error)
    assert text.startswith("Erreur interne de stageplan (KeyError dans test_cli.py, ligne ")
    assert "fails()" in text and "Léa" not in text and "lea@" not in text


def test_violations_by_id_names_rules_and_ids_only() -> None:
    from factories import check, scenario

    from planner.cli import violations_by_id

    scn = scenario([student("s1", name="Léa Martin")], open_ranges=SIXTEEN)
    verdict = check(scn, {"s1": []})
    assert not verdict.ok
    text = violations_by_id(verdict)
    assert "R1 : élève s1" in text and "Léa" not in text


def test_help_lists_purge_and_pseudonyme(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("purge", "solve", "replan", "export"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert ("--oui" if command == "purge" else "--pseudonyme") in out


def test_replan_pseudonyme_prints_ids_only(
    solved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = raw_scenario(
        [student("s1", name="Léa Martin"), student("s2", name="Hugo Bernard", route="apprenti")],
        open_ranges=SIXTEEN,
    )
    path = _write(tmp_path / "noms.yaml", raw)
    out = tmp_path / "replan"
    capsys.readouterr()
    args = ["replan", str(path), "--previous", str(solved), "--out", str(out), "--pseudonyme"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Léa" not in printed and "Hugo" not in printed
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "Léa" not in text and "Hugo" not in text


def test_progress_lines_give_the_clocks_time_at_most_once_a_second(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The solves' own times add up solves that run at once (a school's two
    lanes): a line says how long the search has run by the clock."""
    from planner.cli import _ProgressPrinter
    from planner.formulation import Progress

    now = [100.0]
    printer = _ProgressPrinter(every_s=1.0, clock=lambda: now[0])
    for clock, objective in [(100.5, 30.0), (101.2, 29.0), (101.9, 28.0), (102.4, 27.0)]:
        now[0] = clock
        # elapsed_s: the solves' times added up, twice the clock's here
        printer(Progress(objective, 10.0, 2 * (clock - 100.0), 1))
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "  … meilleur objectif 29, borne 10, 1.2 s, 1 solution(s)",
        "  … meilleur objectif 27, borne 10, 2.4 s, 1 solution(s)",
    ]
