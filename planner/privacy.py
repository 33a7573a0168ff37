"""Personal data (RGPD): pseudonymised exports and the purge of a class.

Pseudonymisation
----------------
:func:`pseudonymise` gives the scenario a plan is shared under: the same
ids, dates, routes, hosts and teams, so that the same plan is found and
checked, but no one is named.

* Students: the name becomes the id. The reasons of a reduced duration (R2)
  and of an exemption (R3) become :data:`MASKED_REASON` (the rules still
  apply), the labels of unavailabilities are dropped. Route, status, dates,
  hosts, referent and class are kept: the plan depends on them.
* Hosts: the name becomes the id; the street address, the postcode and the
  tutor (name, function, e-mail) are dropped. The town, sector, capacity and
  closures are kept (the visits are grouped by town, R12).
* Teachers: the name becomes the id. Town, subjects, visit days and limits
  are kept (the referents and trips of R12 depend on them).
* Free text that may name someone: the scenario's description, the notes of
  the conventions' tracking (R11), the labels of the locked periods, the
  head of school and the paths of the school's templates are dropped. The
  scenario's name, the progression's labels and the school's name are kept.
* The solver figures keep the scenario file's name, not its folders.

A pseudonymised plan is still personal data under the RGPD (whoever holds
the class list can tell who is who): it is made to be shared with those who
need the plan, not published.

Purge
-----
:func:`plan_purge` lists what ``stageplan purge`` does to erase the personal
data of a class (of every student, or of those of one ``cohort``);
:func:`apply_purge` does it. In the scenario file and the class list it
reads (CSV or XLSX): the names become the ids, the reasons become
:data:`PURGED_REASON`, the labels of unavailabilities, the notes of the
conventions' tracking and the labels of the locked periods of those students
are dropped, and their full names are replaced by their ids in the free text
of the scenario (description, labels, notes). The tutor of a host is
dropped unless a student kept by the purge is placed there. The plan,
document and export folders given are deleted (they hold names). Every
file is rewritten atomically (a temporary file renamed over it).
"""

from __future__ import annotations

import codecs
import copy
import csv
import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from models import (
    Calendar,
    Host,
    Plan,
    Scenario,
    ScenarioError,
    Student,
    Teacher,
    load_scenario,
    scenario_from_dict,
)
from models.tables import MAX_FILE_BYTES, cell_text, decode_text, read_table

from . import store
from .atomic import fsync_dir, remove_temporaries, replace_file
from .validate import Verdict, validate_plan

#: What a pseudonymised export says instead of a reason (R2, R3).
MASKED_REASON: Final = "motif masqué"
#: What the purge leaves instead of a reason (R2, R3), so that the rule still applies.
PURGED_REASON: Final = "motif effacé"

# --------------------------------------------------------------------------
# Pseudonymisation
# --------------------------------------------------------------------------


def pseudonymise(scenario: Scenario) -> Scenario:
    """The scenario with ids in place of names and no personal details.

    Everything the planner and the validator read is kept, so that the
    pseudonymised scenario has the same plans, the same verdicts and the
    same objective; see the module's docstring for what is dropped.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Scenario
        A new scenario; ``pseudonymise(pseudonymise(s)) == pseudonymise(s)``.
    """
    raw = scenario.model_dump(mode="python")
    raw["description"] = ""
    raw["students"] = [_masked_student(s) for s in scenario.students]
    raw["hosts"] = [_masked_host(h) for h in scenario.hosts]
    raw["teachers"] = [_masked_teacher(t) for t in scenario.teachers]
    raw["school"] = {
        **raw["school"],
        "head": "",
        "convention_template": None,
        "attestation_template": None,
    }
    raw["conventions"] = [{**record, "note": ""} for record in raw["conventions"]]
    raw["locked"] = [
        {key: value for key, value in lock.items() if key != "label"} for lock in raw["locked"]
    ]
    return Scenario.model_validate(raw)


def _masked_student(student: Student) -> dict[str, Any]:
    raw = student.model_dump(mode="python")
    raw["name"] = student.id
    for key in ("reduction_reason", "exemption_reason"):
        if raw[key] is not None:
            raw[key] = MASKED_REASON
    raw["unavailable"] = [{**r, "label": ""} for r in raw["unavailable"]]
    return raw


def _masked_host(host: Host) -> dict[str, Any]:
    raw = host.model_dump(mode="python")
    raw.update(name=host.id, address="", postcode="", tutor=None)
    return raw


def _masked_teacher(teacher: Teacher) -> dict[str, Any]:
    raw = teacher.model_dump(mode="python")
    raw["name"] = teacher.id
    return raw


#: Keys of the solver figures that hold a path (its folders may name someone).
_PATH_KEYS: Final = ("scenario_file", "previous_plan")


def pseudonymise_solve_info(solve_info: Mapping[str, Any]) -> dict[str, Any]:
    """The solver figures of ``summary.json`` with file names instead of paths.

    A path names its folders (``/home/jdupont/...``); the file's name is kept.
    """
    info = {key: _file_name(key, value) for key, value in solve_info.items()}
    for key, value in info.items():
        if isinstance(value, Mapping):
            info[key] = {k: _file_name(k, v) for k, v in value.items()}
    return info


def _file_name(key: str, value: Any) -> Any:
    if key in _PATH_KEYS and isinstance(value, str) and value:
        return Path(value).name
    return value


@dataclass(frozen=True)
class SharedPlan:
    """What the exports of a pseudonymised plan read.

    Attributes
    ----------
    scenario
        :func:`pseudonymise` of the plan's scenario.
    verdict
        The validator's verdict against it (its messages and exemption
        reasons name ids only).
    solve_info
        :func:`pseudonymise_solve_info` of the solver figures.
    """

    scenario: Scenario
    verdict: Verdict
    solve_info: dict[str, Any]


def shared_plan(
    scenario: Scenario, calendar: Calendar, plan: Plan, solve_info: Mapping[str, Any]
) -> SharedPlan:
    """The pseudonymised scenario, verdict and figures of a plan, for its exports.

    The plan itself holds ids only and is exported as it is; the verdict is
    checked again against the pseudonymised scenario (same rules, same
    result, no names in its messages).
    """
    masked = pseudonymise(scenario)
    return SharedPlan(
        scenario=masked,
        verdict=validate_plan(masked, calendar, plan),
        solve_info=pseudonymise_solve_info(solve_info),
    )


# --------------------------------------------------------------------------
# Purge
# --------------------------------------------------------------------------


class PurgeError(Exception):
    """A purge that cannot be made as asked; the message is French."""


#: The marker of a documents folder (``planner.documents``) and the file of a plan folder.
_DOCUMENTS_MARKER: Final = ".stageplan-documents"
_PLAN_MARKER: Final = "summary.json"
#: Files stageplan writes (plans, exports, documents, downloads): a folder
#: holding only these may be deleted by the purge.
OUTPUT_SUFFIXES: Final = frozenset(
    {".csv", ".json", ".xlsx", ".ics", ".zip", ".docx", ".pdf", ".html", ".png", ".tmp"}
)
#: Keys of the scenario whose text is free (a full name found there becomes the id).
_FREE_TEXT_KEYS: Final = frozenset({"description", "label", "note", "head", "evaluation"})


@dataclass(frozen=True)
class PurgeAction:
    """One file rewritten, or one file or folder deleted, by the purge.

    Attributes
    ----------
    path
        The file or folder.
    what
        What happens to it, in French (one line of the listing).
    content
        The new bytes of a rewritten file; None for a deletion.
    """

    path: Path
    what: str
    content: bytes | None = None


@dataclass(frozen=True)
class PurgePlan:
    """What ``stageplan purge`` does (:func:`plan_purge`), done by :func:`apply_purge`.

    Attributes
    ----------
    scenario_file
        The scenario purged.
    cohort
        The class purged; None for every student of the scenario.
    students
        Ids of the students whose personal data are erased.
    actions
        The files rewritten, then the files and folders deleted.
    warnings
        French lines on what the purge cannot erase by itself.
    """

    scenario_file: Path
    cohort: str | None
    students: tuple[str, ...]
    actions: tuple[PurgeAction, ...]
    warnings: tuple[str, ...] = ()

    def report(self) -> str:
        """The listing printed before anything is done (French)."""
        who = f"de la classe « {self.cohort} »" if self.cohort else "du scénario"
        lines = [
            f"Purge des données personnelles des {len(self.students)} élève(s) {who} "
            f"({self.scenario_file}) :"
        ]
        lines += [f"  - {action.path} : {action.what}" for action in self.actions]
        if not self.actions:
            lines.append("  (aucune donnée personnelle à effacer)")
        lines += [f"Attention : {warning}" for warning in self.warnings]
        return "\n".join(lines)


def plan_purge(
    scenario_file: Path, cohort: str | None = None, outputs: Sequence[Path] = ()
) -> PurgePlan:
    """List what the purge of a class's personal data does, changing nothing.

    Parameters
    ----------
    scenario_file
        A scenario (YAML); its class list may be inline or a CSV or XLSX
        file it names (``students: {file: ...}``), likewise its hosts.
    cohort
        Only the students of this class (``cohort``); every student when None.
    outputs
        Plan folders (``stageplan solve --out``), documents folders, export
        folders or files (XLSX, ICS, ZIP...) to delete: each must be one
        stageplan writes (a plan folder, a documents folder, or a folder
        holding only such files).

    Returns
    -------
    PurgePlan
        The files to rewrite (with their new content, checked to load as a
        valid scenario) and to delete.

    Raises
    ------
    ScenarioError
        The scenario cannot be read.
    PurgeError
        No student in that class, an output that is not one stageplan
        writes, a table that cannot be rewritten. (A missing output is a
        warning: the purge may be run again after an interruption.)
    """
    scenario_file = Path(scenario_file)
    scenario = load_scenario(scenario_file)
    chosen = [s for s in scenario.students if cohort is None or s.cohort == cohort]
    if not chosen:
        classes = sorted({s.cohort for s in scenario.students if s.cohort})
        known = ", ".join(classes) if classes else "aucune (pas de colonne cohort)"
        raise PurgeError(
            f"--classe : aucun élève de la classe « {cohort} » dans {scenario_file.name} "
            f"(classes du scénario : {known})"
        )
    ids = {s.id for s in chosen}
    kept_hosts = {h for s in scenario.students if s.id not in ids for h in s.hosts}
    tutors = {h.id for h in scenario.hosts if h.tutor is not None and h.id not in kept_hosts}
    names = {s.id: s.name for s in chosen if s.name.strip() and s.name != s.id}
    purge = _Purge(scenario_file, ids, tutors, names)
    actions = purge.files()
    actions += _versions(scenario_file)
    deletions = []
    for output in dict.fromkeys(Path(p) for p in outputs):
        if output.exists():
            deletions.append(_deletion(output, purge.sources))
        else:  # a re-run after an interrupted purge, or a typo: said, not fatal
            purge.warnings.append(f"{output} est introuvable : rien à y supprimer.")
    return PurgePlan(
        scenario_file=scenario_file,
        cohort=cohort,
        students=tuple(s.id for s in chosen),
        actions=(*actions, *deletions),
        warnings=tuple(purge.warnings),
    )


def apply_purge(plan: PurgePlan) -> None:
    """Do what :func:`plan_purge` listed: rewrite, then delete.

    Each file is replaced atomically (:func:`planner.atomic.replace_file`:
    written and synced beside it, then renamed over it), under the save lock
    of its folder (:func:`planner.store.locked`), so that no dashboard save
    slips in between; a folder is renamed aside, then removed.

    Raises
    ------
    OSError
        A file cannot be written or deleted (the ones before it are done).
    """
    for action in plan.actions:
        if action.content is not None:
            with store.locked(action.path.parent):
                remove_temporaries(action.path)  # a killed writer's copy holds names too
                replace_file(action.path, action.content)
    for action in plan.actions:
        if action.content is None:
            _delete(action.path)


class _Purge:
    """The rewriting of a scenario and of the tables it reads."""

    def __init__(
        self, scenario_file: Path, ids: set[str], tutors: set[str], names: Mapping[str, str]
    ) -> None:
        self.scenario_file = scenario_file
        self.ids = ids
        self.tutors = tutors
        # Longest first: « Léa Martin-Roux » before « Léa Martin ».
        self.names = sorted(names.items(), key=lambda item: -len(item[1]))
        self.sources: list[Path] = [scenario_file]
        self.warnings: list[str] = []

    def files(self) -> list[PurgeAction]:
        data = _read_bytes(self.scenario_file)
        text = decode_text(data, self.scenario_file.name)
        raw = yaml.safe_load(text)
        assert isinstance(raw, dict)  # load_scenario accepted it
        new = copy.deepcopy(raw)
        actions: list[PurgeAction] = []
        tables: dict[Path, bytes] = {}
        counts = _Counts()
        for kind, edit in (("students", self._student_row), ("hosts", self._host_row)):
            value = new.get(kind)
            if isinstance(value, dict) and set(value) == {"file"}:
                path = self.scenario_file.parent / str(value["file"])
                self.sources.append(path)
                table_counts = _Counts()
                content = _rewrite_table(path, edit, table_counts)
                if content is not None:
                    tables[path] = content
                    actions.append(PurgeAction(path, table_counts.text(), content))
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        edit(item, counts)
        for record in new.get("conventions") or []:
            if isinstance(record, dict) and str(record.get("student")) in self.ids:
                counts.notes += record.pop("note", None) not in (None, "")
        for lock in new.get("locked") or []:
            if isinstance(lock, dict) and str(lock.get("student")) in self.ids:
                counts.labels += lock.pop("label", None) not in (None, "")
        new = self._free_text(new, counts)
        if isinstance(new.get("name"), str):  # the scenario's name (not a person's)
            new["name"] = self._free_text(new["name"], counts, "description")
        named = any(name in text for _, name in self.names)
        if new != raw or named:
            content = _yaml_bytes(new, self.scenario_file.name)
            what = counts.text()
            if any(line.lstrip().startswith("#") for line in text.splitlines()):
                what += " ; les commentaires du fichier ne sont pas conservés"
            actions.insert(0, PurgeAction(self.scenario_file, what, content))
            tables[self.scenario_file] = content
        self._check(new, tables)
        return actions

    def _student_row(self, row: dict[str, Any], counts: _Counts) -> bool:
        if str(row.get("id", "")).strip() not in self.ids:
            return False
        changed = False
        identifier = str(row["id"]).strip()
        if str(row.get("name", "")) != identifier:
            row["name"] = identifier
            counts.names += 1
            changed = True
        for key in ("reduction_reason", "exemption_reason"):
            value = row.get(key)
            if isinstance(value, str) and value.strip() and value != PURGED_REASON:
                row[key] = PURGED_REASON
                counts.reasons += 1
                changed = True
        unavailable = row.get("unavailable")
        if isinstance(unavailable, str):
            bare = "|".join(part.partition("(")[0].strip() for part in unavailable.split("|"))
            if bare != unavailable:
                row["unavailable"] = bare
                counts.labels += unavailable.count("(")
                changed = True
        elif isinstance(unavailable, list):
            for item in unavailable:
                if isinstance(item, dict) and item.pop("label", None) not in (None, ""):
                    counts.labels += 1
                    changed = True
        return changed

    def _host_row(self, row: dict[str, Any], counts: _Counts) -> bool:
        if str(row.get("id", "")).strip() not in self.tutors:
            return False
        changed = False
        for key in ("tutor_name", "tutor_function", "tutor_email"):
            if row.get(key):
                row[key] = ""
                changed = True
        if row.pop("tutor", None) is not None:
            changed = True
        counts.tutors += changed
        return changed

    def _free_text(self, value: Any, counts: _Counts, key: str = "") -> Any:
        """Full names of the purged students replaced by their ids in free text."""
        if isinstance(value, dict):
            return {k: self._free_text(v, counts, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._free_text(v, counts, key) for v in value]
        if isinstance(value, str) and key in _FREE_TEXT_KEYS:
            for identifier, name in self.names:
                if name in value:
                    counts.free_text += value.count(name)
                    value = value.replace(name, identifier)
        return value

    def _check(self, new: dict[str, Any], contents: Mapping[Path, bytes]) -> None:
        """The purged scenario must load, and name no purged student."""
        try:
            scenario_from_dict(
                _resolved(new, self.scenario_file, contents), self.scenario_file.name
            )
        except ScenarioError as error:  # a bug of the purge: nothing is written
            raise PurgeError(
                f"{self.scenario_file} : la purge rendrait le scénario invalide ({error}) ; "
                "rien n'est modifié"
            ) from None
        for path in dict.fromkeys(self.sources):
            data = contents.get(path)
            text = _table_text(path, data if data is not None else _read_bytes(path))
            left = [identifier for identifier, name in self.names if name in text]
            if left:
                shown = ", ".join(left[:5]) + (" …" if len(left) > 5 else "")
                self.warnings.append(
                    f"{path} nomme encore {len(left)} élève(s) ({shown}) dans un texte que la "
                    "purge ne sait pas réécrire : vérifiez ce fichier à la main."
                )


@dataclass
class _Counts:
    names: int = 0
    reasons: int = 0
    labels: int = 0
    notes: int = 0
    tutors: int = 0
    free_text: int = 0

    def text(self) -> str:
        parts = [
            (self.names, "nom(s) d'élève remplacé(s) par l'identifiant"),
            (self.reasons, "motif(s) de durée réduite ou de dispense effacé(s)"),
            (self.labels, "libellé(s) d'indisponibilité ou de verrou effacé(s)"),
            (self.notes, "note(s) de suivi de convention effacée(s)"),
            (self.tutors, "tuteur(s) d'entreprise effacé(s)"),
            (self.free_text, "nom(s) remplacé(s) dans le texte libre"),
        ]
        found = [f"{count} {label}" for count, label in parts if count]
        return "réécrit : " + (", ".join(found) if found else "mis en forme")


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PurgeError(f"{path} : fichier trop volumineux (5 Mo au plus)")
        return path.read_bytes()
    except OSError as error:
        raise PurgeError(f"{path} : fichier illisible ({error.strerror})") from None


def _yaml_bytes(raw: Mapping[str, Any], name: str) -> bytes:
    header = (
        f"# Données personnelles purgées par « stageplan purge » le "
        f"{dt.date.today().isoformat()} ({name}).\n"
    )
    body = yaml.safe_dump(dict(raw), allow_unicode=True, sort_keys=False, width=100)
    return (header + body).encode("utf-8")


def _resolved(
    raw: Mapping[str, Any], path: Path, contents: Mapping[Path, bytes]
) -> dict[str, Any]:
    """The scenario as :func:`models.load_scenario` reads it, with the new tables."""
    resolved = dict(raw)
    for kind in ("students", "hosts", "teachers"):
        value = resolved.get(kind)
        if isinstance(value, dict) and set(value) == {"file"}:
            table = path.parent / str(value["file"])
            data = contents.get(table)
            resolved[kind] = read_table(
                table.name, data if data is not None else _read_bytes(table), kind
            )
    training = resolved.get("training")
    if isinstance(training, dict) and training.get("holiday_calendar"):
        calendar = path.parent / str(training["holiday_calendar"])
        resolved["training"] = {**training, "holiday_calendar": str(calendar.resolve())}
    school = resolved.get("school")
    if isinstance(school, dict):
        resolved["school"] = {
            key: str((path.parent / str(value)).resolve())
            if key.endswith("_template") and value
            else value
            for key, value in school.items()
        }
    return resolved


# --- tables (CSV, XLSX) ---


#: Edits one row of a table (a dict by column) in place, counting; True when it changed.
RowEdit = Callable[[dict[str, Any], "_Counts"], bool]


def _rewrite_table(path: Path, edit: RowEdit, counts: _Counts) -> bytes | None:
    """The table with ``edit`` applied to each row; None when no row changes."""
    data = _read_bytes(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _rewrite_xlsx(path, data, edit, counts)
    if suffix in (".csv", ".txt"):
        return _rewrite_csv(data, edit, counts)
    raise PurgeError(f"{path} : type de fichier inconnu (CSV ou XLSX attendu)")


def _encoding(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def _rewrite_csv(data: bytes, edit: RowEdit, counts: _Counts) -> bytes | None:
    encoding = _encoding(data)
    text = data.decode(encoding)
    lines = text.splitlines(keepends=True)
    prefix: list[str] = []
    while lines and not lines[0].strip():
        prefix.append(lines.pop(0))
    first = lines[0].rstrip("\r\n") if lines else ""
    delimiter = None
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter = first[4]
        prefix.append(lines.pop(0))
    body = "".join(lines)
    delimiter = delimiter or _delimiter(lines[0] if lines else "")
    records = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    if not records:
        return None
    header = [cell.strip() for cell in records[0]]
    changed = False
    for record in records[1:]:
        row: dict[str, Any] = {
            column: value.strip() for column, value in zip(header, record, strict=False)
        }
        if edit(row, counts):
            changed = True
            record[:] = [str(row.get(column, "")) for column in header] + record[len(header) :]
    if not changed:
        return None
    terminator = "\r\n" if "\r\n" in body else "\n"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=terminator).writerows(records)
    return ("".join(prefix) + buffer.getvalue()).encode(encoding)


def _delimiter(header: str) -> str:
    """As :mod:`models.tables`: the most frequent of ``;``, ``,`` and tab outside quotes."""
    unquoted = "".join(header.split('"')[::2])
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rewrite_xlsx(path: Path, data: bytes, edit: RowEdit, counts: _Counts) -> bytes | None:
    import openpyxl  # only XLSX tables need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data))
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise PurgeError(f"{path} : classeur Excel illisible") from None
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    if not rows:
        return None
    header = [cell_text(cell.value) for cell in rows[0]]
    changed = False
    for cells in rows[1:]:
        row = {
            column: cell_text(cell.value)
            for column, cell in zip(header, cells, strict=False)
            if column
        }
        before = dict(row)
        if edit(row, counts):
            changed = True
            for column, cell in zip(header, cells, strict=False):
                if column and row.get(column) != before.get(column):
                    cell.value = row.get(column) or None
    if not changed:
        return None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_text(path: Path, data: bytes) -> str:
    """The text of a scenario or table file, to look for names in it."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            try:
                return "\n".join(
                    cell_text(value)
                    for sheet in book.worksheets
                    for line in sheet.iter_rows(values_only=True)
                    for value in line
                )
            finally:
                book.close()
        except Exception:  # damaged: nothing to search
            return ""
    return data.decode(_encoding(data), errors="replace")


# --- outputs to delete ---


def _versions(scenario_file: Path) -> list[PurgeAction]:
    """The earlier versions of the scenario kept by the dashboard's saves
    (:func:`planner.store.backups`): they name the students too."""
    kept = store.backups(scenario_file)
    if not kept:
        return []
    folder = store.versions_dir(scenario_file)
    if all(p in kept for p in folder.iterdir()):
        return [
            PurgeAction(folder, f"{len(kept)} ancienne(s) version(s) du scénario supprimée(s)")
        ]
    return [PurgeAction(p, "ancienne version du scénario supprimée") for p in kept]


def _deletion(path: Path, sources: Iterable[Path]) -> PurgeAction:
    """The deletion of a plan, documents or export folder (or file)."""
    resolved = path.resolve()
    for source in sources:
        if resolved == source.resolve() or resolved in source.resolve().parents:
            raise PurgeError(
                f"--dossier {path} : contient le scénario ou sa liste ({source.name}) ; "
                "il n'est pas supprimé"
            )
    if path.is_file():
        if path.suffix.lower() not in OUTPUT_SUFFIXES:
            raise PurgeError(
                f"--dossier {path} : ce n'est pas un fichier écrit par stageplan "
                f"({', '.join(sorted(OUTPUT_SUFFIXES))}) ; il n'est pas supprimé"
            )
        return PurgeAction(path, "fichier exporté supprimé")
    if (path / _PLAN_MARKER).is_file():
        return PurgeAction(path, "dossier de plan supprimé (avec ses exports et documents)")
    if (path / _DOCUMENTS_MARKER).is_file():
        return PurgeAction(path, "dossier de documents supprimé")
    files = [p for p in path.rglob("*") if p.is_file()]
    if any(p.suffix.lower() not in OUTPUT_SUFFIXES for p in files):
        raise PurgeError(
            f"--dossier {path} : ce n'est pas un dossier de plan, de documents ou d'export de "
            "stageplan (il contient d'autres fichiers) ; il n'est pas supprimé"
        )
    return PurgeAction(path, f"dossier d'export supprimé ({len(files)} fichier(s))")


def _delete(path: Path) -> None:
    if not path.exists():
        return
    if path.is_dir():
        retired = Path(tempfile.mkdtemp(prefix=f".{path.name}.purge-", dir=path.parent))
        os.replace(path, retired / "old")
        shutil.rmtree(retired)
    else:
        path.unlink()
    fsync_dir(path.parent)


__all__ = [
    "MASKED_REASON",
    "OUTPUT_SUFFIXES",
    "PURGED_REASON",
    "PurgeAction",
    "PurgeError",
    "PurgePlan",
    "SharedPlan",
    "apply_purge",
    "plan_purge",
    "pseudonymise",
    "pseudonymise_solve_info",
    "shared_plan",
]
