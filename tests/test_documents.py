"""Conventions (R11) and attestations (R13): context, templates, PDF, statuses, CLI.

A small hand-made plan of two students (one without a host) with visits
(R12) is turned into documents once per module, PDFs included: a single
LibreOffice call. The other tests produce DOCX only. LibreOffice missing
makes the PDF tests fail, never skip (CI installs it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from factories import B, C, dates_of_weeks, mission, raw_scenario, span, weeks_of
from pypdf import PdfReader

from models import (
    Calendar,
    ConventionRecord,
    ConventionStatus,
    PeriodKind,
    Plan,
    Scenario,
    Visit,
    scenario_from_dict,
)
from planner import documents
from planner.calendar import build_calendar
from planner.cli import main
from planner.counting import build_plan
from planner.documents import pdf as pdf_module
from planner.documents.make_templates import TEMPLATE_DIR, build_templates
from planner.plan_io import write_plan
from planner.validate import validate_plan

D = dt.date
ISSUED = D(2026, 12, 1)
D4 = span(D(2027, 5, 10), 4)  # the first 4 weeks of D_: a "period"
MISSION_DAYS = (D(2027, 6, 8), D(2027, 6, 15))  # Tuesdays of the mission window
SINGLE_DAY = D(2027, 6, 25)  # a Friday: a "days" period
TUTOR = "Claire Dupont"
HOST = {
    "id": "h1",
    "name": "Comptoir & Fils",
    "address": "3 rue de la Gare",
    "postcode": "69003",
    "town": "Lyon",
    "sector": "Négoce de matériel de bureau",
    "tutor": {"name": TUTOR, "function": "Cheffe des ventes", "email": "c.dupont@example.fr"},
}
TEACHERS = [
    {"id": "t1", "name": "Mme Arnaud", "max_visits_per_week": 3},
    {"id": "t2", "name": "M. Brunet", "max_visits_per_week": 3},
]
SCHOOL = {
    "name": "Lycée du Parc",
    "address": "1 boulevard Anatole France",
    "town": "Lyon",
    "head": "M. le Proviseur",
    "weekly_hours": 35,
}
#: R12: two visits in each block, one in the shorter period (visit dates per period).
VISITS = {
    "s1": ("t1", [D(2027, 1, 12), D(2027, 2, 9), D(2027, 3, 9), D(2027, 4, 6), D(2027, 5, 25)]),
    "s2": ("t2", [D(2027, 1, 14), D(2027, 2, 11), D(2027, 3, 11), D(2027, 4, 8), D(2027, 5, 27)]),
}


def raw_small(**school: Any) -> dict[str, Any]:
    raw = raw_scenario(
        [
            {"id": "s1", "name": "Léa Martin", "host": "h1"},
            {"id": "s2", "name": "Hugo Bernard"},  # no host yet
        ],
        hosts=[HOST],
        missions=[
            mission(
                "m1",
                D(2027, 6, 7),
                D(2027, 6, 25),
                days=2,
                label="Missions de gestion de projet — 1re année",
            )
        ],
        preferred=[(B, 10)],
    )
    raw["progression"]["preferred"][0]["label"] = "Stage de janvier"
    raw["teachers"] = TEACHERS
    raw["school"] = {**SCHOOL, **school}
    raw["conventions"] = [
        {"student": "s1", "start": "2027-01-04", "end": "2027-02-12", "status": "signee"},
        {"student": "s1", "start": "2027-01-11", "end": "2027-02-19", "status": "envoyee"},
    ]
    return raw


def small_plan(scenario: Scenario, calendar: Calendar) -> Plan:
    """16 full weeks (B, C blocks, a 4-week period), 2 mission days and a
    single day per student, with the visits R12 asks for."""
    weeks = dates_of_weeks(calendar, weeks_of([B, C, D4]))
    dates = {sid: [*weeks, *MISSION_DAYS, SINGLE_DAY] for sid in ("s1", "s2")}
    plan = build_plan(scenario, calendar, dates)
    period_of = {(d.student_id, d.date): d.period_id for d in plan.days}
    visits = tuple(
        Visit(sid, period_of[sid, day], teacher, day, "h1" if sid == "s1" else None)
        for sid, (teacher, days) in VISITS.items()
        for day in days
    )
    return replace(plan, visits=visits, referents=(("s1", "t1"), ("s2", "t2")))


@dataclass(frozen=True)
class Small:
    scenario: Scenario
    calendar: Calendar
    plan: Plan


@pytest.fixture(scope="module")
def small() -> Small:
    scenario = scenario_from_dict(raw_small())
    calendar = build_calendar(scenario)
    plan = small_plan(scenario, calendar)
    verdict = validate_plan(scenario, calendar, plan)
    assert verdict.ok, [v.message for v in verdict.violations]
    return Small(scenario, calendar, plan)


@pytest.fixture(scope="module")
def generated(small: Small, tmp_path_factory: pytest.TempPathFactory) -> documents.DocumentReport:
    """The documents of the small plan, PDFs included (one soffice call)."""
    out = tmp_path_factory.mktemp("generated") / "documents"
    return documents.generate_documents(
        small.scenario, small.calendar, small.plan, out, pdf=True, issued=ISSUED
    )


def docx_text(path: Path) -> str:
    """Every text of a DOCX: paragraphs, table cells and footers."""
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.footer.paragraphs]
    return "\n".join(parts)


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def annex_path(report: documents.DocumentReport, period_id: str) -> Path:
    student, suffix = period_id.split("-", 1)
    return report.out_dir / "conventions" / f"{student}-{suffix}-annexe-pedagogique.docx"


def fr(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


# --------------------------------------------------------------------------
# Generated documents
# --------------------------------------------------------------------------


def test_every_period_has_an_annex_and_every_student_an_attestation(
    small: Small, generated: documents.DocumentReport
) -> None:
    assert [p.name for p in generated.annexes] == [
        annex_path(generated, p.period_id).name for p in small.plan.periods
    ]
    assert len(small.plan.periods) == 10  # 5 per student
    assert [p.name for p in generated.attestations] == [
        "s1-attestation.docx",
        "s2-attestation.docx",
    ]
    assert all(path.is_file() for path in generated.files)
    assert len(generated.pdfs) == 12
    assert (generated.out_dir / documents.generate.MARKER_FILE).is_file()


def test_annex_docx_holds_dates_tutor_and_visits(
    small: Small, generated: documents.DocumentReport
) -> None:
    for period in small.plan.periods:
        if period.student_id != "s1":
            continue
        text = docx_text(annex_path(generated, period.period_id))
        assert f"du {fr(period.start)} au {fr(period.end)}" in text
        assert TUTOR in text
        assert "Comptoir & Fils" in text  # escaped in the XML, shown as typed
        assert "Mme Arnaud" in text  # the referent
        visits = [v for v in small.plan.visits if v.period_id == period.period_id]
        for visit in visits:
            assert fr(visit.date) in text
        if not visits:
            assert "Les dates des visites seront fixées" in text
        assert "{{" not in text and "{%" not in text


def test_block_annex_lists_its_visits_in_the_visit_table(
    small: Small, generated: documents.DocumentReport
) -> None:
    document = Document(str(annex_path(generated, "s1-P1")))
    visit_table = next(
        t for t in document.tables if t.rows[0].cells[0].text == "Date de la visite"
    )
    rows = [[cell.text for cell in row.cells] for row in visit_table.rows[1:]]
    assert rows == [["12/01/2027", "mardi", "Mme Arnaud"], ["09/02/2027", "mardi", "Mme Arnaud"]]


def test_missions_annex_lists_its_days_and_its_window(
    small: Small, generated: documents.DocumentReport
) -> None:
    missions = next(
        p for p in small.plan.periods if p.student_id == "s1" and p.kind is PeriodKind.MISSIONS
    )
    text = docx_text(annex_path(generated, missions.period_id))
    assert "08/06/2027 et 15/06/2027" in text
    assert "Missions de gestion de projet — 1re année" in text
    assert "14 heures" in text  # 2 days × 35 h / 5


def test_pdfs_have_the_designed_pages_and_the_text(
    small: Small, generated: documents.DocumentReport
) -> None:
    for annex in generated.annexes:
        pages, text = pdf_text(annex.with_suffix(".pdf"))
        assert pages == 2, annex.name
        assert "Annexe pédagogique à la convention de stage" in text
        assert "{{" not in text and "{%" not in text
    pages, text = pdf_text(annex_path(generated, "s1-P1").with_suffix(".pdf"))
    assert "Léa Martin" in text and TUTOR in text
    assert "04/01/2027" in text and "12/02/2027" in text and "09/02/2027" in text
    for attestation in generated.attestations:
        pages, text = pdf_text(attestation.with_suffix(".pdf"))
        assert pages == 1, attestation.name
        assert "Attestation de stage" in text


def test_attestation_total_weeks_is_the_sum_of_the_periods(
    small: Small, generated: documents.DocumentReport
) -> None:
    periods = [p for p in small.plan.periods if p.student_id == "s1"]
    total = sum(p.weeks for p in periods)
    assert total == pytest.approx(16.6)
    text = docx_text(generated.out_dir / "attestations" / "s1-attestation.docx")
    assert f"Durée totale du stage : {documents.french_weeks(total)}" in text
    assert "16,6 semaines" in text
    for period in periods:
        assert f"du {fr(period.start)}\nau {fr(period.end)}" in text
    assert "Conduite d'un projet commercial pour l'organisme d'accueil" in text
    assert "Missions de gestion de projet — 1re année" in text


def test_student_without_host_reads_entreprise_a_trouver(
    small: Small, generated: documents.DocumentReport
) -> None:
    for period in small.plan.periods:
        if period.student_id == "s2":
            text = docx_text(annex_path(generated, period.period_id))
            assert "entreprise à trouver" in text
            assert "à désigner" in text
            assert TUTOR not in text
    attestation = docx_text(generated.out_dir / "attestations" / "s2-attestation.docx")
    assert "entreprise à trouver" in attestation


def test_conventions_csv_has_a_row_per_period_with_its_status(
    small: Small, generated: documents.DocumentReport
) -> None:
    with generated.index.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(documents.generate.INDEX_COLUMNS)
    assert [r["period_id"] for r in rows] == [p.period_id for p in small.plan.periods]
    first = rows[0]
    assert first["status"] == "signee"  # the record with the same dates
    assert first["visits"] == "2027-01-12|2027-02-09"
    assert first["tutor"] == TUTOR and first["referent"] == "Mme Arnaud"
    assert {r["status"] for r in rows[1:]} == {"a_envoyer"}
    assert all((generated.out_dir / r["file"]).is_file() for r in rows)
    assert all(r["file"].endswith(".pdf") for r in rows)
    no_host = [r for r in rows if r["student_id"] == "s2"]
    assert {(r["host_id"], r["host"], r["tutor"]) for r in no_host} == {
        ("", "entreprise à trouver", "")
    }


def test_report_flags_the_stale_record(generated: documents.DocumentReport) -> None:
    assert [(line.student_id, line.start) for line in generated.stale] == [("s1", D(2027, 1, 11))]
    text = documents.format_report(generated)
    assert "ne correspondent plus au plan" in text
    assert "11/01/2027" in text


# --------------------------------------------------------------------------
# Context (pure)
# --------------------------------------------------------------------------


def test_french_formats() -> None:
    assert documents.french_weeks(16) == "16 semaines"
    assert documents.french_weeks(16.2) == "16,2 semaines"
    assert documents.french_weeks(1) == "1 semaine"
    assert documents.french_weeks(0.4) == "0,4 semaine"
    assert documents.french_date(D(2027, 5, 3)) == "03/05/2027"


def test_annex_context_of_a_block(small: Small) -> None:
    block = small.plan.periods[0]
    context = documents.annex_context(small.scenario, small.plan, block, issued=ISSUED)
    assert context.period.kind == "block" and context.period.number == 1
    assert context.period.count == 5
    assert context.hours.total == block.days_in_company * 35 / 5
    assert context.progression == ("Stage de janvier",)
    assert context.referent.name == "Mme Arnaud"
    assert [v.date for v in context.visits] == [D(2027, 1, 12), D(2027, 2, 9)]
    assert context.convention.status == "signee"
    variables = documents.template_variables(context)
    assert variables["period"]["start"] == "04/01/2027"
    assert variables["hours"]["weekly"] == "35"
    assert variables["tutor"]["found"] is True


def test_attestation_students_skip_the_exempt_without_periods(small: Small) -> None:
    raw = raw_small()
    raw["students"].append({"id": "s3", "name": "Exempté", "exemption_reason": "VAE"})
    scenario = scenario_from_dict(raw)
    assert documents.attestation_students(scenario, small.plan) == ["s1", "s2"]


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------


def test_bundled_templates_match_their_script() -> None:
    for name, data in build_templates().items():
        assert (TEMPLATE_DIR / name).read_bytes() == data, f"rerun make_templates for {name}"


def write_docx(path: Path, *paragraphs: str) -> Path:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_a_custom_template_from_the_scenario_is_used(small: Small, tmp_path: Path) -> None:
    template = write_docx(
        tmp_path / "maison.docx", "Modèle maison : {{ student.name }}, du {{ period.start }}"
    )
    scenario = scenario_from_dict(raw_small(convention_template=str(template)))
    report = documents.generate_documents(
        scenario, small.calendar, small.plan, tmp_path / "out", pdf=False, issued=ISSUED
    )
    assert not report.pdfs
    text = docx_text(report.annexes[0])
    assert text.strip() == "Modèle maison : Léa Martin, du 04/01/2027"
    bundled = docx_text(report.attestations[0])
    assert "Attestation de stage" in bundled  # the other template stays the bundled one


BROKEN = {
    "syntax": ("{{ student.name ", "balise Jinja mal formée"),
    "unknown variable": ("{{ eleve.nom }}", "variable(s) inconnue(s) « eleve »"),
    "unknown attribute": ("{{ student.nom }}", "attribut inconnu « nom »"),
    "unclosed loop": ("{%p for item in objectives %}", "balise Jinja mal formée"),
    "unsafe": ("{{ student.name.__class__.__mro__ }}", "erreur à l'exécution d'une balise"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_template_gives_a_french_error_and_writes_nothing(
    small: Small, tmp_path: Path, case: str
) -> None:
    text, expected = BROKEN[case]
    template = write_docx(tmp_path / "cassé.docx", "Début", text)
    scenario = scenario_from_dict(raw_small(convention_template=str(template)))
    out = tmp_path / "out"
    with pytest.raises(documents.DocumentTemplateError) as caught:
        documents.generate_documents(scenario, small.calendar, small.plan, out, pdf=False)
    message = str(caught.value)
    assert message.startswith(f"Modèle d'annexe pédagogique {template} : ")
    assert expected in message
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["cassé.docx"]  # no staging folder left


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "fichier introuvable"), (b"pas un docx", "ce n'est pas un document Word")],
)
def test_a_missing_or_foreign_template_file_is_refused(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "modele.docx"
    if content is not None:
        path.write_bytes(content)
    school = scenario_from_dict(raw_small(attestation_template=str(path))).school
    with pytest.raises(documents.DocumentTemplateError) as caught:
        documents.scenario_templates(school)
    assert str(caught.value).startswith(f"Modèle d'attestation {path} : {expected}")


# --------------------------------------------------------------------------
# Statuses (R11)
# --------------------------------------------------------------------------


def test_statuses_match_records_by_dates_and_flag_stale_ones(small: Small) -> None:
    lines = documents.convention_statuses(small.scenario, small.plan)
    periods = small.plan.periods
    assert [line.period_id for line in lines[: len(periods)]] == [p.period_id for p in periods]
    assert lines[0].status is ConventionStatus.SIGNED and lines[0].label == "signée"
    assert all(line.status is ConventionStatus.TO_SEND for line in lines[1 : len(periods)])
    stale = lines[len(periods) :]
    assert len(stale) == 1 and stale[0].stale
    assert stale[0].status is ConventionStatus.SENT
    assert stale[0].label == "envoyée, ne correspond plus au plan"


def test_records_with_status_updates_or_adds_one_record() -> None:
    kept = ConventionRecord(student="s2", start=D(2027, 1, 4), end=D(2027, 2, 12))
    target = ConventionRecord(
        student="s1", start=D(2027, 1, 4), end=D(2027, 2, 12), note="relancer"
    )
    records = (target, kept, target)  # a duplicate is merged into the first
    updated = documents.records_with_status(
        records, "s1", target.start, target.end, ConventionStatus.SIGNED
    )
    assert updated == (target.model_copy(update={"status": ConventionStatus.SIGNED}), kept)
    added = documents.records_with_status(
        (kept,), "s1", D(2027, 3, 1), D(2027, 4, 9), ConventionStatus.SENT, note="par courriel"
    )
    assert added[1] == ConventionRecord(
        student="s1",
        start=D(2027, 3, 1),
        end=D(2027, 4, 9),
        status=ConventionStatus.SENT,
        note="par courriel",
    )
    with pytest.raises(ValueError, match="précède"):
        documents.records_with_status(
            (), "s1", D(2027, 4, 9), D(2027, 3, 1), ConventionStatus.SENT
        )


def test_scenario_with_status_changes_the_plan_statuses(small: Small) -> None:
    period = small.plan.periods[1]
    changed = documents.scenario_with_status(
        small.scenario, "s1", period.start, period.end, ConventionStatus.SENT
    )
    lines = documents.convention_statuses(changed, small.plan)
    assert lines[1].status is ConventionStatus.SENT
    assert small.scenario.conventions != changed.conventions  # the original is untouched
    assert scenario_from_dict(changed.model_dump(mode="json")).conventions == changed.conventions
    with pytest.raises(ValueError, match="élève inconnu"):
        documents.scenario_with_status(
            small.scenario, "zz", period.start, period.end, ConventionStatus.SENT
        )


# --------------------------------------------------------------------------
# Writing: atomic folder, refusals, ZIP
# --------------------------------------------------------------------------


def test_a_foreign_folder_is_never_replaced(small: Small, tmp_path: Path) -> None:
    out = tmp_path / "mes-documents"
    out.mkdir()
    (out / "important.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(documents.DocumentWriteError, match="n'est pas un dossier de documents"):
        documents.generate_documents(small.scenario, small.calendar, small.plan, out, pdf=False)
    assert [p.name for p in out.iterdir()] == ["important.txt"]


def test_an_earlier_documents_folder_is_replaced_whole(small: Small, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    documents.generate_documents(small.scenario, small.calendar, small.plan, out, pdf=False)
    (out / "conventions" / "ancien.docx").write_bytes(b"old")
    report = documents.generate_documents(
        small.scenario, small.calendar, small.plan, out, pdf=False
    )
    assert not (out / "conventions" / "ancien.docx").exists()
    assert all(path.is_file() for path in report.files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]  # no leftovers


def test_a_plan_breaking_a_rule_gets_no_document(small: Small, tmp_path: Path) -> None:
    days = tuple(d for d in small.plan.days if not (d.student_id == "s1" and d.date.month == 3))
    broken = replace(small.plan, days=days, periods=())
    with pytest.raises(documents.PlanRejectedError, match="enfreint"):
        documents.generate_documents(
            small.scenario, small.calendar, broken, tmp_path / "out", pdf=False
        )
    assert not (tmp_path / "out").exists()


def test_documents_zip_holds_the_folder(small: Small) -> None:
    data = documents.documents_zip(small.scenario, small.calendar, small.plan, pdf=False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names[0] == "conventions.csv"
        assert "conventions/s1-P1-annexe-pedagogique.docx" in names
        assert "attestations/s2-attestation.docx" in names
        assert len(names) == 1 + 10 + 2
        text = docx_text_bytes(archive.read("attestations/s1-attestation.docx"))
    assert "Léa Martin" in text


def docx_text_bytes(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


# --------------------------------------------------------------------------
# PDF conversion faults
# --------------------------------------------------------------------------


def test_missing_libreoffice_is_a_french_error(
    small: Small, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: None)
    with pytest.raises(documents.PdfConversionError) as caught:
        documents.generate_documents(
            small.scenario, small.calendar, small.plan, tmp_path / "out", pdf=True
        )
    assert "LibreOffice (soffice) est introuvable" in str(caught.value)
    assert "apt-get install libreoffice-writer-nogui" in str(caught.value)
    assert not (tmp_path / "out").exists()


@pytest.fixture()
def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory first on PATH, for a fake ``soffice`` script."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    yield bin_dir


def install_fake(bin_dir: Path, body: str) -> None:
    script = bin_dir / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_a_hung_libreoffice_is_stopped(fake_soffice: Path, tmp_path: Path) -> None:
    install_fake(fake_soffice, "sleep 30")
    source = write_docx(tmp_path / "a.docx", "texte")
    with pytest.raises(documents.PdfConversionError, match="en 1 s"):
        documents.convert_to_pdf([source], tmp_path / "pdf", timeout_s=1)


def test_a_missing_pdf_is_reported(fake_soffice: Path, tmp_path: Path) -> None:
    install_fake(fake_soffice, "echo 'Error: source file could not be loaded'")
    source = write_docx(tmp_path / "a.docx", "texte")
    with pytest.raises(
        documents.PdfConversionError, match=r"n'a pas produit 1 PDF sur 1 \(a.pdf\)"
    ):
        documents.convert_to_pdf([source], tmp_path / "pdf", timeout_s=10)


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def write_small_plan(small: Small, directory: Path, scenario: Scenario | None = None) -> Path:
    scenario = scenario or small.scenario
    verdict = validate_plan(scenario, small.calendar, small.plan)
    write_plan(directory, scenario, small.calendar, small.plan, verdict, {"status": "OPTIMAL"})
    return directory


def test_cli_documents_end_to_end(
    small: Small, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_dir = write_small_plan(small, tmp_path / "plan")
    assert main(["documents", str(plan_dir), "--sans-pdf"]) == 0
    printed = capsys.readouterr().out
    assert f"Documents écrits dans {plan_dir / 'documents'}/ (DOCX)" in printed
    assert "10 annexe(s) pédagogique(s)" in printed and "2 attestation(s)" in printed
    assert "1 signée, 9 à envoyer" in printed
    out = plan_dir / "documents"
    with (out / "conventions.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10 and rows[0]["visits"] == "2027-01-12|2027-02-09"
    assert not list(out.rglob("*.pdf"))
    text = docx_text(out / "conventions" / "s1-P1-annexe-pedagogique.docx")
    assert "12/01/2027" in text and TUTOR in text
    # Again, into --out: the earlier folder is untouched, the new one written.
    assert main(["documents", str(plan_dir), "--out", str(tmp_path / "autre"), "--sans-pdf"]) == 0
    assert (tmp_path / "autre" / "attestations" / "s2-attestation.docx").is_file()


def test_cli_documents_refuses_a_plan_breaking_a_rule(
    small: Small, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_dir = write_small_plan(small, tmp_path / "plan")
    days = plan_dir / "days.csv"
    lines = days.read_text(encoding="utf-8").splitlines()
    days.write_text("\n".join(lines[:-30]) + "\n", encoding="utf-8")  # s2 loses 30 days
    assert main(["documents", str(plan_dir), "--sans-pdf"]) == 1
    assert "aucune convention (R11)" in capsys.readouterr().err
    assert not (plan_dir / "documents").exists()


def test_cli_documents_with_a_broken_template_exits_2(
    small: Small, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = write_docx(tmp_path / "modele.docx", "{% if %}")
    scenario = scenario_from_dict(raw_small(convention_template=str(template)))
    plan_dir = write_small_plan(small, tmp_path / "plan", scenario)
    assert main(["documents", str(plan_dir), "--sans-pdf"]) == 2
    err = capsys.readouterr().err
    assert f"Modèle d'annexe pédagogique {template}" in err
    assert "Traceback" not in err
    assert not (plan_dir / "documents").exists()


def test_cli_documents_on_a_missing_directory_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["documents", str(tmp_path / "absent")]) == 2
    assert "introuvable" in capsys.readouterr().err
