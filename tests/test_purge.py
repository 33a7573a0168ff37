"""``stageplan purge``: a class's personal data erased from the scenario, its
class list (CSV or XLSX) and the output folders given; the scenario still
loads and solves with the same ids; a dry run changes nothing."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from factories import B, C, D, raw_scenario, span

from models import load_scenario
from planner import store
from planner.cli import main
from planner.privacy import PURGED_REASON, plan_purge

ROOT = Path(__file__).resolve().parent.parent
SIXTEEN = [B, C, span(D(2027, 5, 10), 4)]

#: Class A (purged) and class B (kept).
CLASS_A = {"a1": "Zoé Confidentielle", "a2": "Marius Secretnom"}
CLASS_B = {"b1": "Inès Gardée"}
TUTOR_A = ("Gérard Tuteurnom", "gerard.tuteur@exemple.fr")
TUTOR_B = ("Sophie Restée", "s.restee@exemple.fr")

COLUMNS = ["id", "name", "cohort", "host", "reduced_weeks", "reduction_reason", "unavailable"]
ROWS = [
    [
        "a1",
        CLASS_A["a1"],
        "A",
        "h1",
        "12",
        "Raison médicale",
        "2026-10-05..2026-10-09 (Opération)",
    ],
    ["a2", CLASS_A["a2"], "A", "h2", "", "", ""],
    ["b1", CLASS_B["b1"], "B", "h2", "", "", ""],
]


def _scenario_dir(tmp_path: Path, table: str = "classe.csv") -> Path:
    """A scenario whose class list is a table; hosts inline with their tutors."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    raw: dict[str, Any] = raw_scenario([], open_ranges=SIXTEEN)
    raw["students"] = {"file": table}
    raw["hosts"] = [
        {
            "id": "h1",
            "name": "Boulangerie",
            "town": "Lyon",
            "tutor": {"name": TUTOR_A[0], "email": TUTOR_A[1]},
        },
        {
            "id": "h2",
            "name": "Librairie",
            "town": "Lyon",
            "capacity": 2,
            "tutor": {"name": TUTOR_B[0], "email": TUTOR_B[1]},
        },
    ]
    raw["description"] = f"Classe de {CLASS_A['a1']} et de {CLASS_B['b1']}."
    raw["conventions"] = [
        {"student": "a2", "start": "2027-01-04", "end": "2027-02-12", "note": "Secretnom rappelé"}
    ]
    text = "# La classe de Marius Secretnom\n" + yaml.safe_dump(raw, allow_unicode=True)
    (folder / "classe.yaml").write_text(text, encoding="utf-8")
    if table.endswith(".xlsx"):
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row in [COLUMNS, *ROWS]:
            sheet.append(row)
        book.save(folder / table)
    else:
        with (folder / table).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows([COLUMNS, *ROWS])
    return folder


def _text(folder: Path) -> str:
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            parts += [
                str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
            ]
        else:
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _solve(scenario: Path, out: Path) -> None:
    args = ["solve", str(scenario), "--out", str(out), "--seed", "0", "--workers", "2"]
    assert main([*args, "--quiet"]) == 0


@pytest.fixture
def class_dir(tmp_path: Path) -> Path:
    folder = _scenario_dir(tmp_path)
    _solve(folder / "classe.yaml", tmp_path / "plan")
    assert main(["export", str(tmp_path / "plan")]) == 0  # planning.xlsx, agendas/
    return folder


def test_dry_run_lists_and_changes_nothing(
    class_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan"
    before, plan_before = _snapshot(class_dir), _snapshot(plan)
    capsys.readouterr()
    code = main(["purge", str(class_dir / "classe.yaml"), "--classe", "A", "--dossier", str(plan)])
    assert code == 0
    out = capsys.readouterr().out
    assert "2 élève(s) de la classe « A »" in out
    assert "classe.csv : réécrit : 2 nom(s) d'élève" in out
    assert "dossier de plan supprimé" in out
    assert "Simulation : rien n'a été modifié" in out
    assert _snapshot(class_dir) == before and _snapshot(plan) == plan_before


def test_purge_of_a_class_erases_its_names_and_keeps_the_other(
    class_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan, scenario_file = tmp_path / "plan", class_dir / "classe.yaml"
    args = ["purge", str(scenario_file), "--classe", "A", "--dossier", str(plan), "--oui"]
    assert main(args) == 0
    assert "Données personnelles effacées" in capsys.readouterr().out
    assert not plan.exists()
    text = _text(class_dir)
    for name in (*CLASS_A.values(), "Secretnom", *TUTOR_A, "Raison médicale", "Opération"):
        assert name not in text, name
    assert CLASS_B["b1"] in text and TUTOR_B[0] in text  # class B and its host's tutor kept
    scenario = load_scenario(scenario_file)
    students = {s.id: s for s in scenario.students}
    assert [s.name for s in scenario.students] == ["a1", "a2", CLASS_B["b1"]]
    assert (students["a1"].reduced_weeks, students["a1"].reduction_reason) == (12, PURGED_REASON)
    assert [r.label for r in students["a1"].unavailable] == [""]
    assert scenario.host("h1").tutor is None  # type: ignore[union-attr]
    assert scenario.host("h2").tutor is not None  # type: ignore[union-attr]
    assert scenario.description == f"Classe de a1 et de {CLASS_B['b1']}."
    assert [c.note for c in scenario.conventions] == [""]
    _solve(scenario_file, tmp_path / "again")  # the same ids solve again


def test_purge_of_the_whole_scenario_and_again(
    class_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan, scenario_file = tmp_path / "plan", class_dir / "classe.yaml"
    assert main(["purge", str(scenario_file), "--dossier", str(plan), "--oui"]) == 0
    text = _text(class_dir)
    for name in (*CLASS_A.values(), *CLASS_B.values(), *TUTOR_A, *TUTOR_B):
        assert name not in text, name
    capsys.readouterr()
    # Run again (after an interruption): nothing left to do, the folder is gone.
    assert main(["purge", str(scenario_file), "--dossier", str(plan), "--oui"]) == 0
    out = capsys.readouterr().out
    assert "aucune donnée personnelle à effacer" in out and "introuvable" in out


def test_the_bundled_class_is_purged_whole(tmp_path: Path) -> None:
    folder = tmp_path / "copie"
    folder.mkdir()
    for path in (ROOT / "scenarios").glob("*nrc-2026.csv"):
        shutil.copy(path, folder)
    shutil.copy(ROOT / "scenarios" / "default.yaml", folder)
    scenario = load_scenario(folder / "default.yaml")
    names = [s.name for s in scenario.students]
    tutors = [t for h in scenario.hosts if h.tutor for t in (h.tutor.name, h.tutor.email) if t]
    assert "Kylian R." in (folder / "default.yaml").read_text(encoding="utf-8")
    assert main(["purge", str(folder / "default.yaml"), "--oui"]) == 0
    text = _text(folder)
    assert not [n for n in (*names, *tutors) if n in text]
    purged = load_scenario(folder / "default.yaml")
    assert [s.id for s in purged.students] == [s.id for s in scenario.students]
    assert [s.name for s in purged.students] == [s.id for s in scenario.students]


def test_an_xlsx_class_list_is_purged(tmp_path: Path) -> None:
    folder = _scenario_dir(tmp_path, "classe.xlsx")
    assert main(["purge", str(folder / "classe.yaml"), "--classe", "A", "--oui"]) == 0
    text = _text(folder)
    assert not [n for n in CLASS_A.values() if n in text] and CLASS_B["b1"] in text
    assert [s.name for s in load_scenario(folder / "classe.yaml").students][:2] == ["a1", "a2"]


def test_earlier_versions_kept_by_the_dashboard_are_deleted(tmp_path: Path) -> None:
    folder = _scenario_dir(tmp_path)
    path = folder / "classe.yaml"
    text = path.read_text(encoding="utf-8")
    version = store.version_of(path)
    store.save(path, text + "\n# encore Zoé Confidentielle\n", version)
    assert store.backups(path)
    plan = plan_purge(path, "A")
    assert any("ancienne(s) version(s)" in action.what for action in plan.actions)
    assert main(["purge", str(path), "--classe", "A", "--oui"]) == 0
    assert not store.backups(path)
    assert CLASS_A["a1"] not in _text(folder)


def test_an_unknown_class_is_refused(class_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(class_dir)
    assert main(["purge", str(class_dir / "classe.yaml"), "--classe", "Z", "--oui"]) == 2
    err = capsys.readouterr().err
    assert "--classe" in err and "« Z »" in err and "A, B" in err
    assert _snapshot(class_dir) == before


def test_a_folder_that_is_not_stageplan_s_is_refused(
    class_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "mes-documents"
    other.mkdir()
    (other / "lettre.odt").write_text("x", encoding="utf-8")
    before = _snapshot(class_dir)
    args = ["purge", str(class_dir / "classe.yaml"), "--dossier", str(other), "--oui"]
    assert main(args) == 2
    assert "n'est pas supprimé" in capsys.readouterr().err
    assert other.exists() and _snapshot(class_dir) == before
    args = ["purge", str(class_dir / "classe.yaml"), "--dossier", str(class_dir), "--oui"]
    assert main(args) == 2  # the scenario's own folder
    assert _snapshot(class_dir) == before


def test_an_invalid_scenario_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "faux.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    assert main(["purge", str(path), "--oui"]) == 2
    assert "Scénario invalide" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "name: x\n"
