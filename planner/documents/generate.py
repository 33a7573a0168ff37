"""Writing the documents of a plan: one pedagogical annex per period (R11),
one attestation per student (R13), in DOCX and PDF, and ``conventions.csv``.

The folder is written whole into a temporary sibling, then swapped into
place, as the plan files are (``planner/plan_io.py``): a reader sees the
old documents or the new ones, never half of them. A folder is replaced
only when it is empty or holds the marker file of a documents folder, so
that a wrong ``--out`` never deletes a teacher's files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from models import Calendar, Plan, Scenario

from ..atomic import fsync_dir, swap_into_place
from ..calendar import build_calendar
from ..counting import build_plan
from ..plan_io import read_plan
from ..validate import Verdict, format_verdict, validate_plan
from .context import (
    AnnexContext,
    AttestationContext,
    annex_contexts,
    attestation_contexts,
    french_date,
    template_variables,
)
from .pdf import convert_to_pdf, require_soffice
from .render import DocumentError, DocumentTemplate, scenario_templates
from .status import ConventionLine, convention_statuses

CONVENTIONS_DIR: Final = "conventions"
ATTESTATIONS_DIR: Final = "attestations"
INDEX_FILE: Final = "conventions.csv"
#: Marks a folder written by :func:`generate_documents`: only such a folder is replaced.
MARKER_FILE: Final = ".stageplan-documents"
INDEX_COLUMNS: Final = (
    "student_id",
    "name",
    "period_id",
    "kind",
    "start",
    "end",
    "host_id",
    "host",
    "tutor",
    "referent",
    "visits",
    "status",
    "file",
    "note",
)


class DocumentWriteError(DocumentError):
    """The documents folder cannot be written where asked (French message)."""


class PlanRejectedError(DocumentError):
    """R11/R13: no document for a plan that breaks a hard rule (R1-R10)."""

    def __init__(self, message: str, verdict: Verdict):
        super().__init__(message)
        self.verdict = verdict


@dataclass(frozen=True)
class DocumentReport:
    """What :func:`generate_documents` wrote.

    Attributes
    ----------
    out_dir
        The documents folder.
    annexes, attestations
        The DOCX files written (R11 annexes, R13 attestations), in plan and
        scenario order.
    pdfs
        The PDF files (empty with ``pdf=False``).
    index
        ``conventions.csv``.
    statuses
        The convention of every period with its status, then the stale
        records (:func:`convention_statuses`).
    docx_seconds, pdf_seconds
        Time spent filling the templates and converting to PDF.
    """

    out_dir: Path
    annexes: tuple[Path, ...]
    attestations: tuple[Path, ...]
    pdfs: tuple[Path, ...]
    index: Path
    statuses: tuple[ConventionLine, ...]
    docx_seconds: float
    pdf_seconds: float

    @property
    def stale(self) -> tuple[ConventionLine, ...]:
        """Records of conventions whose dates match no period any more."""
        return tuple(line for line in self.statuses if line.stale)

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file written, the index first."""
        return (self.index, *self.annexes, *self.attestations, *self.pdfs)


@dataclass(frozen=True)
class _Document:
    """A rendered document: where it goes in the folder, and its bytes."""

    path: str  # relative to the documents folder, with "/"
    data: bytes


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------


def generate_documents(
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    out_dir: Path,
    *,
    pdf: bool = True,
    issued: dt.date | None = None,
) -> DocumentReport:
    """Write the conventions' annexes (R11) and the attestations (R13) of a plan.

    Writes ``out_dir/conventions/{student}-{period}-annexe-pedagogique.docx``
    per period, ``out_dir/attestations/{student}-attestation.docx`` per
    student owing an internship or having a period, a ``.pdf`` beside each
    with ``pdf=True``, and ``out_dir/conventions.csv`` (one row per period,
    with its convention status). The plan is validated first; templates are
    checked and LibreOffice looked for before anything is written.

    Parameters
    ----------
    scenario, calendar, plan
        The plan and what it solves. A plan without periods gets them from
        its days (:func:`planner.counting.build_plan`), keeping its visits
        and referents.
    out_dir
        The documents folder: absent, empty, or an earlier documents folder
        (which is replaced whole).
    pdf
        Also convert every document to PDF with LibreOffice.
    issued
        Date written above the signatures; today by default.

    Returns
    -------
    DocumentReport
        The files written, the statuses and the time taken.

    Raises
    ------
    PlanRejectedError
        The plan breaks a hard rule: no document is written.
    DocumentTemplateError
        A template is missing or bad (French message naming the file).
    PdfConversionError
        LibreOffice is missing or fails (with ``pdf=True``).
    DocumentWriteError
        ``out_dir`` holds something else, or cannot be written.
    """
    out_dir = Path(out_dir)
    plan = _with_periods(scenario, calendar, plan)
    _require_valid(scenario, calendar, plan)
    templates = scenario_templates(scenario.school)
    if pdf:
        require_soffice()
    _check_target(out_dir)
    started = time.perf_counter()
    statuses = tuple(convention_statuses(scenario, plan))
    named = _NamedContexts.of(scenario, plan, issued or dt.date.today())
    documents = _render_all(named, templates)
    index = _index_text(named, statuses, pdf)
    documents.append(_Document(INDEX_FILE, index.encode()))
    docx_seconds = time.perf_counter() - started
    staging = _staging_dir(out_dir)
    try:
        _write_documents(staging, documents)
        started = time.perf_counter()
        pdfs = _convert(staging, documents) if pdf else []
        pdf_seconds = time.perf_counter() - started
        _sync_tree(staging)
        _check_target(out_dir)  # again: it may have changed meanwhile
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return DocumentReport(
        out_dir=out_dir,
        annexes=_paths(out_dir, documents, CONVENTIONS_DIR),
        attestations=_paths(out_dir, documents, ATTESTATIONS_DIR),
        pdfs=tuple(out_dir / p for p in pdfs),
        index=out_dir / INDEX_FILE,
        statuses=statuses,
        docx_seconds=docx_seconds,
        pdf_seconds=pdf_seconds,
    )


def documents_zip(
    scenario: Scenario,
    calendar: Calendar,
    plan: Plan,
    *,
    pdf: bool = True,
    issued: dt.date | None = None,
) -> bytes:
    """Every document of :func:`generate_documents` in one ZIP, in memory.

    The ZIP holds ``conventions.csv``, ``conventions/`` and
    ``attestations/`` as the folder does (for the dashboard's download).
    Raises as :func:`generate_documents`.
    """
    with tempfile.TemporaryDirectory(prefix="stageplan-documents-") as work:
        report = generate_documents(
            scenario, calendar, plan, Path(work) / "documents", pdf=pdf, issued=issued
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in report.files:
                archive.write(path, path.relative_to(report.out_dir).as_posix())
        return buffer.getvalue()


def format_report(report: DocumentReport) -> str:
    """French lines for the CLI: what was written, stale conventions, time."""
    formats = "DOCX et PDF" if report.pdfs else "DOCX"
    lines = [
        f"Documents écrits dans {report.out_dir}/ ({formats}) :",
        f"  {len(report.annexes)} annexe(s) pédagogique(s) de convention (R11) "
        f"dans {CONVENTIONS_DIR}/",
        f"  {len(report.attestations)} attestation(s) de stage (R13) dans {ATTESTATIONS_DIR}/",
        f"  suivi des conventions : {INDEX_FILE}",
    ]
    counts: dict[str, int] = defaultdict(int)
    for line in report.statuses:
        if not line.stale:
            counts[line.status.label] += 1
    lines.append(
        "Conventions : " + ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
        if counts
        else "Conventions : aucune période dans ce plan."
    )
    if report.stale:
        lines.append(
            f"Attention : {len(report.stale)} convention(s) suivie(s) ne correspondent plus "
            "au plan (le plan a changé après l'envoi) :"
        )
        lines += [
            f"  - {line.student_name} ({line.student_id}) du {french_date(line.start)} au "
            f"{french_date(line.end)} : {line.label}"
            for line in report.stale
        ]
    timing = f"Durée : {report.docx_seconds:.1f} s (DOCX)"
    if report.pdfs:
        timing += f" + {report.pdf_seconds:.1f} s (PDF)"
    lines.append(timing + ".")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def _with_periods(scenario: Scenario, calendar: Calendar, plan: Plan) -> Plan:
    if plan.periods or not plan.days:
        return plan
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for day in plan.days:
        dates[day.student_id].append(day.date)
    rebuilt = build_plan(scenario, calendar, dates)
    return replace(rebuilt, visits=plan.visits, referents=plan.referents)


def _require_valid(scenario: Scenario, calendar: Calendar, plan: Plan) -> None:
    verdict = validate_plan(scenario, calendar, plan)
    if not verdict.ok:
        raise PlanRejectedError(
            f"Ce plan enfreint {verdict.hard_violations} règle(s) : aucune convention (R11) "
            "ni attestation (R13) n'est écrite pour un plan qui ne respecte pas le "
            f"référentiel.\n{format_verdict(verdict, scenario)}",
            verdict,
        )


@dataclass(frozen=True)
class _NamedContexts:
    """The contexts of every document, each with its file stem."""

    annexes: tuple[tuple[str, AnnexContext], ...]
    attestations: tuple[tuple[str, AttestationContext], ...]

    @classmethod
    def of(cls, scenario: Scenario, plan: Plan, issued: dt.date) -> _NamedContexts:
        names = _FileNames()
        return cls(
            annexes=tuple(
                (names.annex(context), context)
                for context in annex_contexts(scenario, plan, issued=issued)
            ),
            attestations=tuple(
                (names.attestation(context), context)
                for context in attestation_contexts(scenario, plan, issued=issued)
            ),
        )


def _render_all(
    named: _NamedContexts, templates: tuple[DocumentTemplate, DocumentTemplate]
) -> list[_Document]:
    annex_template, attestation_template = templates
    documents = [
        _Document(
            f"{CONVENTIONS_DIR}/{stem}.docx", annex_template.render(template_variables(context))
        )
        for stem, context in named.annexes
    ]
    documents += [
        _Document(
            f"{ATTESTATIONS_DIR}/{stem}.docx",
            attestation_template.render(template_variables(context)),
        )
        for stem, context in named.attestations
    ]
    return documents


def safe_name(text: str) -> str:
    """A file-name part: letters, digits, ``-`` and ``_`` (accents dropped)."""
    ascii_text = text.encode("ascii", "ignore").decode() if not text.isascii() else text
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-")
    return cleaned or "x"


class _FileNames:
    """Readable, safe and distinct stems (LibreOffice names each PDF after
    its DOCX, so that two equal stems would overwrite one another)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def annex(self, context: AnnexContext) -> str:
        student_id = context.student.id
        suffix = context.period.id.removeprefix(f"{student_id}-")
        return self._unique(f"{safe_name(student_id)}-{safe_name(suffix)}-annexe-pedagogique")

    def attestation(self, context: AttestationContext) -> str:
        return self._unique(f"{safe_name(context.student.id)}-attestation")

    def _unique(self, stem: str) -> str:
        candidate, number = stem, 2
        while candidate.lower() in self._used:
            candidate, number = f"{stem}-{number}", number + 1
        self._used.add(candidate.lower())
        return candidate


def _index_text(named: _NamedContexts, statuses: Sequence[ConventionLine], pdf: bool) -> str:
    """``conventions.csv``: one row per period (R11), with its status and file."""
    annexes = {context.period.id: (stem, context) for stem, context in named.annexes}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for line in statuses:
        if line.period_id is None:  # a stale record: listed by the report, not a period
            continue
        stem, context = annexes[line.period_id]
        writer.writerow(
            (
                line.student_id,
                line.student_name,
                line.period_id,
                context.period.kind,
                line.start.isoformat(),
                line.end.isoformat(),
                context.host.id,
                context.host.name,
                context.tutor.name if context.tutor.found else "",
                context.referent.name if context.referent.found else "",
                "|".join(v.date.isoformat() for v in context.visits),
                line.status.value,
                f"{CONVENTIONS_DIR}/{stem}.{'pdf' if pdf else 'docx'}",
                line.note,
            )
        )
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Writing, atomically
# --------------------------------------------------------------------------


def _check_target(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise DocumentWriteError(
            f"{out_dir} existe et n'est pas un dossier : documents non écrits"
        )
    if any(out_dir.iterdir()) and not (out_dir / MARKER_FILE).is_file():
        raise DocumentWriteError(
            f"{out_dir} n'est pas vide et n'est pas un dossier de documents stageplan "
            f"(pas de fichier {MARKER_FILE}) : il n'est pas remplacé ; choisissez un autre "
            "dossier avec --out"
        )


def _staging_dir(out_dir: Path) -> Path:
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    except OSError as error:
        raise DocumentWriteError(
            f"{out_dir} : dossier impossible à créer ({error.strerror})"
        ) from None


def _write_documents(staging: Path, documents: Iterable[_Document]) -> None:
    try:
        for sub in (CONVENTIONS_DIR, ATTESTATIONS_DIR):
            (staging / sub).mkdir()
        for document in documents:
            (staging / document.path).write_bytes(document.data)
        (staging / MARKER_FILE).write_text(
            "Dossier de documents écrit par stageplan (conventions R11, attestations R13) : "
            "« stageplan documents » peut le remplacer en entier.\n",
            encoding="utf-8",
        )
    except OSError as error:
        raise DocumentWriteError(
            f"{staging.parent} : écriture des documents impossible ({error.strerror})"
        ) from None


def _convert(staging: Path, documents: Sequence[_Document]) -> list[str]:
    """Every DOCX to PDF in one LibreOffice call, each PDF beside its DOCX."""
    sources = [staging / d.path for d in documents if d.path.endswith(".docx")]
    converted = staging / ".pdf"
    made = convert_to_pdf(sources, converted)
    relative: list[str] = []
    for source, pdf in zip(sources, made, strict=True):
        target = source.with_suffix(".pdf")
        os.replace(pdf, target)
        relative.append(target.relative_to(staging).as_posix())
    converted.rmdir()
    return relative


def _sync_tree(root: Path) -> None:
    """Flush every file and folder of ``root`` to disk before the swap."""
    try:
        for folder, _, names in os.walk(root):
            for name in names:
                descriptor = os.open(Path(folder) / name, os.O_RDONLY)
                try:
                    os.fsync(descriptor)
                finally:
                    os.close(descriptor)
            fsync_dir(Path(folder))
    except OSError as error:
        raise DocumentWriteError(
            f"{root.parent} : écriture des documents impossible ({error.strerror})"
        ) from None


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` at ``out_dir``; earlier documents are removed only after."""
    try:
        swap_into_place(staging, out_dir)
    except OSError as error:
        raise DocumentWriteError(
            f"{out_dir} : remplacement des documents impossible ({error.strerror})"
        ) from None


def _paths(out_dir: Path, documents: Sequence[_Document], folder: str) -> tuple[Path, ...]:
    return tuple(out_dir / d.path for d in documents if d.path.startswith(f"{folder}/"))


# --------------------------------------------------------------------------
# A plan directory (``stageplan documents``)
# --------------------------------------------------------------------------

DOCUMENTS_DIR: Final = "documents"


def plan_dir_documents(
    plan_dir: Path, out_dir: Path | None = None, *, pdf: bool = True
) -> DocumentReport:
    """The documents of a plan directory written by ``stageplan solve``.

    The scenario comes from the directory's ``summary.json``; the periods
    are recomputed from ``days.csv`` (a teacher may have edited it), and the
    plan is validated again before anything is written.

    Parameters
    ----------
    plan_dir
        The plan directory.
    out_dir
        The documents folder; ``plan_dir/documents`` by default.
    pdf
        Also produce the PDFs (LibreOffice).

    Raises
    ------
    PlanFileError, ScenarioError, CalendarError
        The directory or its scenario cannot be read.
    DocumentError
        As :func:`generate_documents`.
    """
    plan_dir = Path(plan_dir)
    scenario, read = read_plan(plan_dir)
    calendar = build_calendar(scenario)
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for day in read.days:
        dates[day.student_id].append(day.date)
    plan = replace(
        build_plan(scenario, calendar, dates), visits=read.visits, referents=read.referents
    )
    target = out_dir if out_dir is not None else plan_dir / DOCUMENTS_DIR
    return generate_documents(scenario, calendar, plan, target, pdf=pdf)
